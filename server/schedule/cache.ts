import type { Db } from '../db/connection.ts';
import { scheduleVersion } from './invalidation.ts';

/** Entries kept per database: a few pages open at a front desk; a 200-room day model is about a megabyte. */
const MAX_ENTRIES = 16;
const caches = new WeakMap<Db, { version: number; entries: Map<string, unknown> }>();

/**
 * Computes once per key until anything a schedule is built from changes: the schedule_changes counter moves (see
 * invalidation.ts for which tables move it, and how).
 * Cached values are shared between requests: treat them as read-only. Without the counter it always computes.
 */
export function cachedUntilChange<T>(db: Db, key: string, compute: () => T): T {
  const version = scheduleVersion(db);
  if (version === null) return compute();
  let cache = caches.get(db);
  if (!cache || cache.version !== version) caches.set(db, (cache = { version, entries: new Map() }));
  if (cache.entries.has(key)) return cache.entries.get(key) as T;
  const value = compute();
  if (cache.entries.size >= MAX_ENTRIES) cache.entries.delete(cache.entries.keys().next().value!);
  cache.entries.set(key, value);
  // A failed computation is not remembered: the next request tries again.
  if (value instanceof Promise) value.catch(() => cache.entries.get(key) === value && cache.entries.delete(key));
  return value;
}
