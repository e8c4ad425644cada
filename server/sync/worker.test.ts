import assert from 'node:assert/strict';
import { readStored } from '../i18n/stored.ts';
import { beforeEach, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import { openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { createBooking, getBooking } from '../bookings/service.ts';
import { AuthFailedError, InvalidMeetingError, TransientError } from '../exchange/errors.ts';
import type { ExchangeGateway, ItemRef } from '../exchange/gateway.ts';
import { OutboxWorker } from './worker.ts';
import { aRoom, aUser } from '../test/factories.ts';

const facts = { method: 'PROPPATCH', path: '/exchange/alice/Calendar/x.EML', status: 503, durationMs: 3, requestId: 'r1' };
const now = DateTime.fromISO('2026-11-24T09:00:00Z', { zone: 'utc' });

/** A gateway whose steps succeed unless the test scripts a failure; it records every call. */
function scriptedGateway() {
  const calls: string[] = [];
  const failures = new Map<string, unknown[]>();
  const step = async <T>(name: string, value: T): Promise<T> => {
    calls.push(name);
    const queue = failures.get(name);
    const failure = queue?.shift();
    if (failure !== undefined) throw failure;
    return value;
  };
  const ref: ItemRef = { mailbox: 'alice', path: '/exchange/alice/Calendar/x.EML', uid: 'x' };
  const submitted = { outcome: 'submitted' as const, route: 'owa' as const };
  const gateway = {
    freeBusy: async () => [],
    listCalendar: async () => [],
    putMeetingItem: () => step('put', ref),
    submitMeeting: (_r: ItemRef, _m: unknown, o?: { resumed?: boolean }) => step(o?.resumed ? 'submit(resumed)' : 'submit', submitted),
  } as unknown as ExchangeGateway;
  return { gateway, calls, fail: (name: string, ...errors: unknown[]) => failures.set(name, errors) };
}

describe('OutboxWorker', () => {
  let ctx: AppContext;
  let script: ReturnType<typeof scriptedGateway>;
  let bookingId: number;
  let worker: OutboxWorker;

  beforeEach(async () => {
    const db = openDatabase(':memory:');
    migrate(db);
    script = scriptedGateway();
    ctx = { config: {} as Config, db, clock: { now: () => now }, log: pino({ level: 'silent' }), gateway: script.gateway, wakeOutbox: () => undefined };
    const alice = await aUser(ctx, { username: 'alice', displayName: 'Alice' });
    const room = aRoom(ctx, { alias: 'thames', capacity: 8, building: 'HQ', horizonDays: 30 });
    const { booking } = await createBooking(ctx, alice, {
      roomId: room.id,
      date: '2026-11-25',
      start: '10:00',
      end: '11:00',
      subject: 'Plan',
      description: '',
      required: [],
      optional: [],
      private: false,
      organizerId: undefined,
      idempotencyKey: 'k'.repeat(20),
    });
    bookingId = booking.id;
    worker = new OutboxWorker(ctx);
  });

  const job = () =>
    ctx.db.prepare('SELECT status, step, attempts, next_attempt_at, last_error FROM outbox_jobs WHERE booking_id = ?').get(bookingId) as {
      status: string;
      step: string;
      attempts: number;
      next_attempt_at: string;
      last_error: string | null;
    };
  const makeDue = () => ctx.db.prepare("UPDATE outbox_jobs SET next_attempt_at = '2000-01-01T00:00:00.000Z'").run();

  test('drain() retries a transient failure later with backoff and keeps the booking pending', async () => {
    script.fail('put', new TransientError('server error 503', facts));
    await worker.drain();
    const j = job();
    assert.equal(j.status, 'waiting');
    assert.equal(j.attempts, 1);
    const delay = DateTime.fromISO(j.next_attempt_at).diff(now).toMillis();
    assert.ok(delay >= 1_000 && delay <= 2_000, `first retry after 1–2 s, got ${delay} ms`);
    assert.equal(getBooking(ctx, bookingId)?.state, 'pending');
    makeDue();
    await worker.drain();
    assert.equal(getBooking(ctx, bookingId)?.state, 'booked');
    assert.deepEqual(script.calls, ['put', 'put', 'submit']);
  });

  test('drain() resumes an interrupted submit with resumed and never writes the item twice', async () => {
    script.fail('submit', new AuthFailedError('login refused', { ...facts, method: 'MOVE', status: 440 }));
    await worker.drain();
    assert.equal(job().step, 'submitting');
    makeDue();
    await worker.drain();
    assert.deepEqual(script.calls, ['put', 'submit', 'submit(resumed)']);
    assert.equal(getBooking(ctx, bookingId)?.state, 'booked');
  });

  test('drain() fails the booking for good when the meeting cannot be sent as it is', async () => {
    script.fail('put', new InvalidMeetingError({ subject: 'must not contain a line break.' }));
    await worker.drain();
    assert.equal(job().status, 'failed');
    const b = getBooking(ctx, bookingId)!;
    assert.equal(b.state, 'failed');
    assert.match(readStored(b.failedReason ?? ''), /cannot be sent as it is: Subject: must not contain a line break\./);
  });

  test('drain() fails the job, not the process, on an unexpected error', async () => {
    script.fail('put', new TypeError('boom'));
    await worker.drain();
    assert.equal(job().status, 'failed');
    assert.match(readStored(getBooking(ctx, bookingId)?.failedReason ?? ''), /internal error/);
  });
});
