// The users feature's engine-specific SQL (repo.ts). username and email are COLLATE NOCASE on SQLite and citext on
// PostgreSQL, so `=` on them is caseless on both without a fragment.
import type { Db } from '../db/connection.ts';
import { forDialect } from '../db/dialect.ts';

interface UsersSql {
  /** Sorts a text column without case. */
  caseless(column: string): string;
  /** `IN` list of the lower-cased texts of one JSON text parameter. */
  lowerTexts(p: string): string;
}

const FRAGMENTS: Record<'sqlite' | 'postgres', UsersSql> = {
  sqlite: {
    caseless: (c) => `${c} COLLATE NOCASE`,
    lowerTexts: (p) => `(SELECT lower(value) FROM json_each(${p}))`,
  },
  postgres: {
    caseless: (c) => `lower(${c})`,
    lowerTexts: (p) => `(SELECT lower(value) FROM json_array_elements_text(CAST(${p} AS json)))`,
  },
};

export const usersSql = (db: Db): UsersSql => forDialect(db, FRAGMENTS);
