import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../config.ts';
import { toDbTime } from '../context.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { book, roomIds } from './ops-test-support.ts';
import type { PurgeResult } from './purge.ts';

test('history is kept 400 days unless RETENTION_DAYS says otherwise', () => {
  assert.equal(loadConfig({ DATABASE_PATH: '/tmp/roombook-retention-config/app.db', SESSION_SECRET: 'x'.repeat(32) }).retentionDays, 400);
});

describe('the history purge', () => {
  let app: TestApp;
  let bookingId: number;
  const daysAgo = (d: number) => toDbTime(app.ctx.clock.now().minus({ days: d }));

  before(async () => {
    app = await startTestApp({ RETENTION_DAYS: '30' });
    const alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    const res = await book(alice, (await roomIds(alice)).get('trent')!, '09:00', '10:00');
    bookingId = Number(/\/bookings\/(\d+)/.exec(res.headers.get('location') ?? '')![1]);
  });
  after(async () => {
    await app.close();
  });

  test('deletes audit events and finished outbox jobs older than the period, keeps younger ones and unfinished jobs', async () => {
    const { db } = app.ctx;
    db.exec('DELETE FROM audit_events');
    const audit = db.prepare(`INSERT INTO audit_events (at, actor_name, action, entity_type, entity_id) VALUES (?, 'test', ?, 'room', '1')`);
    audit.run(daysAgo(31), 'old');
    audit.run(daysAgo(29), 'young');
    audit.run(daysAgo(0), 'today');
    const job = db.prepare(
      `INSERT INTO outbox_jobs (booking_id, kind, status, step, meeting_json, next_attempt_at, created_at, updated_at) VALUES (?, 'update', ?, ?, '{}', ?, ?, ?)`,
    );
    const jobs = {
      oldDone: job.run(bookingId, 'done', 'done', daysAgo(40), daysAgo(40), daysAgo(31)).lastInsertRowid,
      oldSkipped: job.run(bookingId, 'skipped', 'queued', daysAgo(40), daysAgo(40), daysAgo(31)).lastInsertRowid,
      youngDone: job.run(bookingId, 'done', 'done', daysAgo(29), daysAgo(29), daysAgo(29)).lastInsertRowid,
      oldFailed: job.run(bookingId, 'failed', 'queued', daysAgo(40), daysAgo(40), daysAgo(31)).lastInsertRowid,
    };

    const results: PurgeResult[] = await app.ops.purge.runHistory();
    assert.deepEqual(Object.fromEntries(results.map((r) => [r.table, r.deleted])), { audit_events: 1, outbox_jobs: 2 });

    assert.deepEqual(
      db
        .prepare<[], { action: string }>('SELECT action FROM audit_events ORDER BY at')
        .all()
        .map((r) => r.action),
      ['young', 'today'],
    );
    const left = new Set(
      db
        .prepare<[], { id: number }>('SELECT id FROM outbox_jobs')
        .all()
        .map((r) => BigInt(r.id)),
    );
    assert.ok(!left.has(BigInt(jobs.oldDone)) && !left.has(BigInt(jobs.oldSkipped)));
    assert.ok(left.has(BigInt(jobs.youngDone)) && left.has(BigInt(jobs.oldFailed)), 'younger and failed jobs stay');
    // The booking's own (waiting) create job is untouched.
    assert.equal(
      db
        .prepare<[number], { n: number }>(`SELECT count(*) AS n FROM outbox_jobs WHERE booking_id = ? AND kind = 'create' AND status = 'waiting'`)
        .get(bookingId)!.n,
      1,
    );
    // Running it again deletes nothing more.
    assert.deepEqual(
      (await app.ops.purge.runHistory()).map((r) => r.deleted),
      [0, 0],
    );
  });
});
