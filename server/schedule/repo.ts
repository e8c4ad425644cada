import type Database from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import { scheduleSql } from './sql-dialect.ts';
import { isLocale, type Locale } from '../i18n/catalog.ts';

/** A device token as the admin page and the token check see it (never the secret itself). */
export interface DeviceToken {
  id: number;
  label: string;
  hint: string;
  showSubjects: boolean;
  createdById: number | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  roomIds: number[];
  /** The display's and feed's language (migration 0012); null = DEFAULT_LOCALE. */
  locale: Locale | null;
}

interface TokenRow {
  id: number;
  label: string;
  token_hint: string;
  show_subjects: number;
  created_by_id: number | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  room_ids: string | null;
  locale: string | null;
}

// A function of the connection: the room id list's aggregate differs by engine (sql-dialect.ts).
const SELECT = (db: Db) => `
  SELECT t.*, ${scheduleSql(db).tokenRoomIds} AS room_ids
  FROM device_tokens t`;

const toToken = (r: TokenRow): DeviceToken => ({
  id: r.id,
  label: r.label,
  hint: r.token_hint,
  showSubjects: r.show_subjects === 1,
  createdById: r.created_by_id,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
  roomIds: r.room_ids
    ? r.room_ids
        .split(',')
        .map(Number)
        .sort((a, b) => a - b)
    : [],
  locale: isLocale(r.locale) ? r.locale : null,
});

export interface NewDeviceToken {
  label: string;
  hash: string;
  hint: string;
  showSubjects: boolean;
  createdById: number | null;
  at: string;
  roomIds: number[];
  locale?: Locale | null;
}

export function insertToken(db: Db, t: NewDeviceToken): number {
  // RETURNING id: both engines (lastInsertRowid is SQLite's only).
  const row = db
    .prepare<unknown[], { id: number }>(
      `INSERT INTO device_tokens (label, token_hash, token_hint, show_subjects, created_by_id, created_at, locale)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .get(t.label, t.hash, t.hint, t.showSubjects ? 1 : 0, t.createdById, t.at, t.locale ?? null)!;
  const id = Number(row.id);
  const add = db.prepare('INSERT INTO device_token_rooms (token_id, room_id) VALUES (?, ?)');
  for (const roomId of t.roomIds) add.run(id, roomId);
  return id;
}

export function findToken(db: Db, id: number): DeviceToken | undefined {
  const row = db.prepare<[number], TokenRow>(`${SELECT(db)} WHERE t.id = ?`).get(id);
  return row && toToken(row);
}

/** The live (not revoked) token with this hash. */
export function findLiveTokenByHash(db: Db, hash: string): DeviceToken | undefined {
  const row = db.prepare<[string], TokenRow>(`${SELECT(db)} WHERE t.token_hash = ? AND t.revoked_at IS NULL`).get(hash);
  return row && toToken(row);
}

export function listTokens(db: Db): DeviceToken[] {
  return db
    .prepare<[], TokenRow>(`${SELECT(db)} ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC, t.id DESC`)
    .all()
    .map(toToken);
}

export function revokeTokenRow(db: Db, id: number, at: string): boolean {
  return db.prepare('UPDATE device_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes > 0;
}

export function touchToken(db: Db, id: number, at: string): void {
  db.prepare('UPDATE device_tokens SET last_used_at = ? WHERE id = ?').run(at, id);
}

const statements = new WeakMap<Db, Database.Statement<[], { version: number }> | null>();

/**
 * The change counter: any write to a table in SCHEDULE_SOURCE_TABLES moves it. Null on a database without it (a
 * development database migrated before it existed), which simply gets no cache.
 */
export function scheduleVersion(db: Db): number | null {
  let stmt = statements.get(db);
  if (stmt === undefined) {
    try {
      // Prepared once per connection: this runs on every cached page view.
      stmt = db.prepare<[], { version: number }>('SELECT version FROM schedule_changes WHERE id = 1');
    } catch {
      stmt = null;
    }
    statements.set(db, stmt);
  }
  return stmt?.get()?.version ?? null;
}

const roomVersionStatements = new WeakMap<Db, Database.Statement<[], { room_id: number; version: number }> | null>();

/**
 * Per-room change counters (migration 0017): each room's version, room 0 standing for every room. A room without a
 * row is at 0. Null on a database without the table, which then rebuilds every row after any change.
 */
export function scheduleRoomVersions(db: Db): ReadonlyMap<number, number> | null {
  let stmt = roomVersionStatements.get(db);
  if (stmt === undefined) {
    try {
      stmt = db.prepare<[], { room_id: number; version: number }>('SELECT room_id, version FROM schedule_room_versions');
    } catch {
      stmt = null;
    }
    roomVersionStatements.set(db, stmt);
  }
  if (!stmt) return null;
  // The same writes move both counters (migrations 0003 and 0017; invalidation.test.ts holds both trigger sets to one
  // list), so while the one counter stands every room's does: read the table again only when it moved. Every door
  // display poll and cached page asked (issue 13: reading ~200 rows per request was 1.7 % of the mixed load's CPU).
  // Read in this order, a kept map is never older than the counter it is kept under.
  const global = scheduleVersion(db);
  const seen = roomVersionsSeen.get(db);
  if (global !== null && seen?.version === global) return seen.rooms;
  const out = new Map<number, number>();
  for (const r of stmt.all()) out.set(Number(r.room_id), Number(r.version));
  if (global !== null) roomVersionsSeen.set(db, { version: global, rooms: out });
  return out;
}
const roomVersionsSeen = new WeakMap<Db, { version: number; rooms: ReadonlyMap<number, number> }>();
