import type { Db } from '../db/connection.ts';
import { roomsSql } from './sql-dialect.ts';

export interface Room {
  id: number;
  name: string;
  alias: string;
  email: string;
  capacity: number;
  building: string;
  floor: string;
  timeZone: string;
  /** HH:MM in the room's zone. */
  opensAt: string;
  closesAt: string;
  maxDurationMinutes: number;
  horizonDays: number;
  active: boolean;
  equipment: string[];
  /** Why the mailbox is not verified (what Exchange said at the last save); null or absent = verified. */
  mailboxUnverified?: MailboxProblem | null;
  createdAt: string;
  updatedAt: string;
}

/** The fields an admin edits. */
export type RoomFields = Omit<Room, 'id' | 'createdAt' | 'updatedAt'>;

/** A mailbox check that did not come back 'ok'. */
export type MailboxProblem = 'unknown' | 'no-access' | 'unreachable';

export interface Equipment {
  code: string;
  label: string;
}

interface RoomRow {
  id: number;
  name: string;
  mailbox_alias: string;
  mailbox_email: string;
  capacity: number;
  building: string;
  floor: string;
  time_zone: string;
  opens_at_local: string;
  closes_at_local: string;
  max_duration_minutes: number;
  horizon_days: number;
  active: number;
  mailbox_unverified: MailboxProblem | null;
  created_at: string;
  updated_at: string;
  equipment: string | null;
}

// SELECT_ROOMS (every column plus the equipment codes) is roomsSql(db).selectRooms: the aggregate differs by engine.

