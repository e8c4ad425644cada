// Cmd=freebusy answers (§14) → typed busy stretches. Pure: no I/O, no process time zone.
import { DateTime } from 'luxon';
import type { BusySlot, MailboxFreeBusy, TimeWindow } from '../gateway.ts';
import { childOf, childrenOf, parseXml, XmlShapeError } from '../xml.ts';
import { toFreeBusyParam } from '../dates.ts';

// EXCHANGE: 0 free, 1 tentative, 2 busy, 3 out of office, 4 no data. KB813268's text swaps 1 and 2; EVO,
// DavMail and MAPI agree on 1 = tentative, and so do we (§14, §19.3). See statusOf below.

/** Number of `interval`-minute slots covering the window (the last one may be partial). */
export function slotCount(window: TimeWindow, intervalMinutes: number): number {
  const minutes = window.end.diff(window.start, 'minutes').minutes;
  return Math.ceil(minutes / intervalMinutes);
}

// Each address's `u=SMTP:…` as URLSearchParams writes it, by address: a 5,000-room search encoded the same 5,000
// addresses on every search, twice (once to size the batches; issue 13). Rooms are few thousand; the bound only
// keeps a stream of one-off attendee addresses from growing it for ever.
const userParams = new Map<string, string>();
const USER_PARAMS_KEPT = 50_000;

/** `u=SMTP:<address>`, encoded exactly as URLSearchParams encodes it. */
export function userParam(email: string): string {
  let param = userParams.get(email);
  if (param === undefined) {
    if (userParams.size >= USER_PARAMS_KEPT) userParams.clear();
    userParams.set(email, (param = new URLSearchParams([['u', `SMTP:${email}`]]).toString()));
  }
  return param;
}

/** Query parameters of one Cmd=freebusy request, in order (the same text URLSearchParams gives for all of them). */
export function freeBusyQuery(emails: readonly string[], window: TimeWindow, intervalMinutes: number): string {
  const params = new URLSearchParams();
  params.append('Cmd', 'freebusy');
  params.append('start', toFreeBusyParam(window.start));
  params.append('end', toFreeBusyParam(window.end));
  params.append('interval', String(intervalMinutes));
  const parts = [params.toString()];
  for (const email of emails) parts.push(userParam(email));
  return parts.join('&');
}

/**
 * A busy stretch read from an fbdata string. Its epoch milliseconds are plain fields (hot loops over thousands of rooms
 * read those); the luxon DateTimes the gateway's type promises are built only when something reads `start` or `end`:
 * two DateTimes per stretch were most of the cost of reading a 5,000-room answer (issue 13).
 */
