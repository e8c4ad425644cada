// What other features read of bookings: the booking rules and the rooms' busy times (find-a-time), and find-a-room's
// view of both (`localBookings`, handed to findRooms by its callers, so availability imports nothing of bookings).
// A face of its own, so that readers depend on this small file, not on the whole feature: it never imports the
// booking service (which queues to the outbox and asks find-a-room for alternatives). server/architecture.test.ts
// checks that no feature, and no face, reaches back to one that uses it.
import type { AppContext } from '../context.ts';
import type { LocalBookings } from '../availability/service.ts';
import * as repo from './repo.ts';
import { checkBookingRules } from './rules.ts';

export { checkBookingRules };

type Ctx = Pick<AppContext, 'db'>;

/**
 * Busy intervals per room (epoch ms) from the app's own active bookings and from meetings seen in the rooms' Exchange
 * calendars. Epoch ms, not luxon: find-a-room reads thousands of these per search.
 */
export function activeBusyByRoom(ctx: Pick<Ctx, 'db'>, roomIds: number[], start: string, end: string): Map<number, { start: number; end: number }[]> {
  const map = new Map<number, { start: number; end: number }[]>(roomIds.map((id) => [id, []]));
  // Stored times are UTC ISO text with a Z, which Date.parse reads exactly.
  const add = (roomId: number, s: string, e: string) => map.get(roomId)?.push({ start: Date.parse(s), end: Date.parse(e) });
  for (const b of repo.listActiveTimesInWindow(ctx.db, roomIds, start, end)) add(b.roomId, b.startsAt, b.endsAt);
  for (const x of repo.listExternalInWindow(ctx.db, roomIds, start, end)) add(x.roomId, x.startsAt, x.endsAt);
  return map;
}

/** Find-a-room's view of the app's own bookings (availability/service.ts LocalBookings), handed to findRooms. */
export const localBookings: LocalBookings = { busyByRoom: activeBusyByRoom, checkRules: checkBookingRules };
