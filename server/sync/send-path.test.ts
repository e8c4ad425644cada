// The send path as a table (worker.ts SEND_PATH): each kind's steps in order, what a resume skips or repeats, and a
// state the booking cannot take shown as a problem instead of kept silently.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import { openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { cancelBooking, createBooking, getBooking, updateBooking } from '../bookings/service.ts';
import { updateBookingRow } from '../bookings/repo.ts';
import { ForbiddenError, TransientError } from '../exchange/errors.ts';
import type { ExchangeGateway, ItemRef } from '../exchange/gateway.ts';
import type { User } from '../users/service.ts';
import { outboxOverview } from './outbox.ts';
import { runInLocale } from '../i18n/context.ts';
import { OutboxWorker, SEND_PATH } from './worker.ts';
import { aRoom, aUser } from '../test/factories.ts';

const now = DateTime.fromISO('2026-11-24T09:00:00Z', { zone: 'utc' });
const facts = { method: 'MOVE', path: '/exchange/alice/Drafts/x.EML', status: 503, durationMs: 3, requestId: 'r1' };

function scriptedGateway() {
  const calls: string[] = [];
  const failures = new Map<string, unknown[]>();
  const ref: ItemRef = { mailbox: 'alice', path: '/exchange/alice/Calendar/x.EML', uid: 'x' };
  const step = async <T>(name: string, value: T, resumed?: boolean): Promise<T> => {
    calls.push(resumed ? `${name}(resumed)` : name);
    const failure = failures.get(name)?.shift();
    if (failure !== undefined) throw failure;
    return value;
  };
  const sent = (sequence: number) => ({ outcome: 'submitted' as const, route: 'owa' as const, sequence });
  type M = { sequence: number };
  type O = { resumed?: boolean } | undefined;
  const gateway = {
    freeBusy: async () => [],
    listCalendar: async () => [],
    putMeetingItem: () => step('put', ref),
    submitMeeting: (_r: ItemRef, m: M, o: O) => step('submit', sent(m.sequence), o?.resumed),
    patchMeetingItem: () => step('patch', undefined),
    sendMeetingUpdate: (_r: ItemRef, m: M, o: O) => step('sendUpdate', sent(m.sequence), o?.resumed),
    sendCancellation: (_r: ItemRef, m: M, o: O) => step('sendCancel', sent(m.sequence), o?.resumed),
    removeMeetingItem: () => step('remove', undefined),
  } as unknown as ExchangeGateway;
  return { gateway, calls, fail: (name: string, ...errors: unknown[]) => failures.set(name, errors) };
}

