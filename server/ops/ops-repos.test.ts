import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { postgresClient } from '../db/postgres.ts';
import { sqliteClient, type SqlClient } from '../db/sql.ts';
import { startTestPostgres } from '../test/postgres.ts';
import { countBookingsByState, countJobsByStatus, countStuckJobs, oldestPendingJobCreatedAt } from './ops.repo.ts';
import { deleteAuditEventsBefore, deleteFinishedJobsBefore } from './purge.repo.ts';

// The operations repositories' unchanged SQL on both engines: SQLite (the app's default) and a real PostgreSQL.
const PG_SCHEMA = fileURLToPath(new URL('../../db/postgres/0002-bookings-outbox-audit.sql', import.meta.url));
const T = (day: number, hour = 9) => `2026-12-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;

/** Seeds through the same SqlClient, with SQL both engines accept (RETURNING included). */
async function seed(db: SqlClient) {
  const id = async (sql: string, params: unknown[]) => Number((await db.get<{ id: number }>(`${sql} RETURNING id`, params))!.id);
  const user = await id(`INSERT INTO users (username, display_name, email, role, source, active, created_at) VALUES (?, ?, ?, 'employee', 'local', 1, ?)`, [
    'alice',
    'Alice',
    'alice@example.com',
    T(1),
  ]);
  const room = await id(
    `INSERT INTO rooms (name, mailbox_alias, mailbox_email, capacity, building, floor, time_zone, opens_at_local, closes_at_local, max_duration_minutes, horizon_days, active, created_at, updated_at)
     VALUES ('Trent', 'trent', 'trent@example.com', 6, 'Harbour House', '1', 'Europe/London', '08:00', '18:00', 240, 90, 1, ?, ?)`,
    [T(1), T(1)],
  );
  const booking = async (n: number, state: string) =>
    id(
      `INSERT INTO bookings (uid, idempotency_key, room_id, organizer_id, created_by_id, subject, starts_at, ends_at, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'Planning', ?, ?, ?, ?, ?)`,
      [`uid-${n}`, `key-${n}`, room, user, user, T(10, 8 + n), T(10, 9 + n), state, T(1), T(1)],
    );
  const b1 = await booking(1, 'booked');
  const b2 = await booking(2, 'pending');
  await booking(3, 'cancelled');
  const job = (b: number, status: string, created: string, updated: string, next = created, lockedUntil: string | null = null) =>
    db.run(
      `INSERT INTO outbox_jobs (booking_id, kind, status, meeting_json, next_attempt_at, locked_until, created_at, updated_at) VALUES (?, 'create', ?, '{}', ?, ?, ?, ?)`,
      [b, status, next, lockedUntil, created, updated],
    );
  await job(b1, 'done', T(1), T(1));
  await job(b1, 'skipped', T(2), T(2));
  await job(b1, 'done', T(20), T(20));
  await job(b1, 'failed', T(1), T(1));
  await job(b2, 'waiting', T(5), T(5), T(5));
  await job(b2, 'running', T(6), T(6), T(6), T(6, 10));
  // A cancel queued behind b1's failed job: held back, so not a sign of a stuck worker.
  await job(b1, 'waiting', T(3), T(3), T(3));
  const audit = (at: string) =>
    db.run(`INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id) VALUES (?, ?, 'Alice', 'room.updated', 'room', '1')`, [
      at,
      user,
    ]);
  await audit(T(1));
  await audit(T(2));
  await audit(T(20));
}

function contract(engine: string, open: () => Promise<{ db: SqlClient; close(): Promise<void> }>) {
  describe(`operations repositories on ${engine}`, () => {
    let h: { db: SqlClient; close(): Promise<void> };
    before(async () => {
      h = await open();
      await seed(h.db);
    });
    after(async () => {
      await h?.close();
    });

    test('counts bookings by state and jobs by status, every state present', async () => {
      assert.deepEqual(await countBookingsByState(h.db), { pending: 1, booked: 1, updating: 0, cancelling: 0, cancelled: 1, declined: 0, failed: 0 });
      assert.deepEqual(await countJobsByStatus(h.db), { waiting: 2, running: 1, done: 2, failed: 1, skipped: 1 });
    });

    test('the oldest pending job and the stuck jobs', async () => {
      assert.equal(await oldestPendingJobCreatedAt(h.db), T(3));
      assert.equal(await countStuckJobs(h.db, T(4)), 0, 'nothing free to run was due before the 4th (the job of the 3rd waits behind a failed one)');
      assert.equal(await countStuckJobs(h.db, T(5, 12)), 1, 'the waiting job, due since the 5th');
      assert.equal(await countStuckJobs(h.db, T(7)), 2, 'and the running one whose lease ran out on the 6th');
    });

    test('the retention purge deletes what is older than the cutoff only, and keeps failed and unfinished jobs', async () => {
      assert.equal(await deleteAuditEventsBefore(h.db, T(10)), 2);
      assert.equal(await deleteFinishedJobsBefore(h.db, T(10)), 2);
      assert.equal(await deleteFinishedJobsBefore(h.db, T(10)), 0);
      assert.deepEqual(await countJobsByStatus(h.db), { waiting: 2, running: 1, done: 1, failed: 1, skipped: 0 });
      assert.equal((await h.db.get<{ n: number }>('SELECT count(*) AS n FROM audit_events'))!.n, 1);
    });
  });
}

contract('SQLite', async () => {
  const raw = openDatabase(':memory:');
  migrate(raw);
  return {
    db: sqliteClient(raw),
    close: async () => {
      raw.close();
    },
  };
});

contract('PostgreSQL', async () => {
  const pg = await startTestPostgres();
  await pg.exec(PG_SCHEMA);
  return { db: postgresClient(pg.pool), close: () => pg.stop() };
});
