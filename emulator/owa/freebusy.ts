// GET /public/?Cmd=freebusy&start=…&end=…&interval=…&u=SMTP:a&u=… (KB813268, §14): one <a:item> per u=
// after the "All Attendees" aggregate, fbdata one digit per interval: 0 free, 1 tentative, 2 busy, 3 OOF,
// 4 no data (unknown mailbox). Computed from the calendars as they were one publication delay ago.
import { findMailbox } from '../org.ts';
import { NS, parseExchangeDate, str } from '../store/props.ts';
import type { Item, Mailbox, Store } from '../store/store.ts';
import { replacedOccurrences, spansBetween } from '../store/recurrence.ts';
import { calendarIndex, inFolderOrder, replacedOf } from '../store/calendar-index.ts';
import type { RequestContext } from '../http/context.ts';
import { escapeHtml, send, sendHtml } from '../http/respond.ts';
import { escapeXml } from '../http/xml-write.ts';
import { sendOwaErrorPage } from './error-page.ts';

const WM = 'WM';
const LEVEL: Record<string, number> = { FREE: 0, TENTATIVE: 1, BUSY: 2, OOF: 3 };
const MAX_SLOTS = 10_000;

type CalendarEntry = { props: Item['props'] };

function isCancelled(item: CalendarEntry): boolean {
  return str(item.props.get(`${NS.cal}meetingstatus`))?.toUpperCase() === 'CANCELLED';
}

function levelOf(item: CalendarEntry): number {
  // EXCHANGE (assumed, §14): overlapping appointments show the strongest status (OOF > busy > tentative).
  return LEVEL[(str(item.props.get(`${NS.cal}busystatus`)) ?? 'BUSY').toUpperCase()] ?? 2;
}

/** Marks [spanStart, spanEnd) at `level` (the strongest wins) in slots of `intervalMs` from `start`. */
function mark(levels: Uint8Array, start: number, intervalMs: number, spanStart: number, spanEnd: number, level: number): void {
  const first = Math.max(0, Math.floor((spanStart - start) / intervalMs));
  const last = Math.min(levels.length - 1, Math.ceil((spanEnd - start) / intervalMs) - 1);
  for (let k = first; k <= last; k++) if (levels[k]! < level) levels[k] = level;
}

/** Busy spans of calendar entries (recurring ones expanded per occurrence) marked into `levels`. */
function markItems(
  levels: Uint8Array,
  items: Iterable<CalendarEntry>,
  mailbox: Mailbox,
  start: number,
  end: number,
  intervalMs: number,
  replaced: Map<string, Set<number>>,
): void {
  for (const item of items) {
    if (isCancelled(item)) continue;
    const itemLevel = levelOf(item);
    // Per occurrence: a series' changed occurrences carry their own times and busy status.
    for (const span of spansBetween(item, start, end, mailbox.config.timeZone, replaced)) {
      const level = span.exception?.busyStatus ? (LEVEL[span.exception.busyStatus.toUpperCase()] ?? itemLevel) : itemLevel;
      mark(levels, start, intervalMs, span.start.getTime(), span.end.getTime(), level);
    }
  }
}

/** Free/busy levels (one per slot) of a mailbox over [start, end) in slots of `intervalMs`. */
function freeBusyLevels(store: Store, mailbox: Mailbox, start: number, end: number, intervalMs: number, delayMs: number): Uint8Array {
  const levels = new Uint8Array(Math.ceil((end - start) / intervalMs));
  const folder = store.wellKnownFolder(mailbox, 'calendar');
  // Decided by the delay itself, not by comparing two readings of the clock (a millisecond tick between them sent
  // a live request down the journal's path).
  if (delayMs > 0) {
    // With a publication delay, free/busy shows the calendar as it was `delay` ago (§14).
    const items = store.journal.stateAt(mailbox, folder.items.values(), store.now().getTime() - delayMs);
    markItems(levels, items, mailbox, start, end, intervalMs, replacedOccurrences(items));
    return levels;
  }
  // The folder's time index (store/calendar-index.ts) gives the single appointments that can reach into the
  // window, so the cost follows the window, not every item ever booked; their level is read from these few.
  const index = calendarIndex(folder);
  for (const e of index.spans.overlapping(start, end)) {
    if (e.end! <= start || e.start! >= end || isCancelled(e.item)) continue;
    mark(levels, start, intervalMs, e.start!, e.end!, levelOf(e.item));
  }
  markItems(levels, inFolderOrder(index.recurring), mailbox, start, end, intervalMs, replacedOf(index));
  return levels;
}

// Levels 0-4 are written as the ASCII digits '0'-'4' into one buffer and read back as latin1 text: a 5,000-room
// answer is 780,000 digits, and appending them one character at a time was a third of the request's CPU (issue 13).
function digits(levels: Uint8Array): string {
  const ascii = Buffer.allocUnsafe(levels.length);
  for (let k = 0; k < levels.length; k++) ascii[k] = 48 + levels[k]!;
  return ascii.toString('latin1');
}

/** Free/busy digits for a mailbox over [start, end) in slots of `intervalMs`; `delayMs` is the publication delay. */
export function freeBusyString(store: Store, mailbox: Mailbox, start: number, end: number, intervalMs: number, delayMs: number): string {
  return digits(freeBusyLevels(store, mailbox, start, end, intervalMs, delayMs));
}

