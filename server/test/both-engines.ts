// Runs a repository's unit tests twice: on SQLite in memory (the app's engine) and on a real PostgreSQL (Debian's
// package, a throw-away cluster on a free loopback port: server/test/postgres.ts). Both get their schema from their
// own migrations (db/migrations, db/postgres), and the test body calls the SAME repository functions with the
// connection of each engine: better-sqlite3 or the synchronous PostgreSQL facade (server/db/pg-sync.ts).
import { after, before, describe } from 'node:test';
import pg from 'pg';
import type { Db } from '../db/connection.ts';
import { openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { migratePostgres } from '../db/pg-migrate.ts';
import { openPostgresSync } from '../db/pg-sync.ts';
import { startTestPostgres, type TestPostgres } from './postgres.ts';

const PgPool = pg.Pool;

export type EngineName = 'SQLite' | 'PostgreSQL';

export interface Engine {
  name: EngineName;
  /** The connection the repositories get. */
  db: Db;
  /** Another connection to the same database (on SQLite: the same one, since there is one writer anyway). */
  connect(): Db;
  /** Deletes every row the tests wrote, so each test starts from the migrated schema. */
  reset(): void;
}

// Children before parents (foreign keys); the equipment rows the first migration adds stay.
const TABLES = [
  'booking_proposals',
  'room_replacements',
  'booking_checkins',
  'outbox_jobs',
  'booking_attendees',
  'bookings',
  'booking_series',
  'external_bookings',
  'checkin_room_settings',
  'checkin_building_defaults',
  'building_settings',
  'work_hours',
  'user_prefs',
  'device_token_rooms',
  'device_tokens',
  'room_equipment',
  'rooms',
  'audit_events',
  'sessions',
  'users',
];
const SEEDED_EQUIPMENT = ['projector', 'video', 'whiteboard', 'phone', 'wheelchair'];

function reset(db: Db): void {
  for (const t of TABLES) db.prepare(`DELETE FROM ${t}`).run();
  db.prepare(`DELETE FROM equipment WHERE code NOT IN (${SEEDED_EQUIPMENT.map(() => '?').join(', ')})`).run(...SEEDED_EQUIPMENT);
}

/**
 * describe(`${title} on SQLite`) and describe(`${title} on PostgreSQL`), each with its own database. `body` gets a
 * function answering the engine (valid inside tests and hooks, after the engine started).
 */
export function onBothEngines(title: string, body: (engine: () => Engine) => void): void {
  describe(`${title} on SQLite`, () => {
    let engine: Engine | undefined;
    before(() => {
      const db = openDatabase(':memory:');
      migrate(db);
      engine = { name: 'SQLite', db, connect: () => db, reset: () => reset(db) };
    });
    after(() => engine?.db.close());
    body(() => engine!);
  });

  registered++;
  describe(`${title} on PostgreSQL`, () => {
    let engine: Engine | undefined;
    const opened: Db[] = [];
    before(async () => {
      const { pg, database } = await freshDatabase();
      const connect = () => {
        const db = openPostgresSync({ host: '127.0.0.1', port: pg.port, user: 'roombook', database });
        opened.push(db);
        return db;
      };
      const db = connect();
      engine = { name: 'PostgreSQL', db, connect, reset: () => reset(db) };
    });
    after(async () => {
      for (const db of opened) db.close();
      await release();
    });
    body(() => engine!);
  });
}

// One cluster per test file (starting one costs seconds), one database per onBothEngines: every describe of a file
// registers before any of them runs, so the cluster stops after the last one; a later file starts its own.
let registered = 0;
let finished = 0;
let cluster: Promise<TestPostgres> | undefined;
let databases = 0;

async function freshDatabase(): Promise<{ pg: TestPostgres; database: string }> {
  cluster ??= startTestPostgres();
  const pg = await cluster;
  const database = `repos_${++databases}`;
  await pg.pool.query(`CREATE DATABASE ${database}`);
  const pool = new PgPool({ host: '127.0.0.1', port: pg.port, user: 'roombook', database, max: 1 });
  try {
    await migratePostgres(pool);
  } finally {
    await pool.end();
  }
  return { pg, database };
}

async function release(): Promise<void> {
  if (++finished < registered || !cluster) return;
  const pg = await cluster;
  cluster = undefined;
  await pg.stop();
}
