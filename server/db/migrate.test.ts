import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { openDatabase } from './connection.ts';
import { loadMigrations, migrate, MIGRATIONS_DIR } from './migrate.ts';

test('migration files are named NNNN-lower-case.sql and numbered without gaps', () => {
  const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'));
  for (const f of files) assert.match(f, /^\d{4}-[a-z0-9-]+\.sql$/);
  assert.equal(loadMigrations().length, files.length);
});

test('migrate() applies every migration to an empty database and is idempotent', () => {
  const db = openDatabase(':memory:');
  const version = migrate(db);
  assert.equal(version, loadMigrations().length);
  assert.equal(db.pragma('user_version', { simple: true }), version);
  assert.equal(migrate(db), version);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
  for (const t of ['audit_events', 'equipment', 'room_equipment', 'rooms', 'sessions', 'users']) {
    assert.ok(
      tables.some((x) => x.name === t),
      t,
    );
  }
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  db.close();
});

test('migrate() rolls a failing migration back and keeps the previous version', () => {
  const db = openDatabase(':memory:');
  const good = loadMigrations();
  assert.throws(() => migrate(db, [...good, { version: good.length + 1, name: 'broken', sql: 'CREATE TABLE x (a); SELECT nonsense FROM nowhere;' }]));
  assert.equal(db.pragma('user_version', { simple: true }), good.length);
  assert.deepEqual(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'x'").get(), { n: 0 });
  db.close();
});
