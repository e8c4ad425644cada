import type { Db } from '../db/connection.ts';

/** What a room's page shows besides its rules (migration 0014). */
export interface RoomProfile {
  /** Every employee reads the subjects of this room's meetings (private ones still read "Busy"). */
  showSubjects: boolean;
  /** How to find the room; null when the admin wrote none. */
  floorNote: string | null;
}

export const NO_PROFILE: RoomProfile = { showSubjects: false, floorNote: null };

export function findRoomProfile(db: Db, roomId: number): RoomProfile {
  const row = db
    .prepare<[number], { show_subjects: number; floor_note: string | null }>('SELECT show_subjects, floor_note FROM room_profiles WHERE room_id = ?')
    .get(roomId);
  return row ? { showSubjects: row.show_subjects === 1, floorNote: row.floor_note } : { ...NO_PROFILE };
}

export function saveRoomProfileRow(db: Db, roomId: number, p: RoomProfile, at: string): void {
  db.prepare(
    `INSERT INTO room_profiles (room_id, show_subjects, floor_note, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (room_id) DO UPDATE SET show_subjects = excluded.show_subjects, floor_note = excluded.floor_note, updated_at = excluded.updated_at`,
  ).run(roomId, p.showSubjects ? 1 : 0, p.floorNote, at);
}
