// A SEARCH with a dtstart/dtend window (the room check of every booking, DavMail's calendar views) used to build
// every item's full property map (hrefs, locks, computed DAV: properties) just to test its dates: a room calendar
// with years of meetings made each search cost milliseconds per hundred items (issue 13). This index keeps a
// folder's items by start, so a windowed search builds properties only for the items that can overlap the window.
// It is a pre-filter, never the decision: every candidate is still evaluated against the whole WHERE, and an item
// whose dates the index cannot read as instants is always a candidate.
import { NS, parseExchangeDate, type PropValue } from '../store/props.ts';
import type { Folder, Item } from '../store/store.ts';

interface Timed {
  item: Item;
  start: number;
  end: number;
  /** The item's place in the folder's own order: candidates are handed back in it, as the scan gave them. */
  pos: number;
}

interface WindowIndex {
  etag: string;
  /** Items with instant dtstart and dtend, by start. */
  timed: Timed[];
  /** The longest of them, so a window query can bound how early an overlapping one may start. */
  longest: number;
  /** Everything else (no dates, text-typed dates, several values): evaluated in full on every search. */
  other: { item: Item; pos: number }[];
}

// Keyed by folder object: a reset builds new folders, so old indexes go with the old store.
const indexes = new WeakMap<Folder, WindowIndex>();
// Keyed by the stored value object: a write replaces it, so a parsed instant never outlives its text.
const instants = new WeakMap<PropValue, number | null>();

/**
 * The instant sql-eval would compare a date property as, or null when it would not compare it as one: only
 * single-valued `dateTime`/`dateTime.tz` values (text-typed dates compare as text, rfc1123 ones parse otherwise).
 */
function instantOf(p: PropValue | undefined): number | null {
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

function indexOf(folder: Folder): WindowIndex {
  const cached = indexes.get(folder);
  // Every item write goes through Store.createItem/touchItem/deleteItem/moveItem, which give the folder a new etag
  // (free/busy's index relies on the same).
  if (cached && cached.etag === folder.etag) return cached;
  const timed: Timed[] = [];
  const other: WindowIndex['other'] = [];
  let longest = 0;
  let pos = 0;
  for (const item of folder.items.values()) {
    const start = instantOf(item.props.get(`${NS.cal}dtstart`));
    const end = instantOf(item.props.get(`${NS.cal}dtend`));
    if (start === null || end === null) other.push({ item, pos });
    else {
      timed.push({ item, start, end, pos });
      longest = Math.max(longest, end - start);
    }
    pos++;
  }
  timed.sort((a, b) => a.start - b.start);
  const index = { etag: folder.etag, timed, longest, other };
  indexes.set(folder, index);
  return index;
}

/**
 * The folder's items that may match a WHERE whose window is [from, to] (windowOf: it holds only if dtend is after
 * `from` and dtstart before `to`), in the folder's order. Bounds are taken inclusively, so both `>` and `>=` forms
 * (and Asterisk's `NOT (dtend < S OR dtstart > E)`) keep every item they could match.
 */
export function windowCandidates(folder: Folder, window: { from: number; to: number }): Item[] {
  const { timed, longest, other } = indexOf(folder);
  // The first entry that starts no earlier than `from - longest`: nothing before it can reach `from`.
  const earliest = window.from - longest;
  let lo = 0;
  let hi = timed.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timed[mid]!.start < earliest) lo = mid + 1;
    else hi = mid;
  }
  const hits: { item: Item; pos: number }[] = [...other];
  for (let k = lo; k < timed.length && timed[k]!.start <= window.to; k++) {
    if (timed[k]!.end >= window.from) hits.push(timed[k]!);
  }
  return hits.sort((a, b) => a.pos - b.pos).map((h) => h.item);
}
