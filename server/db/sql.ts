import type { Db } from './connection.ts';

/**
 * The one interface a repository written for both SQLite and PostgreSQL talks to (docs/scaling.md). Statements use
 * `?` placeholders and SQL both engines run; the PostgreSQL client numbers the placeholders. Asynchronous because
 * PostgreSQL is; on SQLite each call runs synchronously inside the promise.
 */
export interface SqlClient {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a statement that returns no rows; `changes` is the number of rows it inserted, updated or deleted. */
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number }>;
}

/** The app's better-sqlite3 connection as a SqlClient (the connection keeps each text's statement: connection.ts). */
export function sqliteClient(db: Db): SqlClient {
  const prepared = (sql: string) => db.prepare<unknown[]>(sql);
  return {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: readonly unknown[] = []) => prepared(sql).all(...params) as T[],
    get: async <T>(sql: string, params: readonly unknown[] = []) => prepared(sql).get(...params) as T | undefined,
    run: async (sql: string, params: readonly unknown[] = []) => ({ changes: prepared(sql).run(...params).changes }),
  };
}
