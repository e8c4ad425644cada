// Issue 12, first promise: a step counts as done only when its effect is seen. Each false success the emulator can
// serve (a page with 200, an empty 207, a missing draft) keeps the booking on its way until the effect is there, and
// every message reaches the attendees exactly once.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { findBooking } from '../bookings/repo.ts';
import { listAllRooms } from '../rooms/service.ts';
import { mailboxItems, startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { countMeetingMessages } from '../test/meeting-messages.ts';

const day = DateTime.now().setZone('Europe/London').plus({ days: 4 }).toFormat('yyyy-MM-dd');

describe('every Exchange step verified by its effect', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let rooms: Map<string, number>;
  let hour = 8;

  const fault = (rule: Record<string, unknown>) =>
    fetch(`${app.emulator!.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  /** Messages per "METHOD SEQUENCE" of this meeting in bob's Inbox. */
  async function bobGot(uid: string): Promise<Record<string, number>> {
    return countMeetingMessages(await mailboxItems(app, 'bob', 'inbox'), uid);
  }
  async function book(): Promise<number> {
    const room = 'thames';
    const start = `${String(hour).padStart(2, '0')}:00`;
    const end = `${String(hour++).padStart(2, '0')}:30`;
    const form = await (await alice.get(`/bookings/new?roomId=${rooms.get(room)}`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    const res = await alice.post('/bookings', {
      roomId: String(rooms.get(room)),
      date: day,
      start,
      end,
      subject: 'Checked',
      description: '',
      required: 'bob@example.com',
      optional: '',
      idempotencyKey: key,
    });
    assert.equal(res.status, 303);
    return Number(/\/bookings\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);
  }
  const makeDue = () => app.ctx.db.prepare("UPDATE outbox_jobs SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE status = 'waiting'").run();
  const state = (id: number) => findBooking(app.ctx.db, id)!.state;
  const uidOf = (id: number) => findBooking(app.ctx.db, id)!.uid;

  before(async () => {
    // Basic auth: a login page is then a front end's (ISA) answer, not the forms session the gateway logs in again to.
    app = await startTestApp({ EXCHANGE_AUTH: 'basic' });
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    rooms = new Map(listAllRooms(app.ctx).map((r) => [r.alias, r.id]));
  });
  after(() => app.close());
  beforeEach(async () => {
    await fetch(`${app.emulator!.url}/_emulator/faults`, { method: 'DELETE' });
  });

  for (const [name, rule] of [
    ['the MOVE to the submission URI answers 200 with an HTML error page', { kind: 'owa-error', method: 'MOVE', count: 1 }],
    ['the MOVE to the submission URI answers an empty 207', { kind: 'empty-multistatus', method: 'MOVE', count: 1 }],
    ['the PROPPATCH of the request draft answers 200 with the OWA login page', { kind: 'login-page', method: 'PROPPATCH', path: '/Drafts/', count: 1 }],
    ['the PROPPATCH of the calendar item answers 200 with the OWA login page', { kind: 'login-page', method: 'PROPPATCH', path: '/Calendar/', count: 1 }],
  ] as const) {
    test(`${name}: not booked until the request is sent, and bob gets it once`, async () => {
      const id = await book();
      await fault(rule);
      await app.worker.drain();
      assert.equal(state(id), 'pending', 'a false success is a transient failure, never "booked"');
      assert.deepEqual(await bobGot(uidOf(id)), {});
      makeDue();
      await app.worker.drain();
      assert.equal(state(id), 'booked');
      assert.deepEqual(await bobGot(uidOf(id)), { 'REQUEST 0': 1 });
    });
  }

  test('sendappt answers 200 with an OWA error page: the update goes by WebDAV, once', async () => {
    const id = await book();
    await app.worker.drain();
    const b = findBooking(app.ctx.db, id)!;
    await fault({ kind: 'owa-error', method: 'POST', path: '/Calendar/', count: 1 });
    const res = await alice.post(`/bookings/${id}`, {
      roomId: String(b.roomId),
      date: day,
      start: '19:00',
      end: '19:30',
      subject: 'Checked',
      description: '',
      required: 'bob@example.com',
      optional: '',
    });
    assert.equal(res.status, 303);
    await app.worker.drain();
    assert.equal(state(id), 'booked');
    assert.deepEqual(await bobGot(b.uid), { 'REQUEST 0': 1, 'REQUEST 1': 1 });
  });

  test('getcancel answers 200 without drafting: the cancellation goes by WebDAV, once', async () => {
    const id = await book();
    await app.worker.drain();
    await fault({ kind: 'owa-error', method: 'GET', path: 'Cmd=getcancel', count: 1 });
    assert.equal((await alice.post(`/bookings/${id}/cancel`, { message: '' })).status, 303);
    await app.worker.drain();
    assert.equal(state(id), 'cancelled');
    assert.deepEqual(await bobGot(uidOf(id)), { 'REQUEST 0': 1, 'CANCEL 1': 1 });
  });
});
