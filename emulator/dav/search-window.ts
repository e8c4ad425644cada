// A SEARCH with a dtstart/dtend window (the room check of every booking, DavMail's calendar views) used to build
// every item's full property map (hrefs, locks, computed DAV: properties) just to test its dates: a room calendar
// with years of meetings made each search cost milliseconds per hundred items (issue 13). The folder's time index
// (store/calendar-index.ts, kept up to date from the store's writes) gives the items that can overlap the window,
// so a windowed search builds properties only for those. It is a pre-filter, never the decision: every candidate
// is still evaluated against the whole WHERE, and an item whose dates the index cannot read as instants is always
// a candidate.
import { calendarIndex, inFolderOrder } from '../store/calendar-index.ts';
import type { Folder, Item } from '../store/store.ts';

/**
 * The folder's items that may match a WHERE whose window is [from, to] (windowOf: it holds only if dtend is after
 * `from` and dtstart before `to`), in the folder's order. Bounds are taken inclusively, so both `>` and `>=` forms
 * (and Asterisk's `NOT (dtend < S OR dtstart > E)`) keep every item they could match.
 */
export function windowCandidates(folder: Folder, window: { from: number; to: number }): Item[] {
  const index = calendarIndex(folder);
  return inFolderOrder([...index.untyped, ...index.typed.overlapping(window.from, window.to)]);
}