const toRoom = (r: RoomRow): Room => ({
  id: r.id,
  name: r.name,
  alias: r.mailbox_alias,
  email: r.mailbox_email,
  capacity: r.capacity,
  building: r.building,
  floor: r.floor,
  timeZone: r.time_zone,
  opensAt: r.opens_at_local,
  closesAt: r.closes_at_local,
  maxDurationMinutes: r.max_duration_minutes,
  horizonDays: r.horizon_days,
  active: r.active === 1,
  equipment: r.equipment ? r.equipment.split(',') : [],
  mailboxUnverified: r.mailbox_unverified ?? null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function findRoom(db: Db, id: number): Room | undefined {
  const row = db.prepare<[number], RoomRow>(`${roomsSql(db).selectRooms} WHERE r.id = ?`).get(id);
  return row && toRoom(row);
}

export function findRoomByAlias(db: Db, alias: string): Room | undefined {
  const row = db.prepare<[string], RoomRow>(`${roomsSql(db).selectRooms} WHERE r.mailbox_alias = ?`).get(alias);
  return row && toRoom(row);
}

export interface RoomQuery {
  building?: string | undefined;
  minCapacity?: number | undefined;
  equipment?: string[] | undefined;
  includeInactive?: boolean;
}

export function queryRooms(db: Db, q: RoomQuery): Room[] {
  const equipment = q.equipment ?? [];
  const params = {
    building: q.building ?? null,
    minCapacity: q.minCapacity ?? null,
    includeInactive: q.includeInactive ? 1 : 0,
    equipment: JSON.stringify(equipment),
    equipmentCount: equipment.length,
  };
  // A room matches when it has every requested piece of equipment.
  // CAST: PostgreSQL must know a parameter's type where it is first used (both engines accept it).
  const rows = db
    .prepare<typeof params, RoomRow>(
      `${roomsSql(db).selectRooms}
       WHERE (CAST(@building AS TEXT) IS NULL OR r.building = @building)
         AND (CAST(@minCapacity AS INTEGER) IS NULL OR r.capacity >= @minCapacity)
         AND (@includeInactive = 1 OR r.active = 1)
         AND (SELECT count(*) FROM room_equipment e
              WHERE e.room_id = r.id AND e.equipment_code IN ${roomsSql(db).texts('@equipment')}) = @equipmentCount
       ORDER BY r.building, r.floor, ${roomsSql(db).caseless('r.name')}`,
    )
    .all(params);
  return rows.map(toRoom);
}

export function listBuildings(db: Db): string[] {
  return db
    .prepare<[], { building: string }>('SELECT DISTINCT building FROM rooms WHERE active = 1 ORDER BY building')
    .all()
    .map((r) => r.building);
}

const columns = (f: RoomFields) => ({
  name: f.name,
  alias: f.alias,
  email: f.email,
  capacity: f.capacity,
  building: f.building,
  floor: f.floor,
  timeZone: f.timeZone,
  opensAt: f.opensAt,
  closesAt: f.closesAt,
  maxDurationMinutes: f.maxDurationMinutes,
  horizonDays: f.horizonDays,
  active: f.active ? 1 : 0,
  mailboxUnverified: f.mailboxUnverified ?? null,
});

function replaceEquipment(db: Db, roomId: number, codes: string[]): void {
  db.prepare('DELETE FROM room_equipment WHERE room_id = ?').run(roomId);
  const insert = db.prepare('INSERT INTO room_equipment (room_id, equipment_code) VALUES (?, ?)');
  for (const code of new Set(codes)) insert.run(roomId, code);
}

export function insertRoom(db: Db, f: RoomFields, at: string): Room {
  // RETURNING id: both engines (lastInsertRowid is SQLite's only).
  const row = db
    .prepare<[Record<string, unknown>], { id: number }>(
      `INSERT INTO rooms (name, mailbox_alias, mailbox_email, capacity, building, floor, time_zone, opens_at_local,
                          closes_at_local, max_duration_minutes, horizon_days, active, mailbox_unverified, created_at, updated_at)
       VALUES (@name, @alias, @email, @capacity, @building, @floor, @timeZone, @opensAt, @closesAt,
               @maxDurationMinutes, @horizonDays, @active, @mailboxUnverified, @at, @at) RETURNING id`,
    )
    .get({ ...columns(f), at })!;
  const id = Number(row.id);
  replaceEquipment(db, id, f.equipment);
  return findRoom(db, id)!;
}

export function updateRoomRow(db: Db, id: number, f: RoomFields, at: string): Room {
  db.prepare(
    `UPDATE rooms SET name = @name, mailbox_alias = @alias, mailbox_email = @email, capacity = @capacity,
       building = @building, floor = @floor, time_zone = @timeZone, opens_at_local = @opensAt,
       closes_at_local = @closesAt, max_duration_minutes = @maxDurationMinutes, horizon_days = @horizonDays,
       active = @active, mailbox_unverified = @mailboxUnverified, updated_at = @at
     WHERE id = @id`,
  ).run({ ...columns(f), at, id });
  replaceEquipment(db, id, f.equipment);
  return findRoom(db, id)!;
}

export function setRoomActiveRow(db: Db, id: number, active: boolean, at: string): void {
  db.prepare('UPDATE rooms SET active = ?, updated_at = ? WHERE id = ?').run(active ? 1 : 0, at, id);
}

/** Which other room already uses this alias or address (case-insensitive), if any. */
export function findMailboxClash(db: Db, alias: string, email: string, exceptId: number | null): { alias: boolean; email: boolean } {
  const row = db
    .prepare<[string, string, number], { alias_taken: number; email_taken: number }>(
      `SELECT ${roomsSql(db).anyCaselessEqual('mailbox_alias')} AS alias_taken,
              ${roomsSql(db).anyCaselessEqual('mailbox_email')} AS email_taken
       FROM rooms WHERE id != ?`,
    )
    .get(alias, email, exceptId ?? -1)!;
  return { alias: row.alias_taken === 1, email: row.email_taken === 1 };
}

export function listEquipment(db: Db): Equipment[] {
  return db.prepare<[], Equipment>(`SELECT code, label FROM equipment ORDER BY ${roomsSql(db).caseless('label')}`).all();
}

export function insertEquipment(db: Db, e: Equipment): void {
  db.prepare('INSERT INTO equipment (code, label) VALUES (?, ?)').run(e.code, e.label);
}

export function findEquipment(db: Db, code: string): Equipment | undefined {
  return db.prepare<[string], Equipment>('SELECT code, label FROM equipment WHERE code = ?').get(code);
}
