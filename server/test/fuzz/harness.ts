// The route fuzzer's plumbing: signed-in clients that send raw form bodies, and the invariants checked after
// every generated case (no booking stuck on its way to Exchange, nothing in a mailbox nobody entered, a sound DB).
import { INJECTED_PROPERTY, MARK, type FieldValue } from './arbitraries.ts';
import type { TestApp } from '../test-app.ts';

/** A browser without JavaScript that keeps its cookies and sends the CSRF token in the header. */
export class FuzzClient {
  private cookies = new Map<string, string>();
  private csrf = '';

  constructor(readonly baseUrl: string) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(path: string): Promise<Response> {
    const res = await fetch(this.baseUrl + path, { headers: { ...this.cookieHeader(), accept: 'text/html' }, redirect: 'manual' });
    this.remember(res);
    return res;
  }

  /** Reads the session's CSRF token from a page, as a form would carry it. */
  async refreshToken(): Promise<void> {
    for (const path of ['/login', '/']) {
      const html = await (await this.get(path)).text();
      const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
      if (token) {
        this.csrf = token;
        return;
      }
    }
    throw new Error('no CSRF token on /login or /');
  }

  async post(path: string, body: string): Promise<Response> {
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { ...this.cookieHeader(), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': this.csrf },
      body,
      redirect: 'manual',
    });
    this.remember(res);
    return res;
  }

  /** A multipart form (the photo upload): the token in the header as for every post, the fields, then the file. */
  async postMultipart(
    path: string,
    fields: readonly (readonly [string, FieldValue])[],
    file: { field: string; name: string; type: string; bytes: Buffer },
  ): Promise<Response> {
    const body = new FormData();
    for (const [name, v] of fields) {
      if (v.kind === 'missing') continue;
      for (const value of v.kind === 'one' ? [v.value] : v.values) body.append(name, value);
    }
    body.append(file.field, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { ...this.cookieHeader(), accept: 'text/html', 'x-csrf-token': this.csrf },
      body,
      redirect: 'manual',
    });
    this.remember(res);
    return res;
  }

  static async signedIn(baseUrl: string, username: string): Promise<FuzzClient> {
    const c = new FuzzClient(baseUrl);
    await c.refreshToken();
    const res = await c.post('/login', `username=${username}&password=demo`);
    if (res.status !== 303) throw new Error(`sign-in of ${username} answered ${res.status}`);
    await c.refreshToken();
    return c;
  }
}

