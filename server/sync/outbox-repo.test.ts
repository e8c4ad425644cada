// The outbox repository and the reconciler's lead on SQLite and on PostgreSQL: the same functions and SQL texts;
// on PostgreSQL two connections stand for two app instances (SKIP LOCKED claims, the advisory-lock election).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aBooking, aRoom, aUser, AT } from '../test/repo-fixtures.ts';
import { insertSeries, markOccurrence } from '../bookings/series.repo.ts';
import type { Db } from '../db/connection.ts';
import {
  claimDueJob,
  countJobs,
  enqueueJob,
  failJob,
  findJob,
  finishJob,
  hasUnfinishedJobs,
  listJobs,
  listJobsOfBooking,
  listJobsWithProblems,
  recordProblem,
  recordStep,
  releaseAllLeases,
  releaseExpiredLeases,
  requeueJob,
  retryWaitingNow,
  scheduleRetry,
  skipJobs,
} from './outbox.repo.ts';
import { resignReconcilerLead, takeReconcilerLead } from './leader.repo.ts';

const NOW = '2026-12-01T09:00:00.000Z';
const LEASE = '2026-12-01T09:05:00.000Z';
const LATER = '2026-12-01T09:10:00.000Z';
/** The worker's claim: its own transaction, as in server/sync/worker.ts. */
/** Asks until true or 10 s passed (the server ends a closed session's backend a moment after the close). */
function pollUntil(ask: () => boolean): boolean {
  const deadline = Date.now() + 10_000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!ask()) {
    if (Date.now() > deadline) return false;
    Atomics.wait(pause, 0, 0, 20);
  }
  return true;
}
const claim = (db: Db, now = NOW, lease = LEASE) => db.transaction(() => claimDueJob(db, now, lease)).immediate();

