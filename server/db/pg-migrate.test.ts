// PostgreSQL's migration runner against a real PostgreSQL (server/test/postgres.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openDatabase } from './connection.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { migratePostgres, POSTGRES_MIGRATIONS_DIR, postgresSchemaVersion } from './pg-migrate.ts';
import { startTestPostgres, type TestPostgres } from '../test/postgres.ts';

let pg: TestPostgres;
before(async () => {
  pg = await startTestPostgres();
});
after(async () => {
  await pg?.stop();
});

test('files are numbered without gaps; applied once each, recorded in schema_migrations, even by instances starting together', async () => {
  const files = loadMigrations(POSTGRES_MIGRATIONS_DIR);
  assert.ok(files.length >= 3);
  const versions = await Promise.all([migratePostgres(pg.pool), migratePostgres(pg.pool), migratePostgres(pg.pool)]);
  assert.deepEqual(versions, [files.length, files.length, files.length]);
  const applied = await pg.pool.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
  assert.deepEqual(
    applied.rows.map((r) => r.name),
    files.map((f) => f.name),
  );
  assert.equal(await migratePostgres(pg.pool), files.length, 'nothing left to do');
  const tables = await pg.pool.query<{ n: number }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'");
  assert.ok(tables.rows[0]!.n >= 20);
});

test('a failing migration is rolled back and the version stays', async () => {
  const good = loadMigrations(POSTGRES_MIGRATIONS_DIR);
  await migratePostgres(pg.pool);
  await assert.rejects(
    migratePostgres(pg.pool, [...good, { version: good.length + 1, name: 'broken', sql: 'CREATE TABLE x (a int); SELECT nonsense FROM nowhere;' }]),
    /broken/,
  );
  const client = await pg.pool.connect();
  try {
    assert.equal(await postgresSchemaVersion(client), good.length);
    const x = await client.query("SELECT to_regclass('public.x') AS t");
    assert.equal(x.rows[0].t, null);
  } finally {
    client.release();
  }
});

test('PostgreSQL has the same tables and columns as SQLite after all migrations (a new SQLite migration needs its db/postgres twin)', async () => {
  await migratePostgres(pg.pool);
  const sqlite = openDatabase(':memory:');
  migrate(sqlite);
  const sqliteTables = (
    sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]
  ).map((t) => t.name);
  const fromSqlite = Object.fromEntries(
    sqliteTables.map((t) => [t, (sqlite.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY name`).all(t) as { name: string }[]).map((c) => c.name)]),
  );
  sqlite.close();
  const rows = await pg.pool.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name != 'schema_migrations' ORDER BY table_name, column_name`,
  );
  const fromPostgres: Record<string, string[]> = {};
  for (const r of rows.rows) (fromPostgres[r.table_name] ??= []).push(r.column_name);
  assert.deepEqual(fromPostgres, fromSqlite);
});
