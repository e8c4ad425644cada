// The rooms feature's engine-specific SQL (repo.ts); its other statements are one text for both engines. Caseless
// columns (mailbox alias and address) are COLLATE NOCASE on SQLite and citext on PostgreSQL, so `=` on them needs no
// fragment; only sorting by a column that is not caseless itself, and aggregates, differ.
import type { Db } from '../db/connection.ts';
import { forDialect, LISTS } from '../db/dialect.ts';

interface RoomsSql {
  texts(p: string): string;
  /** Every room column plus `equipment`: its codes in order, comma-separated (NULL when none). */
  selectRooms: string;
  /** Sorts a text column without case. */
  caseless(column: string): string;
  /** 1 when any row's caseless column equals the `?` parameter, else 0. */
  anyCaselessEqual(column: string): string;
}

const FRAGMENTS: Record<'sqlite' | 'postgres', RoomsSql> = {
  sqlite: {
    ...LISTS.sqlite,
    selectRooms: `
  SELECT r.*, (SELECT group_concat(equipment_code, ',') FROM
                 (SELECT equipment_code FROM room_equipment WHERE room_id = r.id ORDER BY equipment_code)) AS equipment
  FROM rooms r`,
    caseless: (c) => `${c} COLLATE NOCASE`,
    anyCaselessEqual: (c) => `coalesce(max(${c} = ? COLLATE NOCASE), 0)`,
  },
  postgres: {
    ...LISTS.postgres,
    selectRooms: `
  SELECT r.*, (SELECT string_agg(equipment_code, ',' ORDER BY equipment_code) FROM room_equipment WHERE room_id = r.id) AS equipment
  FROM rooms r`,
    caseless: (c) => `lower(${c})`,
    anyCaselessEqual: (c) => `coalesce(bool_or(${c} = ?), false)`,
  },
};

export const roomsSql = (db: Db): RoomsSql => forDialect(db, FRAGMENTS);
