// GET /public/?Cmd=freebusy&start=…&end=…&interval=…&u=SMTP:a&u=… (KB813268, §14): one <a:item> per u=
// after the "All Attendees" aggregate, fbdata one digit per interval: 0 free, 1 tentative, 2 busy, 3 OOF,
// 4 no data (unknown mailbox). Computed from the calendars as they were one publication delay ago.
import { findMailbox } from '../org.ts';
import { NS, parseExchangeDate, str } from '../store/props.ts';
import type { Folder, Item, Mailbox, Store } from '../store/store.ts';
import { isRecurringMaster, replacedOccurrences, spansBetween } from '../store/recurrence.ts';
import type { RequestContext } from '../http/context.ts';
import { escapeHtml, send, sendHtml } from '../http/respond.ts';
import { writeXml, type XNode } from '../http/xml-write.ts';
import { sendOwaErrorPage } from './error-page.ts';

const WM = 'WM';
const LEVEL: Record<string, number> = { FREE: 0, TENTATIVE: 1, BUSY: 2, OOF: 3 };
const MAX_SLOTS = 10_000;

type CalendarEntry = { props: Item['props'] };

/** A live calendar folder's items by time, rebuilt only when the folder's etag says an item was written. */
interface CalendarIndex {
  etag: string;
  /** Single appointments (and changed occurrences) with a readable start and end, by start. */
  timed: { item: Item; start: number; end: number }[];
  /** The longest of them, so a window query can bound how early an overlapping one may start. */
  longest: number;
  /** Recurring masters and anything without readable times: always looked at, as before. */
  other: Item[];
  replaced: Map<string, Set<number>>;
}

// Keyed by folder object: a reset builds new folders, so old indexes go with the old store.
const calendarIndexes = new WeakMap<Folder, CalendarIndex>();

function calendarIndex(folder: Folder): CalendarIndex {
  const cached = calendarIndexes.get(folder);
  // Every item write goes through Store.createItem/touchItem/deleteItem/moveItem, which give the folder a new etag.
  if (cached && cached.etag === folder.etag) return cached;
  const items = [...folder.items.values()];
  const timed: CalendarIndex['timed'] = [];
  const other: Item[] = [];
  let longest = 0;
  for (const item of items) {
    if (isRecurringMaster(item)) {
      other.push(item);
      continue;
    }
    const start = parseExchangeDate(str(item.props.get(`${NS.cal}dtstart`)) ?? '')?.getTime();
    const end = parseExchangeDate(str(item.props.get(`${NS.cal}dtend`)) ?? '')?.getTime();
    if (start === undefined || end === undefined) continue; // spansBetween gives such an item no span
    timed.push({ item, start, end });
    longest = Math.max(longest, end - start);
  }
  timed.sort((a, b) => a.start - b.start);
  const index = { etag: folder.etag, timed, longest, other, replaced: replacedOccurrences(items) };
  calendarIndexes.set(folder, index);
  return index;
}

/** Live items that may have a span in [start, end): a binary search instead of looking at every item ever booked. */
function liveCandidates(folder: Folder, start: number, end: number): { items: Item[]; replaced: Map<string, Set<number>> } {
  const index = calendarIndex(folder);
  const { timed } = index;
  // First entry starting after `start - longest`: nothing earlier can reach into the window.
  const from = start - index.longest;
  let lo = 0;
  let hi = timed.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timed[mid]!.start <= from) lo = mid + 1;
    else hi = mid;
  }
  const items = [...index.other];
  for (let k = Math.max(0, lo - 1); k < timed.length && timed[k]!.start < end; k++) if (timed[k]!.end > start) items.push(timed[k]!.item);
  return { items, replaced: index.replaced };
}