class Stretch implements BusySlot {
  #start: DateTime | undefined;
  #end: DateTime | undefined;
  constructor(
    readonly startMs: number,
    readonly endMs: number,
    readonly status: BusySlot['status'],
  ) {}
  get start(): DateTime {
    return (this.#start ??= DateTime.fromMillis(this.startMs, { zone: 'utc' }));
  }
  get end(): DateTime {
    return (this.#end ??= DateTime.fromMillis(this.endMs, { zone: 'utc' }));
  }
  toJSON(): { start: string | null; end: string | null; status: BusySlot['status'] } {
    return { start: this.start.toISO(), end: this.end.toISO(), status: this.status };
  }
}

// Character codes of the fbdata digits.
const ZERO = 48;
const FOUR = 52;
const statusOf = (code: number): BusySlot['status'] => (code === 49 ? 'tentative' : code === 50 ? 'busy' : 'oof');

/** Decode one fbdata string into merged non-free stretches; null when it holds no data at all. */
export function decodeFbData(fbdata: string, window: TimeWindow, intervalMinutes: number): BusySlot[] | null {
  const data = fbdata.trim();
  const startMs = window.start.toMillis();
  const endMs = window.end.toMillis();
  const stepMs = intervalMinutes * 60_000;
  const expected = Math.ceil((endMs - startMs) / stepMs);
  // CASE: how Exchange rounds an end that is not a whole number of intervals is unknown (§19.3): accept the
  // floor or the ceiling, reject anything shorter (that would silently report free time we never saw).
  const floor = Math.floor((endMs - startMs) / stepMs);
  // One pass over the character codes (a 5,000-room answer is 780,000 digits): it checks every digit is 0-4, notes
  // whether any is not 4 (all 4: no data) and collects the runs of one non-free digit, with no closure, regular
  // expression or date object per slot (issue 13). Digits past `expected` are checked but not read.
  const slots: Stretch[] = [];
  let allNoData = true;
  let runCode = 0;
  let runStart = 0;
  let runEnd = 0;
  const n = data.length;
  for (let i = 0; i < n; i++) {
    const code = data.charCodeAt(i);
    if (code < ZERO || code > FOUR) throw new XmlShapeError('malformed-freebusy', 'fbdata holds characters other than 0-4');
    if (i >= expected) continue;
    if (code !== FOUR) allNoData = false;
    if (code === ZERO || code === FOUR) continue;
    const start = startMs + i * stepMs;
    const end = start + stepMs < endMs ? start + stepMs : endMs;
    if (runCode === code && runEnd === start) runEnd = end;
    else {
      if (runCode) slots.push(new Stretch(runStart, runEnd, statusOf(runCode)));
      runCode = code;
      runStart = start;
      runEnd = end;
    }
  }
  if (n < floor) {
    throw new XmlShapeError('malformed-freebusy', `fbdata has ${n} slots, expected ${expected}`);
  }
  if (runCode) slots.push(new Stretch(runStart, runEnd, statusOf(runCode)));
  if (n > 0 && allNoData) return null;
  return slots;
}

const WHITESPACE = /\s/;
const DATA = /[0-3]/;
const RUNS = /1+|2+|3+/g;

/** The window of an answer in epoch ms, worked out once per answer rather than per mailbox. */
interface Grid {
  startMs: number;
  endMs: number;
  stepMs: number;
  /** Slots covering the window (the last one may be partial). */
  expected: number;
}

/** The stretches of digits already checked (0-4 only, trimmed, long enough): runs of one non-free digit. */
function runsOf(data: string, g: Grid): Stretch[] {
  const slots: Stretch[] = [];
  RUNS.lastIndex = 0;
  for (let m = RUNS.exec(data); m !== null && m.index < g.expected; m = RUNS.exec(data)) {
    const last = Math.min(m.index + m[0].length, g.expected);
    const end = g.startMs + last * g.stepMs;
    slots.push(new Stretch(g.startMs + m.index * g.stepMs, end < g.endMs ? end : g.endMs, statusOf(m[0].charCodeAt(0))));
  }
  return slots;
}

/** Whether a non-free digit's slot overlaps [from, to), as reading runsOf's stretches would say, reading only those digits. */
function anyBusyIn(data: string, g: Grid, from: number, to: number): boolean {
  const last = Math.min(g.expected, data.length);
  for (let i = from > g.startMs ? Math.floor((from - g.startMs) / g.stepMs) : 0; i < last; i++) {
    const start = g.startMs + i * g.stepMs;
    if (start >= to) break;
    const code = data.charCodeAt(i);
    if (code === ZERO || code === FOUR) continue;
    const end = start + g.stepMs < g.endMs ? start + g.stepMs : g.endMs;
    if (end > from && end > start) return true;
  }
  return false;
}

/**
 * One mailbox's answer from digits fastFbData's item pattern has checked (0-4 with at most whitespace around them):
 * every error decodeFbData would raise is raised here, at once, but the stretches are built only when `busy` is read,
 * and `busyBetween` answers from the digits themselves. A 5,000-room search reads the stretches of the 25 rooms it
 * draws, not of every room (issue 13). Null when the digits hold no data (all 4).
 */
function checkedAnswer(email: string, fbdata: string, window: TimeWindow, g: Grid, intervalMinutes: number): MailboxFreeBusy | null {
  const data = fbdata.trim();
  // Whitespace inside the digits: the full decoder says what is wrong.
  if (WHITESPACE.test(data)) {
    const busy = decodeFbData(fbdata, window, intervalMinutes);
    return busy === null ? null : { email, known: true, busy };
  }
  const n = data.length;
  if (n < Math.floor((g.endMs - g.startMs) / g.stepMs)) throw new XmlShapeError('malformed-freebusy', `fbdata has ${n} slots, expected ${g.expected}`);
  const some = data.search(DATA);
  if (n > 0 && (some < 0 || some >= g.expected)) return null;
  return new CheckedAnswer(email, data, g);
}

/**
 * checkedAnswer's answer. A class, so the accessor and method live on the prototype: an object literal with a getter
 * made a new accessor pair per mailbox, most of the cost of reading a batch. `busy` is therefore not an own property:
 * a copy must name it ({ ...a } would lose it; no caller copies answers), and JSON has it through toJSON.
 */
class CheckedAnswer implements MailboxFreeBusy {
  readonly known = true;
  #busy: BusySlot[] | undefined;
  readonly #data: string;
  readonly #grid: Grid;
  constructor(
    readonly email: string,
    data: string,
    grid: Grid,
  ) {
    this.#data = data;
    this.#grid = grid;
  }
  get busy(): BusySlot[] {
    return (this.#busy ??= runsOf(this.#data, this.#grid));
  }
  set busy(value: BusySlot[]) {
    this.#busy = value;
  }
  busyBetween(from: number, to: number): boolean {
    const busy = this.#busy;
    return busy ? busy.some((s) => s.startMs! < to && s.endMs! > from && s.endMs! > s.startMs!) : anyBusyIn(this.#data, this.#grid, from, to);
  }
  toJSON(): MailboxFreeBusy {
    return { email: this.email, known: true, busy: this.busy };
  }
}

const fastShapes = new Map<string, { item: RegExp }>();

/**
 * The answer's fbdata by address, read with two regular expressions when the body has exactly the shape Exchange
 * writes (§14: one prefix bound to "WM", items of displayname, email, type, fbdata, no comments or CDATA, no entity
 * in an address); null for anything else, which then goes through the full XML parser. A 500-room answer is
 * ~150 KB, and building its tree was the largest part of a search's CPU (issue 13).
 */
export function fastFbData(body: string): Map<string, string> | null {
  const items = fastItems(body);
  return items ? byAddress(items) : null;
}

/** The items of an answer with an address (the aggregate has none), in the answer's order: addresses lower-cased. */
interface FastItems {
  emails: string[];
  fbdata: string[];
}

function byAddress(items: FastItems): Map<string, string> {
  const byEmail = new Map<string, string>();
  for (let k = 0; k < items.emails.length; k++) byEmail.set(items.emails[k]!, items.fbdata[k]!);
  return byEmail;
}

function fastItems(body: string): FastItems | null {
  const head = /^\s*(?:<\?xml[^>]*\?>\s*)?<([A-Za-z][A-Za-z0-9]*):response xmlns:\1="WM">\s*<\1:recipients>/.exec(body);
  if (!head) return null;
  const p = head[1]!;
  // The end is looked for from the end: a regular expression anchored at $ still scans the whole body for its start.
  const stop = body.lastIndexOf(`</${p}:recipients>`);
  if (stop < 0 || !new RegExp(`^</${p}:recipients>\\s*</${p}:response>\\s*$`).test(body.slice(stop))) return null;
  let shape = fastShapes.get(p);
  if (!shape) {
    const el = (name: string, content: string, attrs = '') => `<${p}:${name}${attrs}>${content}</${p}:${name}>`;
    shape = {
      item: new RegExp(
        `\\s*<${p}:item>\\s*(?:${el('displayname', '[^<&]*')}\\s*)?(?:${el('email', '([^<&]*)', ' type="SMTP"')}\\s*)?(?:${el('type', '[0-9]*')}\\s*)?${el('fbdata', '([0-4\\s]*)')}\\s*</${p}:item>`,
        'y',
      ),
    };
    fastShapes.set(p, shape);
  }
  const items: FastItems = { emails: [], fbdata: [] };
  const re = shape.item;
  re.lastIndex = head[0].length;
  while (re.lastIndex < stop) {
    const at = re.lastIndex;
    const m = re.exec(body);
    if (!m) {
      // Only whitespace may be left before </recipients>.
      return /^\s*$/.test(body.slice(at, stop)) ? items : null;
    }
    const email = m[1]?.trim().toLowerCase();
    if (email) {
      items.emails.push(email.startsWith('smtp:') ? email.slice(5) : email);
      items.fbdata.push(m[2]!);
    }
  }
  return re.lastIndex === stop ? items : null;
}

export function fbDataByTree(body: string): Map<string, string> {
  const root = parseXml(body);
  if (root.name !== 'response') throw new XmlShapeError('malformed-freebusy', `root is <${root.name}>, not <response>`);
  const recipients = childOf(root, root.ns, 'recipients');
  if (!recipients) throw new XmlShapeError('malformed-freebusy', 'no <recipients>');
  const byEmail = new Map<string, string>();
  for (const item of childrenOf(recipients, root.ns, 'item')) {
    // The first item is the aggregate "All Attendees" and has no email (§14).
    const email = childOf(item, root.ns, 'email')?.text.trim().toLowerCase();
    if (!email) continue;
    const fbdata = childOf(item, root.ns, 'fbdata');
    if (!fbdata) throw new XmlShapeError('malformed-freebusy', `no <fbdata> for ${email}`);
    byEmail.set(email.replace(/^smtp:/, ''), fbdata.text);
  }
  return byEmail;
}

/** Parse the XML answer; every requested address gets an entry, in the order asked. */
export function parseFreeBusy(body: string, emails: readonly string[], window: TimeWindow, intervalMinutes: number): MailboxFreeBusy[] {
  const fast = fastItems(body);
  // Exchange answers one item per u=, in the order asked (§14): then the answer is read by position, with no map of
  // thousands of addresses built and looked up (issue 13); any other order goes by address.
  const inOrder = fast !== null && fast.emails.length === emails.length && emails.every((e, k) => fast.emails[k] === e.toLowerCase());
  const byEmail = inOrder ? null : fast ? byAddress(fast) : fbDataByTree(body);
  const startMs = window.start.toMillis();
  const endMs = window.end.toMillis();
  const stepMs = intervalMinutes * 60_000;
  const grid: Grid = { startMs, endMs, stepMs, expected: Math.ceil((endMs - startMs) / stepMs) };
  return emails.map((email, k) => {
    const fbdata = byEmail ? byEmail.get(email.toLowerCase()) : fast!.fbdata[k];
    if (fbdata === undefined) return { email, known: false, busy: [] };
    if (fast) return checkedAnswer(email, fbdata, window, grid, intervalMinutes) ?? { email, known: false, busy: [] };
    const busy = decodeFbData(fbdata, window, intervalMinutes);
    return busy === null ? { email, known: false, busy: [] } : { email, known: true, busy };
  });
}
