// One index of a folder's items by time, shared by every reader that asks "what is in this calendar between A
// and B": the windowed SEARCH (the room check of every booking), OWA free/busy, the expansion of recurring items
// and the room's auto-accept. Each of them used to read every item of the folder, and each rebuilt its own
// index from every item after any write, so a room mailbox's years of accepted meetings were parsed again on the
// first request after every booking (issue 13: a create cost 3 × more with 2,000 past items than without).
//
// Built from every item the first time a folder is asked about, then kept up at each write: the store tells the
// folder's index of every item it creates, changes, moves or deletes (Folder.onItemWrite, called after the write,
// as Exchange indexes an item when it is saved), so a request costs what its window holds, whatever the history,
// and a burst of writes (a mailbox filled by a migration) is not re-read by the next request. It is a pre-filter,
// never the decision: callers still evaluate each candidate in full, and an item whose dates it cannot read as
// instants is always a candidate where it could match.
import { NS, parseExchangeDate, str, type PropValue } from './props.ts';
import type { Folder, Item } from './model.ts';

/** An item as the index read it at its last write. */
export interface IndexEntry {
  item: Item;
  /** The item's place in the folder's own order (Map insertion order): candidates are handed back in it. */
  pos: number;
  /** dtstart/dtend as the SEARCH evaluator compares them (instantOf), or null. */
  typedStart: number | null;
  typedEnd: number | null;
  /** dtstart/dtend read as Exchange dates whatever their type (free/busy, auto-accept), for single items. */
  start: number | undefined;
  end: number | undefined;
  recurring: boolean;
  /** Lower-cased cal:uid. */
  uid: string | undefined;
  /** A separate exception item (instancetype 3): its recurrence id. */
  replaces: number | undefined;
}

/** Entries sorted by one start, with the longest span, so a window needs only a binary search. */
class ByStart {
  readonly list: IndexEntry[] = [];
  /** Only grows between full builds: a bound too large only hands back more candidates, never fewer. */
  longest = 0;
  constructor(
    private readonly startOf: (e: IndexEntry) => number,
    private readonly endOf: (e: IndexEntry) => number,
  ) {}

