// The people rows on find-a-room (issue 16): the searcher and the colleagues asked about, beside the best rooms found,
// from the one batched free/busy answer find-a-room already has. Handed to availabilityRoutes by app.ts.
import type { AppContext } from '../context.ts';
import type { FindResult } from '../availability/service.ts';
import { namesByEmail } from '../users/service.ts';
import { peopleAndRoomRows } from './people-rows.ts';

const GRID_ROOMS = 8;

/** The attendees' rows beside the best rooms found (people first, the searcher at the top). */
export function findPageRows(ctx: AppContext, user: { email: string; displayName: string }, date: string, result: FindResult, people: string[]) {
  const zone = result.matches[0]?.room.timeZone ?? result.zones[0] ?? 'Europe/London';
  const names = namesByEmail(ctx, people);
  const byEmail = new Map((result.people ?? []).map((p) => [p.email, p]));
  const slot = result.matches[0]?.slot ?? result.nearMisses[0]?.slot;
  const grid = peopleAndRoomRows(ctx, {
    date,
    zone,
    window: result.window!,
    ...(slot ? { slot } : {}),
    people: people.map((email) => ({
      email,
      name: email === user.email.toLowerCase() ? user.displayName : (names.get(email) ?? null),
      known: byEmail.get(email)?.known ?? false,
      busy: byEmail.get(email)?.busy ?? [],
    })),
    rooms: [...result.matches, ...result.nearMisses].slice(0, GRID_ROOMS).map((o) => ({ room: o.room, busy: o.busy ?? [] })),
  });
  return { grid, zone };
}
