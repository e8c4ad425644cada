// The schedule feature's engine-specific SQL (repo.ts: device tokens and the change counter).
import type { Db } from '../db/connection.ts';
import { forDialect } from '../db/dialect.ts';

interface ScheduleSql {
  /** A token's room ids, comma-separated (NULL when none). */
  tokenRoomIds: string;
}

const FRAGMENTS: Record<'sqlite' | 'postgres', ScheduleSql> = {
  sqlite: { tokenRoomIds: '(SELECT group_concat(room_id) FROM device_token_rooms WHERE token_id = t.id)' },
  postgres: { tokenRoomIds: "(SELECT string_agg(CAST(room_id AS text), ',') FROM device_token_rooms WHERE token_id = t.id)" },
};

export const scheduleSql = (db: Db): ScheduleSql => forDialect(db, FRAGMENTS);
