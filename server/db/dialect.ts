// Which SQL engine a connection talks to, and the few fragments every feature's adapter (server/<feature>/
// sql-dialect.ts) needs. Repositories keep one SQL text for both engines; where the engines differ, a feature's
// adapter file holds both versions and the repository asks it for the one of its connection (docs/scaling.md).
import type { Db } from './connection.ts';

export type Dialect = 'sqlite' | 'postgres';

/** Set on a PostgreSQL connection (server/db/pg-sync.ts); a better-sqlite3 connection has none. */
export const DIALECT = Symbol.for('roombook.sql-dialect');

export function dialectOf(db: Db): Dialect {
  return (db as unknown as { [DIALECT]?: Dialect })[DIALECT] ?? 'sqlite';
}

/** Picks a feature's fragments for this connection. */
export const forDialect = <T>(db: Db, fragments: Record<Dialect, T>): T => fragments[dialectOf(db)];

// Lists are bound as one JSON text parameter on both engines (a statement keeps one parameter however long the list
// is); only the function that unpacks it differs. `p` is the placeholder: '?' or '@name'.
export const LISTS: Record<Dialect, { ids(p: string): string; texts(p: string): string }> = {
  sqlite: {
    ids: (p) => `(SELECT value FROM json_each(${p}))`,
    texts: (p) => `(SELECT value FROM json_each(${p}))`,
  },
  postgres: {
    ids: (p) => `(SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(${p} AS json)))`,
    texts: (p) => `(SELECT value FROM json_array_elements_text(CAST(${p} AS json)))`,
  },
};
