// What other features read of bookings (find-a-room, find-a-time): the booking rules and the rooms' busy times.
// A face of its own so that readers depend on this small leaf, not on the whole feature: it imports only this
// folder's repository and rules, never the booking service (which queues to the outbox and asks find-a-room for
// alternatives). server/architecture.test.ts checks that it stays a leaf.
import type { AppContext } from '../context.ts';
import * as repo from './repo.ts';

export { checkBookingRules } from './rules.ts';

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
