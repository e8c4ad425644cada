// Reading an OWA command's answer: a redirect to the item it made, or a page that may be an error (§15).
import type { WireResponse } from '../wire.ts';
import { header } from '../wire.ts';
import { errorForStatus, parseRetryAfter, RejectedError } from '../errors.ts';
import { hrefToPath } from '../dav/multistatus.ts';
import { classifyOwaPage } from './owa-errors.ts';

export interface OwaAnswer {
  /** The item URL OWA pointed to (redirect target or `<span id="itemHREF">`), as a path without query. */
  itemPath: string | null;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** Throws for error statuses and error pages; otherwise returns where OWA pointed, if anywhere. */
export function readOwaAnswer(res: WireResponse): OwaAnswer {
  if (res.status >= 300 && res.status < 400) {
    const location = header(res, 'location');
    if (!location) throw new RejectedError('owa-redirect-without-location', res.facts);
    // EVO strips the `?Cmd=…` OWA appends to the item URL (§15).
    return { itemPath: hrefToPath(location.split('?')[0]!) };
  }
  if (res.status !== 200) {
    throw errorForStatus(res.status, res.facts, parseRetryAfter(header(res, 'retry-after'), Date.now())) ?? new RejectedError('unexpected-status', res.facts);
  }
  const page = classifyOwaPage(res.body);
  if (page.kind === 'error') throw new RejectedError('owa-error-page', res.facts, page.message);
  if (page.kind === 'logon') throw new RejectedError('owa-logon-page', res.facts, 'OWA answered with its logon page');
  const href = /<span[^>]*\bid\s*=\s*["']?itemHREF["']?[^>]*>([^<]+)<\/span>/i.exec(res.body)?.[1]?.trim();
  return { itemPath: href ? hrefToPath(decodeEntities(href).split('?')[0]!) : null };
}