  private firstAtOrAfter(at: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.startOf(this.list[mid]!) < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(e: IndexEntry): void {
    // After the last entry with the same start: equal starts stay in the order they came.
    const at = this.firstAtOrAfter(this.startOf(e) + 1);
    this.list.splice(at, 0, e);
    this.longest = Math.max(this.longest, this.endOf(e) - this.startOf(e));
  }

  remove(e: IndexEntry): void {
    for (let k = this.firstAtOrAfter(this.startOf(e)); k < this.list.length && this.startOf(this.list[k]!) === this.startOf(e); k++) {
      if (this.list[k] === e) {
        this.list.splice(k, 1);
        return;
      }
    }
  }

  /** Entries with start <= to and end >= from (inclusive both ends, so `>`/`>=` and `<`/`<=` forms all hold). */
  overlapping(from: number, to: number): IndexEntry[] {
    const out: IndexEntry[] = [];
    for (let k = this.firstAtOrAfter(from - this.longest); k < this.list.length && this.startOf(this.list[k]!) <= to; k++) {
      const e = this.list[k]!;
      if (this.endOf(e) >= from) out.push(e);
    }
    return out;
  }
}

export interface CalendarIndex {
  /** Items with SEARCH-comparable dtstart and dtend, by start. */
  readonly typed: ByStart;
  /** Items whose dates SEARCH cannot compare as instants: every windowed search evaluates them in full. */
  readonly untyped: Set<IndexEntry>;
  /** Single items (not recurring masters) with readable dates, by start: free/busy's and auto-accept's spans. */
  readonly spans: ByStart;
  /** Recurring masters: expanded per request. */
  readonly recurring: Set<IndexEntry>;
  /** Entries by uid. */
  readonly byUid: Map<string, Set<IndexEntry>>;
  /** Separate exception items (instancetype 3 with a recurrence id). */
  readonly exceptions: Set<IndexEntry>;
}

interface State extends CalendarIndex {
  nextPos: number;
  entries: Map<Item, IndexEntry>;
  replacedCache: Map<string, Set<number>> | undefined;
}

// Keyed by folder object: a reset builds new folders, so old indexes go with the old store.
const states = new WeakMap<Folder, State>();
// Keyed by the stored value object: a write replaces it, so a parsed instant never outlives its text.
const instants = new WeakMap<PropValue, number | null>();

/**
 * The instant sql-eval would compare a date property as, or null when it would not compare it as one: only
 * single-valued `dateTime`/`dateTime.tz` values (text-typed dates compare as text, rfc1123 ones parse otherwise).
 */
export function instantOf(p: PropValue | undefined): number | null {
  if (!p) return null;
  const known = instants.get(p);
  if (known !== undefined) return known;
  let at: number | null = null;
  if (typeof p.value === 'string' && p.type.startsWith('dateTime') && p.type !== 'dateTime.rfc1123') {
    const ms = parseExchangeDate(p.value)?.getTime();
    if (ms !== undefined && !Number.isNaN(ms)) at = ms;
  }
  instants.set(p, at);
  return at;
}

/** A date as free/busy and the auto-accept read it (spansBetween): the first value, any type, Exchange's syntax. */
function anyDate(p: PropValue | undefined): number | undefined {
  return parseExchangeDate(str(p) ?? '')?.getTime();
}

function entryOf(item: Item, pos: number): IndexEntry {
  const p = item.props;
  const rrule = p.get(`${NS.cal}rrule`)?.value;
  const instancetype = str(p.get(`${NS.cal}instancetype`));
  // The same test as recurrence.ts isRecurringMaster, on the props read here once.
  const recurring = instancetype === '1' && (Array.isArray(rrule) ? rrule.length > 0 : !!rrule);
  const typedStart = instantOf(p.get(`${NS.cal}dtstart`));
  const typedEnd = instantOf(p.get(`${NS.cal}dtend`));
  // A typed single value is the same text either reading parses: parsed once.
  const start = recurring ? undefined : (typedStart ?? anyDate(p.get(`${NS.cal}dtstart`)));
  const end = recurring ? undefined : (typedEnd ?? anyDate(p.get(`${NS.cal}dtend`)));
  const uid = str(p.get(`${NS.cal}uid`))?.toLowerCase();
  return {
    item,
    pos,
    typedStart,
    typedEnd,
    start: start !== undefined && end !== undefined ? start : undefined,
    end: start !== undefined && end !== undefined ? end : undefined,
    recurring,
    uid,
    replaces: instancetype === '3' && uid ? anyDate(p.get(`${NS.cal}recurrenceid`)) : undefined,
  };
}

function insert(s: State, e: IndexEntry): void {
  s.entries.set(e.item, e);
  if (e.typedStart !== null && e.typedEnd !== null) s.typed.add(e);
  else s.untyped.add(e);
  if (e.start !== undefined) s.spans.add(e);
  if (e.recurring) s.recurring.add(e);
  if (e.uid !== undefined) {
    let set = s.byUid.get(e.uid);
    if (!set) s.byUid.set(e.uid, (set = new Set()));
    set.add(e);
  }
  if (e.replaces !== undefined) {
    s.exceptions.add(e);
    s.replacedCache = undefined;
  }
}

function remove(s: State, e: IndexEntry): void {
  s.entries.delete(e.item);
  if (e.typedStart !== null && e.typedEnd !== null) s.typed.remove(e);
  else s.untyped.delete(e);
  if (e.start !== undefined) s.spans.remove(e);
  s.recurring.delete(e);
  if (e.uid !== undefined) {
    const set = s.byUid.get(e.uid);
    set?.delete(e);
    if (set && !set.size) s.byUid.delete(e.uid);
  }
  if (e.replaces !== undefined) {
    s.exceptions.delete(e);
    s.replacedCache = undefined;
  }
}

function build(folder: Folder): State {
  const s: State = {
    nextPos: 0,
    entries: new Map(),
    typed: new ByStart(
      (e) => e.typedStart!,
      (e) => e.typedEnd!,
    ),
    untyped: new Set(),
    spans: new ByStart(
      (e) => e.start!,
      (e) => e.end!,
    ),
    recurring: new Set(),
    byUid: new Map(),
    exceptions: new Set(),
    replacedCache: undefined,
  };
  // Built in bulk: sorted once rather than inserted one by one.
  const all = [...folder.items.values()].map((item) => entryOf(item, s.nextPos++));
  for (const e of all) {
    s.entries.set(e.item, e);
    if (e.typedStart === null || e.typedEnd === null) s.untyped.add(e);
    if (e.recurring) s.recurring.add(e);
    if (e.uid !== undefined) {
      let set = s.byUid.get(e.uid);
      if (!set) s.byUid.set(e.uid, (set = new Set()));
      set.add(e);
    }
    if (e.replaces !== undefined) s.exceptions.add(e);
  }
  const typed = all.filter((e) => e.typedStart !== null && e.typedEnd !== null);
  typed.sort((a, b) => a.typedStart! - b.typedStart! || a.pos - b.pos);
  s.typed.list.push(...typed);
  s.typed.longest = typed.reduce((m, e) => Math.max(m, e.typedEnd! - e.typedStart!), 0);
  const spans = all.filter((e) => e.start !== undefined);
  spans.sort((a, b) => a.start! - b.start! || a.pos - b.pos);
  s.spans.list.push(...spans);
  s.spans.longest = spans.reduce((m, e) => Math.max(m, e.end! - e.start!), 0);
  return s;
}

/** An item the store just wrote (created, changed, moved in or out, deleted): read again as it is now. */
function written(s: State, folder: Folder, item: Item, placed: boolean): void {
  const old = s.entries.get(item);
  if (old) remove(s, old);
  // Still here (not deleted, not moved away): a new place in the folder's order when it (re)entered it.
  if (item.folder === folder && folder.items.get(item.name.toLowerCase()) === item) insert(s, entryOf(item, placed || !old ? s.nextPos++ : old.pos));
}

/** The folder's index: built from every item the first time, kept up by the store's writes after that. */
export function calendarIndex(folder: Folder): CalendarIndex {
  let s = states.get(folder);
  if (!s) {
    const built = (s = build(folder));
    states.set(folder, built);
    folder.onItemWrite = (item, placed) => written(built, folder, item, placed);
  }
  return s;
}

/** uid → recurrence ids of the separate exception items (recurrence.ts replacedOccurrences, from the index). */
export function replacedOf(index: CalendarIndex): Map<string, Set<number>> {
  const s = index as State;
  if (s.replacedCache) return s.replacedCache;
  const out = new Map<string, Set<number>>();
  for (const e of [...s.exceptions].sort((a, b) => a.pos - b.pos)) {
    if (!out.has(e.uid!)) out.set(e.uid!, new Set());
    out.get(e.uid!)!.add(e.replaces!);
  }
  s.replacedCache = out;
  return out;
}

/** Entries in the folder's own order. */
export function inFolderOrder(entries: Iterable<IndexEntry>): Item[] {
  return [...entries].sort((a, b) => a.pos - b.pos).map((e) => e.item);
}

/** The folder's items whose cal:uid is `uid` (lower-cased), in the folder's order: a lookup, not a scan. */
export function itemsWithUid(folder: Folder, uid: string): Item[] {
  return inFolderOrder(calendarIndex(folder).byUid.get(uid) ?? []);
}
