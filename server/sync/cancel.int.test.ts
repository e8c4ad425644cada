// Issue 19 (3, 4): a failed job never blocks a later cancel, and the SEQUENCE the app records is the one Exchange sent,
// so a retried cancellation is recognised and never sent twice. Against the embedded emulator and its fault API.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { findBooking } from '../bookings/repo.ts';
import { listAllRooms } from '../rooms/service.ts';
import { mailboxItems, startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { countMeetingMessages, MESSAGE_CLASS as CLASS, METHOD_OF_CLASS as METHOD, SEQUENCE as SEQ, UID } from '../test/meeting-messages.ts';
import { bookingIdOf, postBookingForm } from '../test/booking-form.ts';

const ZONE = 'Europe/London';
const day = DateTime.now().setZone(ZONE).plus({ days: 3 }).toFormat('yyyy-MM-dd');

/** Polls until `check` holds (a deadline, never a fixed sleep). */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('cancelling after a failure or a pending change', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let rooms: Map<string, number>;

  const fault = (rule: Record<string, unknown>) =>
    fetch(`${app.emulator!.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  /** Messages per "UID METHOD SEQUENCE" in a mailbox's Inbox. */
  async function inboxCounts(alias: string, uid: string): Promise<Record<string, number>> {
    return countMeetingMessages(await mailboxItems(app, alias, 'inbox'), uid);
  }
  async function book(room: string, start: string, end: string, subject = 'Planning'): Promise<number> {
    const res = await postBookingForm(alice, { roomId: String(rooms.get(room)), date: day, start, end, subject });
    assert.equal(res.status, 303);
    return bookingIdOf(res);
  }
  const change = (id: number, room: string, start: string, end: string) =>
    alice.post(`/bookings/${id}`, {
      roomId: String(rooms.get(room)),
      date: day,
      start,
      end,
      subject: 'Planning',
      description: '',
      required: 'bob@example.com',
      optional: '',
    });
  const cancel = (id: number) => alice.post(`/bookings/${id}/cancel`, { message: '' });
  const unfinished = (id: number) =>
    (app.ctx.db.prepare("SELECT count(*) AS n FROM outbox_jobs WHERE booking_id = ? AND status IN ('waiting', 'running', 'failed')").get(id) as { n: number })
      .n;
  const makeDue = () => app.ctx.db.prepare("UPDATE outbox_jobs SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE status = 'waiting'").run();

  before(async () => {
    // A short timeout, so a slowed answer times out as it does against a slow Exchange.
    app = await startTestApp({ EXCHANGE_TIMEOUT_MS: '1000' });
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    rooms = new Map(listAllRooms(app.ctx).map((r) => [r.alias, r.id]));
  });
  after(() => app.close());
  beforeEach(async () => {
    await fetch(`${app.emulator!.url}/_emulator/faults`, { method: 'DELETE' });
  });

  test('a booking whose invitation failed for good is cancelled locally, not left "cancelling" behind the failed job', async () => {
    const id = await book('trent', '09:00', '09:30');
    await fault({ kind: 'status', status: 403, method: 'PROPPATCH', path: '/exchange/alice/', count: 1 });
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'failed');

    assert.equal((await cancel(id)).status, 303);
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'cancelled');
    assert.equal(unfinished(id), 0, 'no job is left waiting behind the failed one');
    assert.deepEqual(await inboxCounts('bob', findBooking(app.ctx.db, id)!.uid), {}, 'nothing ever reached bob');
  });

  test('a delivered booking whose change failed for good is cancelled in Exchange: bob gets one CANCEL', async () => {
    const id = await book('avon', '09:00', '09:30');
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'booked');
    assert.equal((await change(id, 'avon', '10:00', '10:30')).status, 303);
    await fault({ kind: 'status', status: 403, method: 'PROPPATCH', path: '/exchange/alice/', count: 1 });
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'failed');

    assert.equal((await cancel(id)).status, 303);
    await app.worker.drain();
    const b = findBooking(app.ctx.db, id)!;
    assert.equal(b.state, 'cancelled');
    assert.equal(unfinished(id), 0);
    assert.deepEqual(await inboxCounts('bob', b.uid), { 'REQUEST 0': 1, [`CANCEL ${b.icalSequence}`]: 1 });
    assert.equal(b.icalSequence, 1, 'the cancellation follows the version Exchange holds (SEQUENCE 0)');
  });

  test('change then cancel while the outbox is busy, the cancellation’s MOVE timing out once: one CANCEL, at the SEQUENCE recorded', async () => {
    const id = await book('severn', '10:00', '10:30');
    await app.worker.drain();
    assert.equal((await change(id, 'severn', '14:00', '14:30')).status, 303);
    assert.equal((await cancel(id)).status, 303);
    // The cancellation's MOVE answers after the gateway gave up; Exchange carries it out all the same.
    await fault({ kind: 'latency', latencyMs: 2_500, method: 'MOVE', count: 1 });
    await app.worker.drain();
    const uid = findBooking(app.ctx.db, id)!.uid;
    await until('the slow MOVE to reach bob', async () => Object.keys(await inboxCounts('bob', uid)).some((k) => k.startsWith('CANCEL')));
    makeDue();
    await app.worker.drain();

    const b = findBooking(app.ctx.db, id)!;
    assert.equal(b.state, 'cancelled');
    assert.deepEqual(await inboxCounts('bob', uid), { 'REQUEST 0': 1, [`CANCEL ${b.icalSequence}`]: 1 });
  });
});

describe('change-then-cancel against a slow Exchange, with the outbox running on its own', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let rooms: Map<string, number>;
  const fault = (rule: Record<string, unknown> | Record<string, unknown>[]) =>
    fetch(`${app.emulator!.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });

  before(async () => {
    app = await startTestApp({ EXCHANGE_TIMEOUT_MS: '1000', BACKGROUND_JOBS: '1', RECONCILE_INTERVAL_SECONDS: '0' });
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    rooms = new Map(listAllRooms(app.ctx).map((r) => [r.alias, r.id]));
  });
  after(() => app.close());

  test('every attendee gets each (UID, method, SEQUENCE) at most once, and the last CANCEL is the SEQUENCE the app recorded', { timeout: 90_000 }, async () => {
    const post = async (path: string, form: Record<string, string>) => {
      const res = await alice.post(path, form);
      assert.equal(res.status, 303, `${path} → ${res.status}`);
      return res;
    };
    const newForm = async (room: string, start: string, end: string, subject: string) => {
      const page = await (await alice.get(`/bookings/new?roomId=${rooms.get(room)}`)).text();
      const key = /name="idempotencyKey" value="([^"]+)"/.exec(page)![1]!;
      const res = await post('/bookings', {
        roomId: String(rooms.get(room)),
        date: day,
        start,
        end,
        subject,
        description: '',
        required: 'bob@example.com',
        optional: 'rita@example.com',
        idempotencyKey: key,
      });
      return Number(/\/bookings\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);
    };
    const id = await newForm('mersey', '10:00', '10:30', 'Budget');
    await until('the booking to be booked', () => findBooking(app.ctx.db, id)?.state === 'booked');

    // Exchange slows down: writes to calendars take 1.8 s (three of them), and another booking occupies the outbox.
    await fault([{ kind: 'latency', latencyMs: 1_800, method: 'PROPPATCH', path: '/Calendar/', count: 3 }]);
    await newForm('cam', '11:00', '11:30', 'Other');
    await post(`/bookings/${id}`, {
      roomId: String(rooms.get('mersey')),
      date: day,
      start: '14:00',
      end: '14:30',
      subject: 'Budget',
      description: '',
      required: 'bob@example.com',
      optional: 'rita@example.com',
    });
    await post(`/bookings/${id}/cancel`, { message: 'Sorry' });
    await fault({ kind: 'latency', latencyMs: 2_500, method: 'MOVE', count: 1 });

    await until(
      'the booking to be cancelled with no job left',
      () => {
        const n = (app.ctx.db.prepare("SELECT count(*) AS n FROM outbox_jobs WHERE status IN ('waiting', 'running')").get() as { n: number }).n;
        return findBooking(app.ctx.db, id)?.state === 'cancelled' && n === 0;
      },
      60_000,
    );
    const b = findBooking(app.ctx.db, id)!;
    for (const alias of ['bob', 'rita']) {
      // A MOVE that timed out may still be carried out: wait for the mail of every slowed request to land.
      await until(`${alias}'s cancellation`, async () =>
        (await mailboxItems(app, alias, 'inbox')).some((m) => m.props[UID] === b.uid && m.props[CLASS] === 'IPM.Schedule.Meeting.Canceled'),
      );
      const counts: Record<string, number> = {};
      let lastCancel = -1;
      for (const m of await mailboxItems(app, alias, 'inbox')) {
        if (m.props[UID] !== b.uid || !METHOD[m.props[CLASS] ?? '']) continue;
        const key = `${METHOD[m.props[CLASS]!]} ${m.props[SEQ]}`;
        counts[key] = (counts[key] ?? 0) + 1;
        if (METHOD[m.props[CLASS]!] === 'CANCEL') lastCancel = Math.max(lastCancel, Number(m.props[SEQ]));
      }
      for (const [key, n] of Object.entries(counts)) assert.equal(n, 1, `${alias} got ${key} ${n} times: ${JSON.stringify(counts)}`);
      assert.equal(Object.keys(counts).filter((k) => k.startsWith('CANCEL')).length, 1, `${alias}: one cancellation, ${JSON.stringify(counts)}`);
      assert.equal(lastCancel, b.icalSequence, `${alias}'s CANCEL carries the SEQUENCE the app recorded`);
    }
  });
});
