// The day view's meetings kept per room between changes (issue 13: the first view after one booking changed re-read
// all 2,000 meetings of a 200-room day). Migration 0017's triggers raise a room's counter whenever anything shown on
// its row changes (room 0: every room), so a rebuild re-reads only the rooms whose counter moved and hands every row
// a stamp that changes exactly when its meetings may have: present.ts keeps each row's rendered HTML by that stamp.
//
// Staying correct: invalidation.ts owns which tables move the counters (its test checks the triggers); the rules
// that look across rooms (an Outlook copy of another room's booking is hidden, an Outlook series spans rooms) are
// applied after the rooms are put together, and what they did to a room's Outlook meetings is part of its stamp.
import type { Db } from '../db/connection.ts';
import { assembleByRoom, listScheduleItems, readRoomParts, type RoomParts, type ScheduleDeps, type ScheduleItem } from './bookings-source.ts';
import type { AppContext } from '../context.ts';
import { scheduleRoomVersions } from './repo.ts';
import { listRooms, type Room } from '../rooms/service.ts';
import type { DirectoryFilter } from '../rooms/schema.ts';

type Ctx = Pick<AppContext, 'db' | 'clock'> & ScheduleDeps;

export interface StampedItems {
  /** Each room's meetings by start time (every room asked has an entry). Shared: read-only. */
  byRoom: ReadonlyMap<number, readonly ScheduleItem[]>;
  /** Per room: equal stamps (for the same window) mean equal meetings. Null: no counters, nothing kept. */
  stamps: ReadonlyMap<number, string> | null;
}

interface Kept {
  version: string;
  parts: RoomParts;
  /** The parts as text, to tell a change that reached this window from one that did not. */
  digest: string;
  /** The room as its row draws it (the kept directory's object: equal objects are the same one). */
  room: Room;
  /** Moves only when the parts or the room drawn changed: a counter that moved for another day keeps it. */
  generation: number;
  /** The room's meetings as shown, with the stamp they were put together under. */
  shown?: { stamp: string; items: readonly ScheduleItem[] };
}
let generations = 0;
/** Windows kept per database (a few days' views); each holds at most the rooms asked for. */
const MAX_WINDOWS = 8;
const kept = new WeakMap<Db, Map<string, Map<number, Kept>>>();

function windowStore(db: Db, key: string): Map<number, Kept> {
  let windows = kept.get(db);
  if (!windows) kept.set(db, (windows = new Map()));
  let rooms = windows.get(key);
  if (rooms) {
    // Most recently used last, so the oldest window goes first.
    windows.delete(key);
  } else {
    rooms = new Map();
    if (windows.size >= MAX_WINDOWS) windows.delete(windows.keys().next().value!);
  }
  windows.set(key, rooms);
  return rooms;
}

/**
 * The meetings of these rooms overlapping [start, end), as listScheduleItems answers, per room with its stamp.
 *
 * A room's counter moves for any change of its meetings, on any day: a booking moved next week moved it too. So a
 * stale room is read again, and only when what it reads for this window (or the room itself) differs from what is
 * kept does its stamp change (issue 13: in the mixed load a booking a quarter second, none on the day shown, made
 * every day view render its model and pages again). The stamp is then the room's generation, never its counter.
 */
export function listStampedItems(ctx: Ctx, rooms: readonly Room[], start: number, end: number): StampedItems {
  const roomIds = rooms.map((r) => r.id);
  if (!roomIds.length) return { byRoom: new Map(), stamps: new Map() };
  // Counters first, then the data: data read after its counter is never older than the version it is kept under.
  const versions = scheduleRoomVersions(ctx.db);
  if (!versions) {
    const byRoom = new Map<number, ScheduleItem[]>(roomIds.map((id) => [id, []]));
    for (const i of listScheduleItems(ctx, roomIds, start, end)) byRoom.get(i.roomId)?.push(i);
    return { byRoom, stamps: null };
  }
  const all = versions.get(0) ?? 0;
  const store = windowStore(ctx.db, `${start}|${end}`);
  const version = (id: number) => `${all}.${versions.get(id) ?? 0}`;
  const roomById = new Map(rooms.map((r) => [r.id, r]));
  const stale = roomIds.filter((id) => store.get(id)?.version !== version(id) || store.get(id)!.room !== roomById.get(id));
  if (stale.length)
    for (const [id, parts] of readRoomParts(ctx, stale, start, end)) {
      const room = roomById.get(id)!;
      const digest = JSON.stringify(parts);
      const was = store.get(id);
      // The room drawn is the kept directory's object; a new object (the directory was read again) is compared as text.
      const sameRoom = was && (was.room === room || JSON.stringify(was.room) === JSON.stringify(room));
      if (was && sameRoom && was.digest === digest) store.set(id, { ...was, version: version(id), room });
      else store.set(id, { version: version(id), parts, digest, room, generation: ++generations });
    }
  const stamps = new Map<number, string>();
  const byRoom = assembleByRoom(new Map(roomIds.map((id) => [id, store.get(id)!.parts])), (id, outcome, build) => {
    // What the cross-room rules did to the room's Outlook meetings (usually nothing: '') is part of its stamp; room 0
    // (a person's name, a building's check-in default) redraws every row, as it always did.
    const stamp = `${all}.${store.get(id)!.generation}.${outcome}`;
    stamps.set(id, stamp);
    const kept = store.get(id)!;
    if (kept.shown?.stamp !== stamp) kept.shown = { stamp, items: build() };
    return kept.shown.items;
  });
  return { byRoom, stamps };
}

const roomLists = new WeakMap<Db, { version: number; lists: Map<string, Room[]> }>();

/**
 * The rooms directory as listRooms answers it, kept until a room or its equipment changes (counter -1 of migration
 * 0017): reading and decoding 200 rooms with their equipment was the largest part of a day-view rebuild left after
 * the rows were kept. The result is shared: read-only.
 */
export function listRoomsKept(ctx: Parameters<typeof listRooms>[0], filter: Partial<DirectoryFilter>): readonly Room[] {
  const versions = scheduleRoomVersions(ctx.db);
  if (!versions) return listRooms(ctx, filter);
  const version = versions.get(-1) ?? 0;
  let kept = roomLists.get(ctx.db);
  if (!kept || kept.version !== version) roomLists.set(ctx.db, (kept = { version, lists: new Map() }));
  const key = JSON.stringify([filter.building ?? null, filter.capacity ?? null, filter.equipment ?? []]);
  let rooms = kept.lists.get(key);
  if (!rooms) {
    if (kept.lists.size >= 32) kept.lists.clear();
    kept.lists.set(key, (rooms = listRooms(ctx, filter)));
  }
  return rooms;
}
