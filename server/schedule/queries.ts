// What other features may read of the schedule without depending on it (a face, server/architecture.test.ts): the
// data version the triggers of invalidation.ts move, for caches outside this folder (find-a-room's room list).
export { scheduleVersion } from './repo.ts';