describe('the send path', () => {
  let ctx: AppContext;
  let script: ReturnType<typeof scriptedGateway>;
  let alice: User;
  let roomId: number;
  let worker: OutboxWorker;
  let errors: string[];

  const book = async () =>
    (
      await createBooking(ctx, alice, {
        roomId,
        date: '2026-11-25',
        start: '10:00',
        end: '11:00',
        subject: 'Plan',
        description: '',
        required: ['bob@example.com'],
        optional: [],
        private: false,
        organizerId: undefined,
        idempotencyKey: `k${Math.random()}`.padEnd(20, 'k'),
      })
    ).booking.id;
  const change = (id: number, start: string, end: string) =>
    updateBooking(ctx, alice, id, {
      roomId,
      date: '2026-11-25',
      start,
      end,
      subject: 'Plan',
      description: '',
      required: ['bob@example.com'],
      optional: [],
      private: false,
    });
  const makeDue = () => ctx.db.prepare("UPDATE outbox_jobs SET next_attempt_at = '2000-01-01T00:00:00.000Z'").run();
  const jobs = (id: number) =>
    ctx.db.prepare('SELECT kind, status, step FROM outbox_jobs WHERE booking_id = ? ORDER BY id').all(id) as { kind: string; status: string; step: string }[];

  beforeEach(async () => {
    const db = openDatabase(':memory:');
    migrate(db);
    script = scriptedGateway();
    errors = [];
    const log = pino({ level: 'error' }, { write: (line: string) => errors.push(line) });
    ctx = { config: {} as Config, db, clock: { now: () => now }, log, gateway: script.gateway, wakeOutbox: () => undefined };
    alice = await aUser(ctx, { username: 'alice', displayName: 'Alice' });
    roomId = aRoom(ctx, { alias: 'thames', capacity: 8, building: 'HQ', horizonDays: 30 }).id;
    worker = new OutboxWorker(ctx);
  });

  test('the table lists each kind’s steps in order, marking before a send what a resume must check', () => {
    const shape = Object.fromEntries(Object.entries(SEND_PATH).map(([kind, steps]) => [kind, steps.map((s) => `${s.before ?? '-'}>${s.after}`)]));
    assert.deepEqual(shape, {
      create: ['->item-written', 'submitting>done'],
      update: ['->item-written', 'submitting>done'],
      cancel: ['submitting>submitted', '->done'],
      // Check-in release: step 2 passes resumed itself (see the table's comment).
      release: ['submitting>submitted', '->done'],
    });
  });

  test('create, update and cancel run their steps once each, in order, and the booking ends cancelled', async () => {
    const id = await book();
    await worker.drain();
    await change(id, '12:00', '13:00');
    await worker.drain();
    assert.equal(getBooking(ctx, id)?.state, 'booked');
    cancelBooking(ctx, alice, id, undefined);
    await worker.drain();
    assert.deepEqual(script.calls, ['put', 'submit', 'patch', 'sendUpdate', 'sendCancel', 'remove']);
    assert.equal(getBooking(ctx, id)?.state, 'cancelled');
  });

  test('a cancellation interrupted in its send resumes with resumed; one interrupted after it only deletes the item', async () => {
    const id = await book();
    await worker.drain();
    script.fail('sendCancel', new TransientError('timeout', facts));
    script.fail('remove', new TransientError('server error 503', { ...facts, method: 'DELETE' }));
    cancelBooking(ctx, alice, id, 'Sorry');
    await worker.drain();
    assert.deepEqual(jobs(id).at(-1), { kind: 'cancel', status: 'waiting', step: 'submitting' });
    makeDue();
    await worker.drain();
    assert.deepEqual(jobs(id).at(-1), { kind: 'cancel', status: 'waiting', step: 'submitted' });
    makeDue();
    await worker.drain();
    assert.deepEqual(script.calls, ['put', 'submit', 'sendCancel', 'sendCancel(resumed)', 'remove', 'remove']);
    assert.equal(getBooking(ctx, id)?.state, 'cancelled');
  });

  test('an update whose item write finished resumes at the send, never patching twice', async () => {
    const id = await book();
    await worker.drain();
    script.fail('sendUpdate', new TransientError('timeout', facts));
    await change(id, '12:00', '13:00');
    await worker.drain();
    makeDue();
    await worker.drain();
    assert.deepEqual(script.calls, ['put', 'submit', 'patch', 'sendUpdate', 'sendUpdate(resumed)']);
    assert.equal(getBooking(ctx, id)?.state, 'booked');
  });

  test('a change after an invitation that failed for good is sent as the invitation; the failed job is skipped', async () => {
    const id = await book();
    script.fail('put', new ForbiddenError('no delegate access', { ...facts, method: 'PROPPATCH', status: 403 }));
    await worker.drain();
    assert.equal(getBooking(ctx, id)?.state, 'failed');
    await change(id, '12:00', '13:00');
    assert.equal(getBooking(ctx, id)?.state, 'pending');
    assert.deepEqual(jobs(id), [
      { kind: 'create', status: 'skipped', step: 'queued' },
      { kind: 'create', status: 'waiting', step: 'queued' },
    ]);
    await worker.drain();
    assert.equal(getBooking(ctx, id)?.state, 'booked');
    assert.equal(getBooking(ctx, id)?.icalSequence, 0);
  });

  test('a cancel after a cancellation that failed for good carries the SEQUENCE after the version Exchange holds', async () => {
    const id = await book();
    await worker.drain();
    script.fail('sendCancel', new ForbiddenError('no delegate access', { ...facts, status: 403 }));
    cancelBooking(ctx, alice, id, undefined);
    await worker.drain();
    assert.equal(getBooking(ctx, id)?.state, 'failed');
    cancelBooking(ctx, alice, id, 'Again');
    assert.equal(getBooking(ctx, id)?.icalSequence, 1, 'the item holds SEQUENCE 0, so getcancel sends 1');
    await worker.drain();
    assert.equal(getBooking(ctx, id)?.state, 'cancelled');
    assert.deepEqual(
      jobs(id).map((j) => j.status),
      ['done', 'skipped', 'done'],
    );
  });

  test('a state the booking cannot take is logged as an error and listed on the admin page, not kept silently', async () => {
    const id = await book();
    // The booking became cancelled behind the outbox's back (a bug elsewhere); Exchange then accepts the invitation.
    updateBookingRow(ctx.db, id, { state: 'cancelled' }, '2026-11-24T09:00:00.000Z');
    await worker.drain();
    assert.equal(getBooking(ctx, id)?.state, 'cancelled');
    assert.ok(getBooking(ctx, id)?.submittedAt, 'the fact that Exchange accepted it is kept');
    const { problems } = outboxOverview(ctx.db);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.lastErrorText, /Booking \d+ cannot move from Cancelled to Booked/);
    // The admin page reads the problem and the job's codes in its reader's language (issue 17).
    const hu = runInLocale('hu', () => outboxOverview(ctx.db).problems[0]!);
    assert.match(hu.lastErrorText, /foglalás nem léphet át ebből az állapotból: „Lemondva” ebbe: „Lefoglalva”/);
    assert.deepEqual([hu.kindText, hu.stepText], ['létrehozás', 'kész']);
    assert.ok(errors.some((l) => l.includes('booking.impossible_transition')));
    const audit = ctx.db.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'booking.impossible_transition'").get() as { n: number };
    assert.equal(audit.n, 1);
  });
});