/** The urlencoded body for the generated fields, in order, repeated fields repeated, then the raw suffix. */
export function encodeBody(fields: readonly (readonly [string, FieldValue])[], raw: string): string {
  const parts: string[] = [];
  for (const [name, v] of fields) {
    if (v.kind === 'missing') continue;
    for (const value of v.kind === 'one' ? [v.value] : v.values) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  return parts.join('&') + raw;
}

/** encodeURIComponent throws on a lone surrogate; a browser sends U+FFFD for it, and so do we. */
export function safeUnicode(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Addresses that somebody entered somewhere (attendee fields, room and user mailboxes), as the app reads them. */
export function addressesIn(value: string): string[] {
  return value
    .split(/[\s,;]+/)
    .map((s) => s.trim().replace(/^<|>$/g, '').toLowerCase())
    .filter((s) => s.includes('@'));
}

/** A response body must never carry the marker tag unescaped (stored or reflected markup). */
export function unescapedMarkup(html: string): boolean {
  return html.includes(`<${MARK}`);
}

interface EmulatorItem {
  name: string;
  folder: string[];
  props: Record<string, string | string[]>;
  mime?: string;
}

const RECIPIENT_PROPS = [
  'urn:schemas:mailheader:to',
  'urn:schemas:mailheader:cc',
  'urn:schemas:mailheader:bcc',
  'urn:schemas:httpmail:to',
  'urn:schemas:calendar:organizer',
];

function addressesOfHeader(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
  return [...text.matchAll(/<([^<>\s]+@[^<>\s]+)>|(?:^|[\s,;])([^\s<>",;]+@[^\s<>",;]+)/g)].map((m) => (m[1] ?? m[2]!).toLowerCase());
}

/** The iCalendar part of a MIME message, unfolded into content lines. */
export function icalLines(mime: string): string[] {
  const start = mime.indexOf('BEGIN:VCALENDAR');
  if (start < 0) return [];
  const end = mime.indexOf('END:VCALENDAR', start);
  return mime
    .slice(start, end < 0 ? undefined : end + 'END:VCALENDAR'.length)
    .replace(/\r?\n[ \t]/g, '')
    .split(/\r?\n/)
    .filter(Boolean);
}

/** The properties Exchange itself writes into the iCalendar of a meeting message (the emulator's, as Exchange 2003). */
export const ICAL_PROPERTIES = new Set([
  'BEGIN',
  'END',
  'METHOD',
  'PRODID',
  'VERSION',
  'TZID',
  'DTSTART',
  'DTEND',
  'TZOFFSETFROM',
  'TZOFFSETTO',
  'RRULE',
  'DTSTAMP',
  'ORGANIZER',
  'ATTENDEE',
  'SUMMARY',
  'LOCATION',
  'DESCRIPTION',
  'UID',
  'SEQUENCE',
  'STATUS',
  'TRANSP',
  'CLASS',
  'PRIORITY',
  'RECURRENCE-ID',
  'COMMENT',
  'X-MICROSOFT-CDO-BUSYSTATUS',
  'X-MICROSOFT-CDO-ALLDAYEVENT',
  'X-MICROSOFT-CDO-INTENDEDSTATUS',
  'X-MICROSOFT-CDO-APPT-SEQUENCE',
  'X-MICROSOFT-CDO-OWNERAPPTID',
  'X-MICROSOFT-CDO-IMPORTANCE',
  'X-MICROSOFT-CDO-INSTTYPE',
  'X-MICROSOFT-CDO-REPLYTIME',
]);

export interface MailboxFindings {
  strangers: string[];
  properties: string[];
  items: number;
}

/** Reads every mailbox and the outbound queue: recipients nobody entered, iCalendar properties nobody wrote. */
export async function checkMailboxes(app: TestApp, entered: ReadonlySet<string>): Promise<MailboxFindings> {
  const control = `${app.emulator!.url}/_emulator`;
  const mailboxes = (await (await fetch(`${control}/mailboxes`)).json()) as { alias: string; smtp: string }[];
  const known = new Set([...entered, ...mailboxes.map((m) => m.smtp.toLowerCase())]);
  const strangers = new Set<string>();
  const properties = new Set<string>();
  let items = 0;
  const look = (where: string, addresses: string[], mime: string | undefined) => {
    for (const a of addresses) if (!known.has(a)) strangers.add(`${a} (${where})`);
    for (const line of icalLines(mime ?? '')) {
      const name = /^([A-Za-z0-9-]+)[;:]/.exec(line)?.[1]?.toUpperCase();
      if (!name || !ICAL_PROPERTIES.has(name) || name === INJECTED_PROPERTY) properties.add(`${(name ?? line).slice(0, 60)} (${where})`);
      if (name === 'ATTENDEE' || name === 'ORGANIZER') {
        const address = /mailto:(.*)$/i.exec(line)?.[1]?.toLowerCase();
        if (address && !known.has(address)) strangers.add(`${address} (${where} iCalendar)`);
      }
    }
  };
  for (const m of mailboxes) {
    const list = (await (await fetch(`${control}/mailboxes/${m.alias}/items?mime=1`)).json()) as EmulatorItem[];
    for (const item of list) {
      if (!item.props['urn:schemas:calendar:uid']) continue;
      items++;
      look(
        `${m.alias}/${item.folder.join('/')}/${item.name}`,
        RECIPIENT_PROPS.flatMap((p) => addressesOfHeader(item.props[p])),
        item.mime,
      );
    }
  }
  const outbound = (await (await fetch(`${control}/outbound`)).json()) as { to: string[]; subject: string; mime: string }[];
  for (const o of outbound)
    look(
      `outbound "${o.subject.slice(0, 40)}"`,
      o.to.map((t) => t.toLowerCase()),
      o.mime,
    );
  return { strangers: [...strangers], properties: [...properties], items };
}

/** Bookings still on their way to Exchange, or failed in a way the form should have prevented, once the outbox is idle. */
export function stuckOrRefused(app: TestApp): string[] {
  const rows = app.ctx.db
    .prepare<[], { id: number; state: string; failed_reason: string | null; subject: string }>(
      `SELECT id, state, failed_reason, subject FROM bookings
       WHERE state IN ('pending', 'updating', 'cancelling')
          OR (state = 'failed' AND (failed_reason LIKE '%sync.reason.invalid%' OR failed_reason LIKE '%sync.reason.internal%'))`,
    )
    .all();
  return rows.map((r) => {
    const jobs = app.ctx.db
      .prepare<[number], { kind: string; status: string; step: string; attempts: number; last_error: string | null }>(
        'SELECT kind, status, step, attempts, last_error FROM outbox_jobs WHERE booking_id = ? ORDER BY id',
      )
      .all(r.id);
    // The last few jobs tell the story; shrinking may have queued many more.
    const shown = jobs.length > 6 ? [...jobs.slice(0, 2), `… ${jobs.length - 5} more …`, ...jobs.slice(-3)] : jobs;
    return `booking ${r.id} ${r.state}${r.failed_reason ? ` (${r.failed_reason})` : ''} subject=${JSON.stringify(r.subject)} jobs=${JSON.stringify(shown)}`;
  });
}

export function integrity(app: TestApp): string {
  const rows = app.ctx.db.prepare<[], { integrity_check: string }>('PRAGMA integrity_check').all();
  return rows.map((r) => r.integrity_check).join('; ');
}
