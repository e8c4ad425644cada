// What the token form on /admin/displays shows: a checkbox per room, ticked when the person chose it before a
// failed submit (kept here, not in the view: views only print).
import type { Room } from '../rooms/service.ts';

export interface RoomChoice {
  id: number;
  name: string;
  building: string;
  checked: boolean;
}

/** `chosen` is the form's roomIds as it came in: absent, one id, or several. */
export function roomChoices(rooms: Room[], chosen: unknown): RoomChoice[] {
  const ids = new Set([chosen ?? []].flat().map(String));
  return rooms.map((r) => ({ id: r.id, name: r.name, building: r.building, checked: ids.has(String(r.id)) }));
}
