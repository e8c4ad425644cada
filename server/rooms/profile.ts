// A room's profile (issue 16): "show subjects" and a floor note, set by an admin on the room form and read by the
// room's own page. Kept beside the room (its own table) so the room form's fields and their tests stay as they are.
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit, type Actor } from '../audit/record.ts';
import { checkbox, optionalText } from '../http/fields.ts';
import * as repo from './profile.repo.ts';
import { getRoom } from './service.ts';

export type { RoomProfile } from './profile.repo.ts';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

/** The room form's "Room page" section. */
export const RoomProfileForm = z.object({
  showSubjects: checkbox,
  floorNote: optionalText('rooms.profile.floor_note', 500),
});

export type RoomProfileInput = z.output<typeof RoomProfileForm>;

export function roomProfile(ctx: Pick<AppContext, 'db'>, roomId: number): repo.RoomProfile {
  return repo.findRoomProfile(ctx.db, roomId);
}

export function saveRoomProfile(ctx: Ctx, actor: Actor, roomId: number, input: RoomProfileInput): repo.RoomProfile {
  return ctx.db
    .transaction(() => {
      getRoom(ctx, roomId);
      const before = repo.findRoomProfile(ctx.db, roomId);
      const after = { showSubjects: input.showSubjects, floorNote: input.floorNote ?? null };
      repo.saveRoomProfileRow(ctx.db, roomId, after, toDbTime(ctx.clock.now()));
      recordAudit(ctx, actor, 'room.profile_updated', { type: 'room', id: roomId }, before, after);
      return after;
    })
    .immediate();
}