const COLOURS = ['#FFFFFF', '#99CCFF', '#0000FF', '#660066', '#C0C0C0'];

/** The plain-HTML OWA free/busy page: one table row per attendee, one coloured cell per interval. */
interface OwaWords {
  availability: string;
  allAttendees: string;
}

// OWA words its pages in the language the browser asks for (the first tag of Accept-Language); English otherwise.
const WORDS: Record<string, OwaWords> = {
  en: { availability: 'Availability', allAttendees: 'All Attendees' },
  de: { availability: 'Verfügbarkeit', allAttendees: 'Alle Teilnehmer' },
  hu: { availability: 'Elérhetőség', allAttendees: 'Minden résztvevő' },
};

function wordsFor(acceptLanguage: string | undefined): OwaWords {
  const primary = (acceptLanguage ?? '').trim().toLowerCase().slice(0, 2);
  return WORDS[primary] ?? WORDS.en!;
}

/** One attendee's answer, before it is written as XML or as the downlevel page. */
interface FbRow {
  displayName: string;
  email: string;
  fbdata: string;
}

function sendDownlevelPage(ctx: RequestContext, rows: FbRow[], words: OwaWords): void {
  const body = rows
    .map((r) => {
      const cells = [...r.fbdata].map((c) => `<td bgcolor="${COLOURS[Number(c)] ?? COLOURS[4]}">&nbsp;</td>`).join('');
      return `<tr><td nowrap>${escapeHtml(r.displayName)}</td>${cells}</tr>`;
    })
    .join('\r\n');
  const title = words.availability;
  sendHtml(ctx.res, 200, `<HTML><HEAD><TITLE>${title}</TITLE></HEAD><BODY><TABLE class="fbTable">\r\n${body}\r\n</TABLE></BODY></HTML>`);
}

/**
 * The XML answer, written directly: the same bytes writeXml gives for this fixed shape (one namespace, WM as a:),
 * without building a node per field for thousands of rooms. Every text goes through escapeXml.
 */
// Names and addresses rarely need escaping: test once, and only then run escapeXml's four replacements.
const NEEDS_ESCAPE = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const escapeText = (text: string): string => (NEEDS_ESCAPE.test(text) ? escapeXml(text) : text);

function freeBusyXml(all: FbRow, rows: FbRow[]): string {
  // As writeXml: an element with no text is written self-closing.
  const el = (name: string, text: string, attrs = ''): string => (text ? `<a:${name}${attrs}>${escapeText(text)}</a:${name}>` : `<a:${name}${attrs}/>`);
  const parts = [`<?xml version="1.0"?><a:response xmlns:a="${WM}"><a:recipients>`];
  parts.push(`<a:item>${el('displayname', all.displayName)}<a:type>1</a:type>${el('fbdata', all.fbdata)}</a:item>`);
  for (const r of rows)
    parts.push(`<a:item>${el('displayname', r.displayName)}${el('email', r.email, ' type="SMTP"')}<a:type>1</a:type>${el('fbdata', r.fbdata)}</a:item>`);
  parts.push('</a:recipients></a:response>');
  return parts.join('');
}

function param(ctx: RequestContext, name: string): string | undefined {
  for (const [k, v] of ctx.url.searchParams) if (k.toLowerCase() === name) return v;
  return undefined;
}

export function handleFreeBusy(ctx: RequestContext): void {
  const { store, org, freeBusyDelayMs } = ctx.state;
  const start = parseExchangeDate(param(ctx, 'start') ?? '')?.getTime();
  const end = parseExchangeDate(param(ctx, 'end') ?? '')?.getTime();
  const interval = Number(param(ctx, 'interval') ?? '30');
  if (start === undefined || end === undefined) return sendOwaErrorPage(ctx, 'The start or end time is not valid.');
  if (!Number.isInteger(interval) || interval <= 0) return sendOwaErrorPage(ctx, 'The interval is not valid.');
  if (end <= start) return sendOwaErrorPage(ctx, 'The end time must be after the start time.');
  const intervalMs = interval * 60_000;
  if ((end - start) / intervalMs > MAX_SLOTS) return sendOwaErrorPage(ctx, 'The requested time range is too large.');
  const slots = Math.ceil((end - start) / intervalMs);
  const users = [...ctx.url.searchParams].filter(([k]) => k.toLowerCase() === 'u').map(([, v]) => v.replace(/^SMTP:/i, '').trim());
  const rows: FbRow[] = [];
  const aggregate = new Uint8Array(slots);
  for (const address of users) {
    const account = findMailbox(org, address);
    const mailbox = account ? store.mailbox(account.alias) : undefined;
    let fbdata: string;
    if (mailbox) {
      const levels = freeBusyLevels(store, mailbox, start, end, intervalMs, freeBusyDelayMs);
      for (let k = 0; k < slots; k++) if (aggregate[k]! < levels[k]!) aggregate[k] = levels[k]!;
      fbdata = digits(levels);
    } else fbdata = '4'.repeat(slots);
    rows.push({ displayName: account?.displayName ?? address, email: account?.smtp ?? address, fbdata });
  }
  const words = wordsFor(ctx.req.headers['accept-language']);
  if (ctx.downlevel) return sendDownlevelPage(ctx, rows, words);
  const xml = freeBusyXml({ displayName: words.allAttendees, email: '', fbdata: digits(aggregate) }, rows);
  send(ctx.res, 200, xml, 'text/xml');
}
