// PostgreSQL's migration runner: db/postgres/NNNN-name.sql in order, each in its own transaction, recorded in a
// schema_migrations table (PostgreSQL has no PRAGMA user_version). Several instances may start at once: an advisory
// lock makes them take turns, so each file runs exactly once.
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { loadMigrations, type Migration } from './migrate.ts';

export const POSTGRES_MIGRATIONS_DIR = fileURLToPath(new URL('../../db/postgres/', import.meta.url));

/** The advisory lock key of the migration runner (any constant; the reconciler's election uses another). */
const MIGRATE_LOCK = 7_201_001;

/** Applies every file newer than the recorded version. Returns the version the database is at. */
export async function migratePostgres(pool: pg.Pool, migrations: Migration[] = loadMigrations(POSTGRES_MIGRATIONS_DIR)): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version    INTEGER PRIMARY KEY,
         name       TEXT NOT NULL,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    let current = await postgresSchemaVersion(client);
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`PostgreSQL migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
      current = m.version;
    }
    return current;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]).catch(() => undefined);
    client.release();
  }
}

/** The highest applied migration (0 on an empty database). */
export async function postgresSchemaVersion(client: Pick<pg.PoolClient, 'query'>): Promise<number> {
  const r = await client.query<{ v: string | number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return Number(r.rows[0]?.v ?? 0);
}
