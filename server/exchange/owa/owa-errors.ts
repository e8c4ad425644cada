// OWA reports failures as pages, often with 200 OK (§15). This recognises the logon form (session gone) and
// error pages so no OWA command is taken as done on the strength of its status code alone.

export type OwaPage = { kind: 'ok' } | { kind: 'logon' } | { kind: 'error'; message: string };

// EXCHANGE: the FBA logon page posts to owaauth.dll from owalogon.asp; its form is named logonForm (§3, §17).
const LOGON_MARKERS = [/owalogon\.asp/i, /owaauth\.dll/i, /name\s*=\s*["']?logonForm/i];

// Markers of OWA/IIS error pages. OWA 2003 renders failures as an HTML page titled with an error and a short
// message; IIS adds "The page cannot be displayed". Any of these in an answer to a command means failure.
const ERROR_MARKERS = [
  /<title>[^<]*\berror\b[^<]*<\/title>/i,
  /The page cannot be (?:displayed|found)/i,
  /An error (?:has )?occurred/i,
  /The operation failed/i,
  /could not be (?:completed|found|opened|sent|saved)/i,
  /id\s*=\s*["']?(?:errMsg|errorMessage|error)["'\s>]/i,
  /HTTP Error \d{3}/i,
];

function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Classify an OWA answer body. Only for HTML-ish bodies; XML answers are validated by their parsers. */
export function classifyOwaPage(body: string): OwaPage {
  if (LOGON_MARKERS.some((m) => m.test(body))) return { kind: 'logon' };
  const marker = ERROR_MARKERS.find((m) => m.test(body));
  if (marker) {
    const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
    return { kind: 'error', message: (title || textOf(body)).slice(0, 200) };
  }
  return { kind: 'ok' };
}

/** True when a redirect target is the FBA logon page: the session is gone. */
export function isLogonRedirect(location: string | undefined): boolean {
  return !!location && /owalogon\.asp/i.test(location);
}
