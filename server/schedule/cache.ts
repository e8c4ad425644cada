import type { Db } from '../db/connection.ts';
import { scheduleRoomVersions, scheduleVersion } from './invalidation.ts';

/**
 * Entries kept per database and pool, each pool bounded on its own so one use never pushes out another's: day-view
 * models (a few pages open at a front desk; a 200-room model is about a megabyte), find-a-room's reads of the app's
 * own bookings (searches differ by building, date and times), reception's open check-ins (one per building a minute).
 */
const POOLS = { models: 16, 'find-busy': 32, 'checkin-due': 8 } as const;
export type CachePool = keyof typeof POOLS;
const caches = new WeakMap<Db, { version: number; pools: Map<CachePool, Map<string, unknown>> }>();

/**
 * Computes once per key until anything a schedule is built from changes: the schedule_changes counter moves (see
 * invalidation.ts for which tables move it, and how). The counter is read before computing, so a value is never older
 * than the version it is kept under.
 * Cached values are shared between requests: treat them as read-only. Without the counter it always computes.
 */
export function cachedUntilChange<T>(db: Db, key: string, compute: () => T, pool: CachePool = 'models'): T {
  const version = scheduleVersion(db);
  if (version === null) return compute();
  let cache = caches.get(db);
  if (!cache || cache.version !== version) caches.set(db, (cache = { version, pools: new Map() }));
  let entries = cache.pools.get(pool);
  if (!entries) cache.pools.set(pool, (entries = new Map()));
  if (entries.has(key)) return entries.get(key) as T;
  const value = compute();
  if (entries.size >= POOLS[pool]) entries.delete(entries.keys().next().value!);
  entries.set(key, value);
  // A failed computation is not remembered: the next request tries again.
  if (value instanceof Promise) value.catch(() => entries.get(key) === value && entries.delete(key));
  return value;
}

/**
 * Entries kept per database for single rooms' views. Pages hold each reader's finished page (a week page is tens of KB
 * per reader), so few; item lists are small and there is one per door display.
 */
const ROOM_POOLS = { pages: 32, items: 256 } as const;
const roomCaches = new WeakMap<Db, Record<keyof typeof ROOM_POOLS, Map<string, { version: string; value: unknown }>>>();

/**
 * Like cachedUntilChange, but for values that depend only on these rooms' meetings (and, with `directory`, on the rooms
 * themselves): kept until one of their per-room counters (migration 0017) moves, room 0 standing for every room and
 * -1 for the rooms directory. A booking in another room no longer throws away every room's week view and door
 * display (in the mixed load a booking changed every quarter second). Without the counters: cachedUntilChange.
 * Counters are read before computing, so a value is never older than the version it is kept under.
 */
export function cachedUntilRoomsChange<T>(
  db: Db,
  pool: keyof typeof ROOM_POOLS,
  roomIds: readonly number[],
  directory: boolean,
  key: string,
  compute: () => T,
): T {
  const versions = scheduleRoomVersions(db);
  if (!versions) return cachedUntilChange(db, key, compute);
  const v = (id: number) => versions.get(id) ?? 0;
  const version = `${v(0)}|${directory ? v(-1) : ''}|${roomIds.map(v).join(',')}`;
  let pools = roomCaches.get(db);
  if (!pools) roomCaches.set(db, (pools = { pages: new Map(), items: new Map() }));
  const cache = pools[pool];
  const hit = cache.get(key);
  if (hit && hit.version === version) {
    // Most recently used last, so the oldest entry goes first (a view of a past minute is never asked again).
    cache.delete(key);
    cache.set(key, hit);
    return hit.value as T;
  }
  const value = compute();
  cache.delete(key);
  if (cache.size >= ROOM_POOLS[pool]) cache.delete(cache.keys().next().value!);
  const entry = { version, value };
  cache.set(key, entry);
  // A failed computation is not remembered: the next request tries again.
  if (value instanceof Promise) value.catch(() => cache.get(key) === entry && cache.delete(key));
  return value;
}
