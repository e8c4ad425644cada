import type { Db } from '../db/connection.ts';

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

/** What the room page needs to draw the photo (migration 0019): no bytes. */
export interface RoomPhotoMeta {
  contentType: PhotoType;
  altText: string;
  width: number;
  height: number;
  /** The stored time (UTC, the database's format): the photo's version for ETag and the room page's URL. */
  updatedAt: string;
}

export interface RoomPhoto extends RoomPhotoMeta {
  bytes: Buffer;
}

interface Row {
  content_type: PhotoType;
  alt_text: string;
  width: number;
  height: number;
  updated_at: string;
}

const meta = (r: Row): RoomPhotoMeta => ({ contentType: r.content_type, altText: r.alt_text, width: r.width, height: r.height, updatedAt: r.updated_at });

export function findRoomPhotoMeta(db: Db, roomId: number): RoomPhotoMeta | null {
  const row = db.prepare<[number], Row>('SELECT content_type, alt_text, width, height, updated_at FROM room_photos WHERE room_id = ?').get(roomId);
  return row ? meta(row) : null;
}

export function findRoomPhoto(db: Db, roomId: number): RoomPhoto | null {
  const row = db
    .prepare<[number], Row & { bytes: Uint8Array }>('SELECT content_type, bytes, alt_text, width, height, updated_at FROM room_photos WHERE room_id = ?')
    .get(roomId);
  // PostgreSQL's facade hands bytea over a worker thread, which turns a Buffer into a plain Uint8Array.
  return row ? { ...meta(row), bytes: Buffer.from(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength) } : null;
}

export function saveRoomPhotoRow(db: Db, roomId: number, p: RoomPhoto): void {
  db.prepare(
    `INSERT INTO room_photos (room_id, content_type, bytes, alt_text, width, height, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (room_id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, alt_text = excluded.alt_text,
       width = excluded.width, height = excluded.height, updated_at = excluded.updated_at`,
  ).run(roomId, p.contentType, p.bytes, p.altText, p.width, p.height, p.updatedAt);
}

/** True when there was a photo to delete. */
export function deleteRoomPhotoRow(db: Db, roomId: number): boolean {
  return db.prepare('DELETE FROM room_photos WHERE room_id = ?').run(roomId).changes > 0;
}
