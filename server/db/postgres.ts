import pg from 'pg';
import type { SqlClient } from './sql.ts';

/** `?` placeholders to PostgreSQL's `$1, $2…`, leaving quoted strings and identifiers alone. */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

// count(*) and BIGINT columns arrive as text by default (they may exceed 2^53); the repositories' counts and epoch
// milliseconds do not, so they are read as numbers like better-sqlite3 reads them.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** A PostgreSQL pool as a SqlClient. */
export function postgresClient(pool: pg.Pool): SqlClient {
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: readonly unknown[] = []) => (await pool.query(numberPlaceholders(sql), [...params])).rows as T[],
    get: async <T>(sql: string, params: readonly unknown[] = []) => (await pool.query(numberPlaceholders(sql), [...params])).rows[0] as T | undefined,
    run: async (sql: string, params: readonly unknown[] = []) => ({ changes: (await pool.query(numberPlaceholders(sql), [...params])).rowCount ?? 0 }),
  };
}