/** Free/busy digits for a mailbox over [start, end) in slots of `intervalMs`. */
export function freeBusyString(store: Store, mailbox: Mailbox, start: number, end: number, intervalMs: number, publishedBefore: number): string {
  const slots = Math.ceil((end - start) / intervalMs);
  const levels = new Array<number>(slots).fill(0);
  const folder = store.wellKnownFolder(mailbox, 'calendar');
  let items: CalendarEntry[];
  let replaced: Map<string, Set<number>>;
  if (publishedBefore >= store.now().getTime()) {
    ({ items, replaced } = liveCandidates(folder, start, end));
  } else {
    // With a publication delay, free/busy shows the calendar as it was `delay` ago (§14).
    items = store.journal.stateAt(mailbox, folder.items.values(), publishedBefore);
    replaced = replacedOccurrences(items);
  }
  for (const item of items) {
    if (str(item.props.get(`${NS.cal}meetingstatus`))?.toUpperCase() === 'CANCELLED') continue;
    // EXCHANGE (assumed, §14): overlapping appointments show the strongest status (OOF > busy > tentative).
    const itemLevel = LEVEL[(str(item.props.get(`${NS.cal}busystatus`)) ?? 'BUSY').toUpperCase()] ?? 2;
    // Per occurrence: a series' changed occurrences carry their own times and busy status.
    for (const span of spansBetween(item, start, end, mailbox.config.timeZone, replaced)) {
      const level = span.exception?.busyStatus ? (LEVEL[span.exception.busyStatus.toUpperCase()] ?? itemLevel) : itemLevel;
      const first = Math.max(0, Math.floor((span.start.getTime() - start) / intervalMs));
      const last = Math.min(slots - 1, Math.ceil((span.end.getTime() - start) / intervalMs) - 1);
      for (let k = first; k <= last; k++) levels[k] = Math.max(levels[k]!, level);
    }
  }
  return levels.join('');
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

function sendDownlevelPage(ctx: RequestContext, rows: XNode[], words: OwaWords): void {
  const text = (n: XNode, local: string): string => n.children?.find((c) => c.local === local)?.text ?? '';
  const body = rows
    .map((r) => {
      const cells = [...text(r, 'fbdata')].map((c) => `<td bgcolor="${COLOURS[Number(c)] ?? COLOURS[4]}">&nbsp;</td>`).join('');
      return `<tr><td nowrap>${escapeHtml(text(r, 'displayname'))}</td>${cells}</tr>`;
    })
    .join('\r\n');
  const title = words.availability;
  sendHtml(ctx.res, 200, `<HTML><HEAD><TITLE>${title}</TITLE></HEAD><BODY><TABLE class="fbTable">\r\n${body}\r\n</TABLE></BODY></HTML>`);
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
  const publishedBefore = store.now().getTime() - freeBusyDelayMs;

  const field = (local: string, text: string, attrs?: XNode['attrs']): XNode => ({ ns: WM, local, text, attrs });
  const rows: XNode[] = [];
  const aggregate = new Array<number>(slots).fill(0);
  for (const address of users) {
    const account = findMailbox(org, address);
    const mailbox = account ? store.mailbox(account.alias) : undefined;
    const fb = mailbox ? freeBusyString(store, mailbox, start, end, intervalMs, publishedBefore) : '4'.repeat(slots);
    if (mailbox) for (let k = 0; k < slots; k++) aggregate[k] = Math.max(aggregate[k]!, fb.charCodeAt(k) - 48);
    rows.push({
      ns: WM,
      local: 'item',
      children: [
        field('displayname', account?.displayName ?? address),
        field('email', account?.smtp ?? address, [{ ns: '', local: 'type', value: 'SMTP' }]),
        field('type', '1'),
        field('fbdata', fb),
      ],
    });
  }
  const words = wordsFor(ctx.req.headers['accept-language']);
  if (ctx.downlevel) return sendDownlevelPage(ctx, rows, words);
  const all: XNode = {
    ns: WM,
    local: 'item',
    children: [field('displayname', words.allAttendees), field('type', '1'), field('fbdata', aggregate.join(''))],
  };
  const xml = writeXml({ ns: WM, local: 'response', children: [{ ns: WM, local: 'recipients', children: [all, ...rows] }] }, [[WM, 'a']]);
  send(ctx.res, 200, xml, 'text/xml');
}
