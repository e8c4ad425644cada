import type { Db } from '../db/connection.ts';

/** SQL of replacement rooms (migration room-replacement): per-building settings and what was replaced when. */

export type RefusalReason = 'declined' | 'mailbox-unknown';

export interface ReplacementRecord {
  id: number;
  bookingId: number;
  fromRoomId: number;
  /** null: the app looked for a free room automatically and found none. */
  toRoomId: number | null;
  reason: RefusalReason;
  automatic: boolean;
  at: string;
}

interface Row {
  id: number;
  booking_id: number;
  from_room_id: number;
  to_room_id: number | null;
  reason: RefusalReason;
  automatic: number;
  at: string;
}

const toRecord = (r: Row): ReplacementRecord => ({
  id: r.id,
  bookingId: r.booking_id,
  fromRoomId: r.from_room_id,
  toRoomId: r.to_room_id,
  reason: r.reason,
  automatic: r.automatic === 1,
  at: r.at,
});

export function insertReplacement(db: Db, r: Omit<ReplacementRecord, 'id'>): void {
  db.prepare('INSERT INTO room_replacements (booking_id, from_room_id, to_room_id, reason, automatic, at) VALUES (?, ?, ?, ?, ?, ?)').run(
    r.bookingId,
    r.fromRoomId,
    r.toRoomId,
    r.reason,
    r.automatic ? 1 : 0,
    r.at,
  );
}

/** The booking's replacements, oldest first. */
export function listReplacements(db: Db, bookingId: number): ReplacementRecord[] {
  return db.prepare<[number], Row>('SELECT * FROM room_replacements WHERE booking_id = ? ORDER BY id').all(bookingId).map(toRecord);
}

export function autoReplaceIn(db: Db, building: string): boolean {
  const row = db.prepare<[string], { auto_replace: number }>('SELECT auto_replace FROM building_settings WHERE building = ?').get(building);
  return row?.auto_replace === 1;
}

/** Buildings whose declined meetings move automatically (lower-cased). */
export function autoReplaceBuildings(db: Db): Set<string> {
  const rows = db.prepare<[], { building: string }>('SELECT building FROM building_settings WHERE auto_replace = 1').all();
  return new Set(rows.map((r) => r.building.toLowerCase()));
}

export function setAutoReplace(db: Db, building: string, on: boolean, at: string): void {
  db.prepare(
    `INSERT INTO building_settings (building, auto_replace, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (building) DO UPDATE SET auto_replace = excluded.auto_replace, updated_at = excluded.updated_at`,
  ).run(building, on ? 1 : 0, at);
}
