import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { SCHEDULE_SOURCE_TABLES, scheduleVersion } from './invalidation.ts';

const migrated = () => {
  const db = openDatabase(':memory:');
  migrate(db);
  return db;
};

test('the schedule cache is invalidated by insert, update and delete triggers on exactly the tables invalidation.ts names', () => {
  const db = migrated();
  const triggers = db
    .prepare<[], { tbl_name: string; sql: string }>("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%schedule_changes%'")
    .all();
  const byTable = new Map<string, string[]>();
  for (const t of triggers) byTable.set(t.tbl_name, [...(byTable.get(t.tbl_name) ?? []), /AFTER (INSERT|UPDATE|DELETE)/i.exec(t.sql)![1]!.toUpperCase()]);
  assert.deepEqual([...byTable.keys()].sort(), [...SCHEDULE_SOURCE_TABLES].sort());
  // Named in full so a reader of this test sees every table that silently invalidates schedules.
  assert.deepEqual([...SCHEDULE_SOURCE_TABLES].sort(), [
    'booking_attendees',
    'booking_checkins',
    'bookings',
    'checkin_building_defaults',
    'checkin_exempt_people',
    'checkin_room_settings',
    'external_bookings',
    'room_equipment',
    'rooms',
    'users',
  ]);
  for (const [table, kinds] of byTable) assert.deepEqual(kinds.sort(), ['DELETE', 'INSERT', 'UPDATE'], table);
  assert.equal(triggers.length, 30);
});

test('per-room counters: insert, update and delete triggers on the same tables, each raising a room (or room 0 for all)', () => {
  const db = migrated();
  const triggers = db
    .prepare<[], { tbl_name: string; sql: string }>("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%schedule_room_versions%'")
    .all();
  const byTable = new Map<string, string[]>();
  for (const t of triggers) byTable.set(t.tbl_name, [...(byTable.get(t.tbl_name) ?? []), /AFTER (INSERT|UPDATE|DELETE)/i.exec(t.sql)![1]!.toUpperCase()]);
  assert.deepEqual([...byTable.keys()].sort(), [...SCHEDULE_SOURCE_TABLES].sort());
  for (const [table, kinds] of byTable) assert.deepEqual(kinds.sort(), ['DELETE', 'INSERT', 'UPDATE'], table);
  assert.equal(triggers.length, 30);
});

test('scheduleVersion() moves with a write to a watched table and not with a rolled-back one', () => {
  const db = migrated();
  const before = scheduleVersion(db)!;
  db.prepare("INSERT INTO users (username, display_name, email, created_at) VALUES ('v', 'V', 'v@example.com', '2026-01-01T00:00:00.000Z')").run();
  assert.equal(scheduleVersion(db), before + 1);
  assert.throws(() =>
    db.transaction(() => {
      db.prepare("UPDATE users SET display_name = 'W' WHERE username = 'v'").run();
      throw new Error('roll back');
    })(),
  );
  assert.equal(scheduleVersion(db), before + 1);
});

test('scheduleVersion() is null on a database without the counter (no cache)', () => {
  assert.equal(scheduleVersion(openDatabase(':memory:')), null);
});
