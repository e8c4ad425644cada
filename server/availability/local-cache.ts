// Find-a-room asks the app's own bookings of every candidate room for the asked slot on every search: over 5,000 rooms
// that read (a range of the bookings index per room, and the Outlook meetings seen) was a third of a search's CPU
// (issue 13). Bookings and external_bookings bump the schedule data version by trigger (server/schedule/invalidation.ts),
// so an answer is kept per connection and search until that version moves: any write to either empties it. The kept
// maps are shared between searches: callers must not change them or their lists.
import type { AppContext } from '../context.ts';
import { scheduleVersion } from '../schedule/queries.ts';
import type { Interval } from './merge.ts';

export type BusyByRoom = ReadonlyMap<number, readonly Interval[]>;

interface Entry {
  version: number;
  byKey: Map<string, BusyByRoom>;
}

const cache = new WeakMap<AppContext['db'], Entry>();
// Searches differ by building, date and times; a few dozen kept cover a burst of them, the oldest goes first.
const KEPT = 32;

/** `read()`'s answer for `key` (which must name everything the answer depends on), kept until the data version moves. */
export function localBusyCached(db: AppContext['db'], key: string, read: () => BusyByRoom): BusyByRoom {
  const version = scheduleVersion(db);
  // Without the version table (a database before migration 0003) nothing can say when an answer is stale.
  if (version === null) return read();
  let entry = cache.get(db);
  if (!entry || entry.version !== version) cache.set(db, (entry = { version, byKey: new Map() }));
  let busy = entry.byKey.get(key);
  if (!busy) {
    busy = read();
    // Read again: a write between the version and the read would otherwise be kept under the older version.
    if (scheduleVersion(db) !== version) return busy;
    if (entry.byKey.size >= KEPT) entry.byKey.delete(entry.byKey.keys().next().value!);
    entry.byKey.set(key, busy);
  }
  return busy;
}
