// GET /public/?Cmd=freebusy&start=…&end=…&interval=…&u=SMTP:a&u=… (KB813268, §14): one <a:item> per u=
// after the "All Attendees" aggregate, fbdata one digit per interval: 0 free, 1 tentative, 2 busy, 3 OOF,
// 4 no data (unknown mailbox). Computed from the calendars as they were one publication delay ago.
import { findMailbox } from '../org.ts';
import { NS, parseExchangeDate, str } from '../store/props.ts';
import type { Folder, Item, Mailbox, Store } from '../store/store.ts';
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

/** One mailbox's free/busy over one window, as published: its levels, their digits, and where the non-free ones are. */
interface Published {
  levels: Uint8Array;
  digits: string;
  /** First and last slot that is not free (-1 when all are free): the aggregate row reads only those. */
  first: number;
  last: number;
  /** The written <a:item> of this answer, for the name and address it was written with. */
  item?: { displayName: string; email: string; xml: string };
  /** The mailbox zone it was worked out in (kept answers only). */
  timeZone?: string;
}

// A few windows per calendar are kept (the day asked, a strip's wider window, a week); the oldest goes first.
const ANSWERS_PER_CALENDAR = 4;

/**
 * The answers already worked out from this state of a calendar, by window (start, end, interval): Exchange answers
 * from the free/busy message it published, not by reading the calendar per request (§14), and a search asks the same
 * window of thousands of rooms again and again (issue 13). Every item write gives the folder a new etag (store.ts),
 * which drops them. Keyed by folder object: a reset builds new folders, so old answers go with the old store.
 */
const publishedAnswers = new WeakMap<Folder, { etag: string; answers: Map<string, Published> }>();

function answersOf(folder: Folder): Map<string, Published> {
  let kept = publishedAnswers.get(folder);
  if (!kept || kept.etag !== folder.etag) publishedAnswers.set(folder, (kept = { etag: folder.etag, answers: new Map() }));
  return kept.answers;
}

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

function publish(levels: Uint8Array): Published {
  let first = -1;
  let last = -1;
  for (let k = 0; k < levels.length; k++) {
    if (levels[k] === 0) continue;
    if (first < 0) first = k;
    last = k;
  }
  return { levels, digits: digits(levels), first, last };
}

/**
 * A mailbox's free/busy over [start, end) in slots of `intervalMs`, from the calendar index's answers when this
 * window was asked before and nothing changed since. Never to be changed by the caller (it is shared).
 */
function published(
  store: Store,
  mailbox: Mailbox,
  start: number,
  end: number,
  intervalMs: number,
  delayMs: number,
  window = windowKey(start, end, intervalMs),
): Published {
  const folder = store.wellKnownFolder(mailbox, 'calendar');
  // Decided by the delay itself, not by comparing two readings of the clock (a millisecond tick between them sent
  // a live request down the journal's path).
  if (delayMs > 0) {
    // With a publication delay, free/busy shows the calendar as it was `delay` ago (§14): that moves with the clock,
    // so it is worked out every time.
    const levels = new Uint8Array(Math.ceil((end - start) / intervalMs));
    const items = store.journal.stateAt(mailbox, folder.items.values(), store.now().getTime() - delayMs);
    markItems(levels, items, mailbox, start, end, intervalMs, replacedOccurrences(items));
    return publish(levels);
  }
  // The zone is checked too: recurring masters expand on the mailbox's wall clock, which a config change may move.
  const answers = answersOf(folder);
  const known = answers.get(window);
  if (known && known.timeZone === mailbox.config.timeZone) return known;
  const answer = { ...publish(liveLevels(folder, mailbox, start, end, intervalMs)), timeZone: mailbox.config.timeZone };
  if (!known && answers.size >= ANSWERS_PER_CALENDAR) answers.delete(answers.keys().next().value!);
  answers.set(window, answer);
  return answer;
}

/** The key of a window among a calendar's kept answers; made once per request, not per mailbox. */
const windowKey = (start: number, end: number, intervalMs: number): string => `${start}|${end}|${intervalMs}`;

