// claimDueJob's split-series wait (issue 14), tested on the repository directly: a series split from another
// ("this and following") may not send its invitation while the old series' earlier jobs (its shortening) are
// unfinished, also across a restart in the middle (the old job running when the process died, its lease lost).
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { pino } from 'pino';
import { DateTime } from 'luxon';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/connection.ts';
import { openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { insertBooking } from '../bookings/repo.ts';
import { insertSeries, markOccurrence } from '../bookings/series.repo.ts';
import { claimDueJob, enqueueJob, finishJob, findJob, releaseAllLeases, releaseExpiredLeases } from './outbox.repo.ts';
import { aRoom, aUser } from '../test/factories.ts';

const T0 = '2026-11-24T09:00:00.000Z';
const later = (minutes: number) => DateTime.fromISO(T0, { zone: 'utc' }).plus({ minutes }).toISO()!;

describe("claimDueJob: a split series waits for the old series' jobs", () => {
  let db: Db;
  let oldJob: number;
  let newJob: number;
  let otherJob: number;

  beforeEach(async () => {
    db = openDatabase(':memory:');
    migrate(db);
    const ctx = { config: {} as Config, db, clock: { now: () => DateTime.fromISO(T0) }, log: pino({ level: 'silent' }) } as unknown as AppContext;
    const alice = await aUser(ctx, { username: 'alice', displayName: 'Alice' });
    const room = aRoom(ctx, { alias: 'thames', capacity: 8, building: 'HQ', horizonDays: 300 });
    const series = (uid: string, firstDate: string, splitFromId: number | null) =>
      insertSeries(db, {
        uid,
        rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=3',
        firstDate,
        startTime: '10:00',
        endTime: '11:00',
        timeZone: 'Europe/London',
        roomId: room.id,
        organizerId: alice.id,
        words: 'Every Tuesday',
        subject: 'Weekly',
        description: '',
        private: false,
        splitFromId,
        at: T0,
      });
    const date = (seriesId: number, uid: string, startsAt: string) => {
      const id = insertBooking(
        db,
        {
          uid,
          idempotencyKey: `key-${uid}`,
          roomId: room.id,
          organizerId: alice.id,
          createdById: alice.id,
          subject: 'Weekly',
          description: '',
          private: false,
          startsAt,
          endsAt: startsAt.replace('T10:', 'T11:'),
          at: T0,
        },
        [],
      );
      markOccurrence(db, id, seriesId, startsAt);
      return id;
    };
    const oldSeries = series('rb-old', '2026-12-01', null);
    const oldAnchor = date(oldSeries, 'rb-old-20261201', '2026-12-01T10:00:00.000Z');
    const newSeries = series('rb-new', '2026-12-08', oldSeries);
    const newAnchor = date(newSeries, 'rb-new-20261208', '2026-12-08T10:00:00.000Z');
    const unrelated = series('rb-other', '2026-12-02', null);
    const otherAnchor = date(unrelated, 'rb-other-20261202', '2026-12-02T10:00:00.000Z');
    // Queued as the split queues them: the old series' shortening first, then the new series' invitation.
    oldJob = enqueueJob(db, oldAnchor, 'update', '{}', T0);
    newJob = enqueueJob(db, newAnchor, 'create', '{}', T0);
    otherJob = enqueueJob(db, otherAnchor, 'create', '{}', T0);
  });

  const claim = (minutes: number) => db.transaction(() => claimDueJob(db, later(minutes), later(minutes + 5)))();

  test("the old series' job still waiting: the new series' invitation is not claimed, an unrelated series' job is", () => {
    // The old job is not due yet (a retry later): it still holds the new series back, but nobody else.
    db.prepare('UPDATE outbox_jobs SET next_attempt_at = ? WHERE id = ?').run(later(60), oldJob);
    assert.equal(claim(1)?.id, otherJob);
    assert.equal(claim(1), undefined, 'the new series waits for the old one');
    assert.equal(findJob(db, newJob)!.status, 'waiting');
    // Once due, the old job goes first; the new one only after it is done.
    assert.equal(claim(61)?.id, oldJob);
    assert.equal(claim(61), undefined, 'still waiting while the old job runs');
    finishJob(db, oldJob, later(62));
    assert.equal(claim(62)?.id, newJob);
  });

  test('a failed old job keeps the new series waiting (it is never sent over a shortening that did not happen)', () => {
    db.prepare("UPDATE outbox_jobs SET status = 'failed' WHERE id = ?").run(oldJob);
    db.prepare("UPDATE outbox_jobs SET status = 'done' WHERE id = ?").run(otherJob);
    assert.equal(claim(1), undefined);
  });

  test('a restart in the middle: the old job was running and its lease was lost; the order holds after the lease is released', () => {
    db.prepare("UPDATE outbox_jobs SET status = 'done' WHERE id = ?").run(otherJob);
    assert.equal(claim(1)?.id, oldJob);
    // The process dies here. Before the lease expires nothing is claimed.
    assert.equal(claim(2), undefined);
    // Lease expired (another process' view) or released at start-up: the old job is waiting again, with its step.
    assert.equal(releaseExpiredLeases(db, later(10)), 1);
    assert.equal(findJob(db, oldJob)!.status, 'waiting');
    assert.equal(claim(10)?.id, oldJob, 'the old job resumes first');
    assert.equal(claim(10), undefined, 'the new series is still held back');
    // And a second restart (start-up releases every running job): the same order.
    assert.equal(releaseAllLeases(db, later(11)), 1);
    assert.equal(claim(11)?.id, oldJob);
    finishJob(db, oldJob, later(12));
    assert.equal(claim(12)?.id, newJob);
  });
});