onBothEngines('outbox repository', (engine) => {
  beforeEach(() => engine().reset());

  test('a booking’s jobs run in order: the second waits until the first is done; the oldest due job goes first', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const a = aBooking(db, room.id, alice.id);
    const b = aBooking(db, room.id, alice.id, { startsAt: '2026-12-02T11:00:00.000Z', endsAt: '2026-12-02T12:00:00.000Z' });
    const a1 = enqueueJob(db, a, 'create', '{"v":1}', NOW);
    const a2 = enqueueJob(db, a, 'update', '{"v":2}', NOW);
    const b1 = enqueueJob(db, b, 'create', '{}', LATER);
    assert.equal(findJob(db, a1)?.meetingJson, '{"v":1}');

    const first = claim(db)!;
    assert.equal(first.id, a1);
    assert.equal(first.status, 'running');
    assert.equal(first.attempts, 1);
    assert.equal(first.lockedUntil, LEASE);
    assert.equal(claim(db), undefined, 'a2 waits for a1; b1 is not due yet');
    assert.equal(claim(db, LATER)?.id, b1);

    recordStep(db, a1, 'item-written', NOW);
    assert.equal(findJob(db, a1)?.step, 'item-written');
    finishJob(db, a1, NOW);
    assert.deepEqual(
      listJobsOfBooking(db, a).map((j) => [j.id, j.status, j.step]),
      [
        [a1, 'done', 'done'],
        [a2, 'waiting', 'queued'],
      ],
    );
    assert.equal(claim(db)?.id, a2);
    assert.equal(hasUnfinishedJobs(db, a), true);
    finishJob(db, a2, NOW);
    assert.equal(hasUnfinishedJobs(db, a), false);
    assert.deepEqual(countJobs(db), { waiting: 0, running: 1, done: 2, failed: 0, skipped: 0 });
  });

  test('a split series waits for the old series’ earlier jobs (its shortening)', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const series = (uid: string, splitFromId: number | null) =>
      insertSeries(db, {
        uid,
        rrule: 'FREQ=DAILY;COUNT=4',
        firstDate: '2026-12-02',
        startTime: '09:00',
        endTime: '10:00',
        timeZone: 'Europe/London',
        roomId: room.id,
        organizerId: alice.id,
        words: 'Every day',
        subject: 'S',
        description: '',
        private: false,
        splitFromId,
        at: AT,
      });
    const old = series('old', null);
    const oldDate = aBooking(db, room.id, alice.id);
    markOccurrence(db, oldDate, old, '2026-12-02T09:00:00.000Z');
    const split = series('new', old);
    const newDate = aBooking(db, room.id, alice.id, { startsAt: '2026-12-04T09:00:00.000Z', endsAt: '2026-12-04T10:00:00.000Z' });
    markOccurrence(db, newDate, split, '2026-12-04T09:00:00.000Z');

    const shorten = enqueueJob(db, oldDate, 'update', '{}', LATER);
    const invite = enqueueJob(db, newDate, 'create', '{}', NOW);
    assert.equal(claim(db, LATER)?.id, shorten, 'the invitation is older in time but waits for the shortening');
    assert.equal(claim(db, LATER), undefined);
    finishJob(db, shorten, LATER);
    assert.equal(claim(db, LATER)?.id, invite);
  });

  test('leases, retries, failures, skips, problems and the admin’s buttons', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const ids = [0, 1, 2, 3].map((i) =>
      enqueueJob(
        db,
        aBooking(db, room.id, alice.id, { startsAt: `2026-12-0${i + 2}T09:00:00.000Z`, endsAt: `2026-12-0${i + 2}T10:00:00.000Z` }),
        'create',
        '{}',
        NOW,
      ),
    );
    const [j1, j2, j3, j4] = ids as [number, number, number, number];
    claim(db);
    claim(db, NOW, '2026-12-01T09:01:00.000Z');
    assert.equal(releaseExpiredLeases(db, '2026-12-01T09:02:00.000Z'), 1, 'only the expired lease');
    assert.equal(findJob(db, j2)?.status, 'waiting');
    assert.equal(releaseAllLeases(db, NOW), 1);
    assert.equal(findJob(db, j1)?.status, 'waiting');

    scheduleRetry(db, j1, LATER, 'Exchange 503', NOW);
    assert.deepEqual([findJob(db, j1)?.status, findJob(db, j1)?.nextAttemptAt, findJob(db, j1)?.lastError], ['waiting', LATER, 'Exchange 503']);
    assert.equal(retryWaitingNow(db, j1, NOW), true);
    assert.equal(findJob(db, j1)?.nextAttemptAt, NOW);

    failJob(db, j2, 'mailbox unknown', NOW);
    assert.equal(retryWaitingNow(db, j2, NOW), false, 'not waiting');
    assert.equal(requeueJob(db, j2, LATER), true);
    assert.equal(requeueJob(db, j2, LATER), false, 'only a failed job');

    failJob(db, j3, 'x', NOW);
    assert.equal(skipJobs(db, [j3, j4, j1], NOW), 3);
    assert.equal(skipJobs(db, [], NOW), 0);
    assert.deepEqual(
      listJobs(db, ['skipped']).map((j) => j.id),
      [j4, j3, j1],
    );
    assert.deepEqual(
      listJobs(db, ['waiting', 'skipped'], 2).map((j) => j.id),
      [j4, j3],
    );

    finishJob(db, j2, NOW);
    recordProblem(db, j2, 'room answer could not be applied', NOW);
    assert.deepEqual(
      listJobsWithProblems(db).map((j) => [j.id, j.lastError]),
      [[j2, 'room answer could not be applied']],
    );
    assert.deepEqual(countJobs(db), { waiting: 0, running: 0, done: 1, failed: 0, skipped: 3 });
  });

  test('two instances claim at once: each takes a different job and neither waits for the other (SKIP LOCKED)', (t) => {
    const e = engine();
    if (e.name !== 'PostgreSQL') return t.skip('one instance on SQLite: BEGIN IMMEDIATE makes one worker the only writer');
    const alice = aUser(e.db);
    const room = aRoom(e.db);
    const j1 = enqueueJob(e.db, aBooking(e.db, room.id, alice.id), 'create', '{}', NOW);
    const j2 = enqueueJob(
      e.db,
      aBooking(e.db, room.id, alice.id, { startsAt: '2026-12-03T09:00:00.000Z', endsAt: '2026-12-03T10:00:00.000Z' }),
      'create',
      '{}',
      NOW,
    );
    const one = e.db;
    const two = e.connect();
    one.exec('BEGIN');
    two.exec('BEGIN');
    try {
      assert.equal(claimDueJob(one, NOW, LEASE)?.id, j1);
      // j1's row is locked by the first instance's open transaction: the second steps over it instead of waiting.
      assert.equal(claimDueJob(two, NOW, LEASE)?.id, j2);
      assert.equal(claimDueJob(two, NOW, LEASE), undefined);
    } finally {
      one.exec('COMMIT');
      two.exec('COMMIT');
    }
    assert.deepEqual(countJobs(e.db), { waiting: 0, running: 2, done: 0, failed: 0, skipped: 0 });
    assert.equal(claim(two), undefined);
  });

  test('the reconciler’s lead: one instance holds it; when it steps down (or its session ends) another takes it', (t) => {
    const e = engine();
    const one = e.db;
    assert.equal(takeReconcilerLead(one), true);
    assert.equal(takeReconcilerLead(one), true, 'asking again keeps it');
    if (e.name !== 'PostgreSQL') {
      resignReconcilerLead(one);
      return t.skip('one instance on SQLite: it always leads');
    }
    const two = e.connect();
    const three = e.connect();
    assert.equal(takeReconcilerLead(two), false);
    resignReconcilerLead(one);
    assert.equal(takeReconcilerLead(two), true);
    assert.equal(takeReconcilerLead(one), false);
    two.close(); // the leading instance dies: its session's lock goes with it (once the server has ended the session)
    assert.equal(
      pollUntil(() => takeReconcilerLead(three)),
      true,
    );
    assert.equal(takeReconcilerLead(one), false);
    resignReconcilerLead(three);
  });
});