function liveLevels(folder: Folder, mailbox: Mailbox, start: number, end: number, intervalMs: number): Uint8Array {
  const levels = new Uint8Array(Math.ceil((end - start) / intervalMs));
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
  return published(store, mailbox, start, end, intervalMs, delayMs).digits;
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

// As writeXml: an element with no text is written self-closing.
const el = (name: string, text: string, attrs = ''): string => (text ? `<a:${name}${attrs}>${escapeText(text)}</a:${name}>` : `<a:${name}${attrs}/>`);
const itemXml = (r: FbRow): string =>
  `<a:item>${el('displayname', r.displayName)}${el('email', r.email, ' type="SMTP"')}<a:type>1</a:type>${el('fbdata', r.fbdata)}</a:item>`;

/** A mailbox's <a:item>, written once per published answer and name (a search asks the same rooms again and again). */
function publishedItemXml(answer: Published, displayName: string, email: string): string {
  const known = answer.item;
  if (known && known.displayName === displayName && known.email === email) return known.xml;
  const xml = itemXml({ displayName, email, fbdata: answer.digits });
  answer.item = { displayName, email, xml };
  return xml;
}

function freeBusyXml(all: FbRow, items: string[]): string {
  return `<?xml version="1.0"?><a:response xmlns:a="${WM}"><a:recipients><a:item>${el('displayname', all.displayName)}<a:type>1</a:type>${el('fbdata', all.fbdata)}</a:item>${items.join('')}</a:recipients></a:response>`;
}

/** The first start, end and interval and every u= of the query (names case-insensitive), in one pass. */
function freeBusyParams(ctx: RequestContext): { start?: string; end?: string; interval?: string; users: string[] } {
  const out: { start?: string; end?: string; interval?: string; users: string[] } = { users: [] };
  for (const [k, v] of ctx.url.searchParams) {
    if (k === 'u' || k === 'U') out.users.push(v.replace(/^SMTP:/i, '').trim());
    else {
      const name = k.toLowerCase();
      if (name === 'start') out.start ??= v;
      else if (name === 'end') out.end ??= v;
      else if (name === 'interval') out.interval ??= v;
    }
  }
  return out;
}

/**
 * Whole answers by query and language, while nothing in the store or the organisation changed: a search asks the same
 * batches of the same rooms again and again. Exchange itself answers from precomputed published free/busy on many
 * threads (§14); a single-threaded emulator working out every room per request made its own CPU most of what a
 * benchmark of the app measured (issue 13). Any write moves the store's revision, which empties the cache.
 */
interface AnswerCache {
  revision: number;
  org: unknown;
  answers: Map<string, Buffer>;
}
const answerCaches = new WeakMap<Store, AnswerCache>();
// About 25 batches of a 5,000-room search in two languages; the oldest goes first.
const CACHED_ANSWERS = 64;

function answerCache(store: Store, org: unknown): AnswerCache {
  const revision = store.counters().revision;
  let cache = answerCaches.get(store);
  if (!cache || cache.revision !== revision || cache.org !== org) answerCaches.set(store, (cache = { revision, org, answers: new Map() }));
  return cache;
}

export function handleFreeBusy(ctx: RequestContext): void {
  const { store, org, freeBusyDelayMs } = ctx.state;
  // With a publication delay the answer moves with the clock; the downlevel page is rare: neither is kept.
  const cache = freeBusyDelayMs === 0 && !ctx.downlevel ? answerCache(store, org) : undefined;
  const cacheKey = cache ? `${wordsFor(ctx.req.headers['accept-language']).allAttendees}|${ctx.url.search}` : '';
  const cached = cache?.answers.get(cacheKey);
  if (cached) return send(ctx.res, 200, cached, 'text/xml');
  const params = freeBusyParams(ctx);
  const start = parseExchangeDate(params.start ?? '')?.getTime();
  const end = parseExchangeDate(params.end ?? '')?.getTime();
  const interval = Number(params.interval ?? '30');
  if (start === undefined || end === undefined) return sendOwaErrorPage(ctx, 'The start or end time is not valid.');
  if (!Number.isInteger(interval) || interval <= 0) return sendOwaErrorPage(ctx, 'The interval is not valid.');
  if (end <= start) return sendOwaErrorPage(ctx, 'The end time must be after the start time.');
  const intervalMs = interval * 60_000;
  if ((end - start) / intervalMs > MAX_SLOTS) return sendOwaErrorPage(ctx, 'The requested time range is too large.');
  const slots = Math.ceil((end - start) / intervalMs);
  const words = wordsFor(ctx.req.headers['accept-language']);
  const downlevel = ctx.downlevel;
  const rows: FbRow[] = [];
  const items: string[] = [];
  const aggregate = new Uint8Array(slots);
  const window = windowKey(start, end, intervalMs);
  let unknown: string | undefined;
  for (const address of params.users) {
    const account = findMailbox(org, address);
    const mailbox = account ? store.mailbox(account.alias) : undefined;
    const displayName = account?.displayName ?? address;
    const email = account?.smtp ?? address;
    if (mailbox) {
      const answer = published(store, mailbox, start, end, intervalMs, freeBusyDelayMs, window);
      // Only the slots between the first and last non-free one can raise the aggregate.
      const levels = answer.levels;
      for (let k = answer.first; k >= 0 && k <= answer.last; k++) if (aggregate[k]! < levels[k]!) aggregate[k] = levels[k]!;
      if (downlevel) rows.push({ displayName, email, fbdata: answer.digits });
      else items.push(publishedItemXml(answer, displayName, email));
    } else {
      const fbdata = (unknown ??= '4'.repeat(slots));
      if (downlevel) rows.push({ displayName, email, fbdata });
      else items.push(itemXml({ displayName, email, fbdata }));
    }
  }
  if (downlevel) return sendDownlevelPage(ctx, rows, words);
  const xml = Buffer.from(freeBusyXml({ displayName: words.allAttendees, email: '', fbdata: digits(aggregate) }, items), 'utf8');
  if (cache) {
    if (cache.answers.size >= CACHED_ANSWERS) cache.answers.delete(cache.answers.keys().next().value!);
    cache.answers.set(cacheKey, xml);
  }
  send(ctx.res, 200, xml, 'text/xml');
}
