// Helpers for the emulator's own integration tests: start it on 127.0.0.1:0, send DAV requests with Basic
// credentials, and read multistatus answers. Parsing here uses fast-xml-parser directly (not the
// emulator's reader), so a bug in one cannot hide a bug in the other.
import { after, before, beforeEach } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../index.ts';

export const NS_DECL =
  'xmlns:a="DAV:" xmlns:b="urn:uuid:c2f41010-65b3-11d1-a29f-00aa00c14882/" xmlns:c="xml:" xmlns:d="urn:schemas:httpmail:" xmlns:e="urn:schemas:calendar:" xmlns:f="http://schemas.microsoft.com/exchange/" xmlns:g="http://schemas.microsoft.com/mapi/proptag/" xmlns:h="urn:schemas:mailheader:"';

export function start(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ controlApi: true, ...opts });
}

export function basic(user: string, password = 'demo'): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

export async function dav(
  base: string,
  method: string,
  path: string,
  opts: { user?: string; password?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.user !== undefined) headers.Authorization = basic(opts.user, opts.password);
  if (opts.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'text/xml';
  const res = await fetch(base + path, { method, headers, body: opts.body, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export interface MsRow {
  href: string;
  status: string | undefined;
  /** Values from 200 propstats, keyed by local name. */
  ok: Record<string, string | string[]>;
  /** Raw dt type attributes of 200 values, keyed by local name. */
  types: Record<string, string>;
  /** Local names from non-200 propstats, keyed by status line. */
  failed: Record<string, string[]>;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => ['response', 'propstat', 'v'].includes(name),
});

type Node = Record<string, unknown>;

export function rows(xml: string): MsRow[] {
  const doc = parser.parse(xml) as Node;
  const ms = (doc.multistatus ?? {}) as Node;
  return ((ms.response ?? []) as Node[]).map((r) => {
    const row: MsRow = { href: String(r.href), status: r.status === undefined ? undefined : String(r.status), ok: {}, types: {}, failed: {} };
    for (const ps of (r.propstat ?? []) as Node[]) {
      const status = String(ps.status);
      const prop = (ps.prop ?? {}) as Node;
      for (const [name, value] of Object.entries(prop)) {
        if (status !== 'HTTP/1.1 200 OK') {
          (row.failed[status] ??= []).push(name);
          continue;
        }
        if (value !== null && typeof value === 'object') {
          const v = value as Node;
          if (typeof v['@dt'] === 'string') row.types[name] = v['@dt'];
          row.ok[name] = Array.isArray(v.v) ? (v.v as unknown[]).map(String) : String(v['#text'] ?? '');
        } else row.ok[name] = String(value ?? '');
      }
    }
    return row;
  });
}

export function propfindBody(props: string): string {
  return `<?xml version="1.0"?><a:propfind ${NS_DECL}><a:prop>${props}</a:prop></a:propfind>`;
}

export function proppatchBody(set: string, remove = ''): string {
  return `<?xml version="1.0"?><a:propertyupdate ${NS_DECL}><a:set><a:prop>${set}</a:prop></a:set>${remove ? `<a:remove><a:prop>${remove}</a:prop></a:remove>` : ''}</a:propertyupdate>`;
}

export function searchBody(sql: string): string {
  const escaped = sql.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0"?><a:searchrequest xmlns:a="DAV:"><a:sql>${escaped}</a:sql></a:searchrequest>`;
}

/** PROPPATCHes an appointment into `mailbox`'s folder; returns the reply. */
export function createAppointment(
  base: string,
  user: string,
  path: string,
  fields: { subject: string; start: string; end: string; extra?: string },
): Promise<Reply> {
  return dav(base, 'PROPPATCH', path, {
    user,
    body: proppatchBody(
      `<a:contentclass>urn:content-classes:appointment</a:contentclass><f:outlookmessageclass>IPM.Appointment</f:outlookmessageclass>` +
        `<d:subject>${fields.subject}</d:subject><e:dtstart b:dt="dateTime.tz">${fields.start}</e:dtstart><e:dtend b:dt="dateTime.tz">${fields.end}</e:dtend>` +
        `<e:instancetype b:dt="int">0</e:instancetype><e:busystatus>BUSY</e:busystatus>${fields.extra ?? ''}`,
    ),
  });
}

/**
 * One emulator (control API on) for the enclosing `describe`, reset before each test. The hooks register where
 * this is called; `url` is readable once the suite has started.
 */
export function useEmulator(opts: EmulatorOptions = {}): { readonly url: string; close(): Promise<void> } {
  let running: RunningEmulator | undefined;
  const current = (): RunningEmulator => {
    if (!running) throw new Error('the emulator starts in the suite’s before hook');
    return running;
  };
  before(async () => {
    running = await start(opts);
  });
  after(() => running?.close());
  beforeEach(async () => {
    await fetch(`${current().url}/_emulator/reset`, { method: 'POST' });
  });
  return {
    get url() {
      return current().url;
    },
    close: () => current().close(),
  };
}
