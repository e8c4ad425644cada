// OWA Cmd=freebusy (§14): many `u=` per GET on /public/, batched so 100s of rooms cost one request each batch.
import type { MailboxFreeBusy, TimeWindow } from '../gateway.ts';
import type { Transport } from '../transport.ts';
import { RejectedError } from '../errors.ts';
import { parseOrReject } from '../dav/multistatus.ts';
import { header } from '../wire.ts';
import { classifyOwaPage } from './owa-errors.ts';
import { freeBusyQuery, parseFreeBusy, userParam } from './freebusy-data.ts';

export interface FreeBusyOptions {
  /** Mailboxes per request. */
  batchSize: number;
  /** Longest request target we send; batches shrink to fit (IIS refuses very long URLs). */
  maxUrlLength: number;
}

/** Split addresses into batches of at most `batchSize` whose query stays under `maxUrlLength`. */
export function batchesOf(emails: readonly string[], window: TimeWindow, interval: number, options: FreeBusyOptions): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  const base = '/public/?'.length + freeBusyQuery([], window, interval).length;
  let length = base;
  for (const email of emails) {
    const added = 1 + userParam(email).length;
    if (current.length > 0 && (current.length >= options.batchSize || length + added > options.maxUrlLength)) {
      batches.push(current);
      current = [];
      length = base;
    }
    current.push(email);
    length += added;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** One request's addresses and its query string. */
export interface PlannedBatch {
  emails: readonly string[];
  query: string;
}

interface Plan {
  key: string;
  /** A copy of the addresses asked, compared address by address: the caller's array may change after the call. */
  emails: readonly string[];
  batches: PlannedBatch[];
}

// The last few address lists' batches and query strings: find-a-room asks the same 5,000 rooms over the same window
// search after search, and splitting and writing their queries came before any request could go (issue 13).
const plans: Plan[] = [];
const PLANS_KEPT = 4;

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** batchesOf with each batch's query string, from the last few lists asked when this one is among them. */
export function plannedBatches(emails: readonly string[], window: TimeWindow, interval: number, options: FreeBusyOptions): PlannedBatch[] {
  const key = `${window.start.toMillis()}|${window.end.toMillis()}|${interval}|${options.batchSize}|${options.maxUrlLength}`;
  const known = plans.find((p) => p.key === key && sameList(p.emails, emails));
  if (known) return known.batches;
  const batches = batchesOf(emails, window, interval, options).map((b) => ({ emails: b, query: freeBusyQuery(b, window, interval) }));
  plans.unshift({ key, emails: [...emails], batches });
  if (plans.length > PLANS_KEPT) plans.pop();
  return batches;
}

/** `language` is the Accept-Language value (owa/language.ts): OWA names the aggregate row in it. */
export async function fetchFreeBusy(
  t: Transport,
  emails: readonly string[],
  window: TimeWindow,
  interval: number,
  language: string,
  query: string = freeBusyQuery(emails, window, interval),
): Promise<MailboxFreeBusy[]> {
  const res = await t.expect(
    {
      method: 'GET',
      path: `/public/?${query}`,
      // EXCHANGE: an MSIE User-Agent (set on every request) gets XML; others may get the HTML table (§14).
      headers: { 'accept-language': language, accept: 'text/xml, */*' },
    },
    [200],
  );
  const type = header(res, 'content-type') ?? '';
  if (/html/i.test(type) || /^\s*<(!doctype|html)/i.test(res.body)) {
    const page = classifyOwaPage(res.body);
    throw new RejectedError(
      page.kind === 'error' ? 'owa-error-page' : 'freebusy-html',
      res.facts,
      page.kind === 'error' ? page.message : 'free/busy came back as HTML, not XML',
    );
  }
  return parseOrReject(res, (body) => parseFreeBusy(body, emails, window, interval));
}
