// What other features may read of the schedule without depending on it (a face, server/architecture.test.ts): the
// data version the triggers of invalidation.ts move, and the cache kept by it, for values outside this folder that are
// built from the same tables (find-a-room's own bookings, reception's open check-ins).
export { scheduleVersion } from './repo.ts';
export { cachedUntilChange } from './cache.ts';
