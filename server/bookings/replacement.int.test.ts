import assert from 'node:assert/strict';
import { readStored } from '../i18n/stored.ts';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { findBooking } from './repo.ts';
import { mailboxItems, startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { aRoom, demoPeople, someRooms } from '../test/factories.ts';
import { plantOutlookMeeting } from '../test/outlook.ts';
import { waitFor } from '../test/wait.ts';
import { bookingIdOf, postBookingForm } from '../test/booking-form.ts';

const ZONE = 'Europe/London';
const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');
const at = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: ZONE });
const UID = 'urn:schemas:calendar:uid';
const CLASS = 'http://schemas.microsoft.com/exchange/outlookmessageclass';

describe('replacement rooms for a room that refused the meeting', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let adam: TestBrowser;
  let ids: Map<string, string>;

  async function book(room: string, start: string, end: string): Promise<number> {
    const res = await postBookingForm(alice, { roomId: ids.get(room)!, date: day, start, end, subject: 'Planning' });
    assert.equal(res.status, 303);
    return bookingIdOf(res);
  }
  const messagesFor = async (alias: string, uid: string) => (await mailboxItems(app, alias, 'inbox')).filter((i) => i.props[UID] === uid);
  const offered = (page: string) => [...page.matchAll(/<li data-room="(\d+)">[\s\S]*?<strong>([^<]+)<\/strong>/g)].map((m) => m[2]);

  /** Books `room`, then someone books it in Outlook before the invitation arrives: the room declines. */
  async function bookDeclined(room: string, start: string, end: string): Promise<number> {
    const id = await book(room, start, end);
    await plantOutlookMeeting(app.emulator!.url, room, { subject: 'Outlook hold', start: at(start), end: at(end) });
    await app.worker.drain();
    await waitFor(`${room}’s decline`, async () => {
      await app.reconciler.runNow();
      const b = findBooking(app.ctx.db, id)!;
      return b.state !== 'booked' && b.state !== 'pending';
    });
    return id;
  }

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    await demoPeople(app.ctx);
    const projector = ['projector'];
    const rooms = someRooms(app.ctx, {
      // Harbour House: Dee refuses; Mersey (same floor), Severn and Cam fit; Tyne lacks the projector, Wye the seats.
      dee: { capacity: 8, equipment: projector },
      mersey: { capacity: 10, equipment: projector },
      severn: { capacity: 8, floor: '2', equipment: projector },
      cam: { capacity: 16, floor: '3', equipment: projector },
      tyne: { capacity: 20 },
      wye: { capacity: 2, equipment: projector },
      // Dock House replaces automatically: Ouse refuses, Tees is the best fit there, Thames another.
      ouse: { capacity: 4, building: 'Dock House' },
      tees: { capacity: 4, building: 'Dock House' },
      thames: { capacity: 12, building: 'Dock House' },
    });
    // A room whose alias Exchange does not know (a typo saved with "save anyway").
    rooms.set('ghost', aRoom(app.ctx, { alias: 'ghost-room', name: 'Ghost', capacity: 6 }));
    rooms.set('zephyr', aRoom(app.ctx, { alias: 'zephyr-room', name: 'Zephyr', capacity: 4, building: 'Dock House' }));
    ids = new Map([...rooms].map(([alias, r]) => [alias, String(r.id)]));
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    adam = new TestBrowser(app.url);
    await adam.signIn('adam');
  });
  after(async () => {
    await app.close();
  });

  test('a declined room: three replacements (same building, seats, equipment); one click moves the meeting; bob gets the update, Dee nothing more', async () => {
    const id = await bookDeclined('dee', '17:00', '18:00');
    const uid = findBooking(app.ctx.db, id)!.uid;
    assert.equal(findBooking(app.ctx.db, id)!.state, 'declined');
    const page = await (await alice.get(`/bookings/${id}`)).text();
    assert.match(page, /The room declined: take another room/);
    assert.deepEqual(offered(page), ['Mersey', 'Severn', 'Cam']);
    assert.match(page, /Attendee answers: <span data-field="answersRead">last read at \d\d:\d\d:\d\d; read again every 60 s<\/span>/);
    const status = (await (await alice.get(`/bookings/${id}/status`)).json()) as { answersRead: string };
    assert.match(status.answersRead, /^last read at \d\d:\d\d:\d\d; read again every 60 s$/, 'the live status says it too');
    const deeBefore = (await messagesFor('dee', uid)).length;
    const bobBefore = (await messagesFor('bob', uid)).length;

    const noCsrf = await alice.post(`/bookings/${id}/replace`, { roomId: ids.get('severn')! }, { csrf: false });
    assert.equal(noCsrf.status, 403, 'the one click is CSRF-protected');
    const taken = await alice.post(`/bookings/${id}/replace`, { roomId: ids.get('tyne')! });
    assert.equal(taken.status, 303, 'a room that was not offered is refused with a message');
    assert.match(await (await alice.get(`/bookings/${id}`)).text(), /Tyne is not free for this meeting any more/);
    assert.equal(findBooking(app.ctx.db, id)!.roomId, Number(ids.get('dee')));

    const moved = await alice.post(`/bookings/${id}/replace`, { roomId: ids.get('severn')! });
    assert.equal(moved.status, 303);
    assert.equal(moved.headers.get('location'), `/bookings/${id}`);
    const b = findBooking(app.ctx.db, id)!;
    assert.equal(b.roomId, Number(ids.get('severn')));
    assert.equal(b.state, 'updating');
    const after = await (await alice.get(`/bookings/${id}`)).text();
    assert.match(after, /The meeting is moving to Severn\. Everyone invited gets the update; Dee gets nothing more\./);
    assert.match(after, /Dee declined the meeting \(it was already booked in Exchange\); you moved it to Severn/);
    assert.doesNotMatch(after, /take another room/);

    await app.worker.drain();
    const update = await waitFor('bob’s update', async () =>
      (await messagesFor('bob', uid)).slice(bobBefore).find((m) => m.props[CLASS] === 'IPM.Schedule.Meeting.Request'),
    );
    assert.match(update.props['urn:schemas:calendar:location'] ?? update.props['urn:schemas:httpmail:textdescription'] ?? '', /Severn/);
    assert.equal((await messagesFor('bob', uid)).length, bobBefore + 1, 'bob gets the update once');
    assert.equal((await messagesFor('dee', uid)).length, deeBefore, 'the declined room gets nothing more (no update, no cancellation)');
    await waitFor('Severn accepts', async () => {
      await app.reconciler.runNow();
      const now = findBooking(app.ctx.db, id)!;
      return now.state === 'booked' && now.roomResponse === 'accepted';
    });
  });

  test('with the building’s automatic replacement on, the app moves a declined meeting itself and tells the organizer', async () => {
    const settings = await (await adam.get('/admin/buildings')).text();
    assert.match(settings, /Dock House/);
    assert.equal((await alice.post('/admin/buildings', { building: 'Dock House', autoReplace: 'on' })).status, 403, 'admins only');
    assert.equal((await adam.post('/admin/buildings', { building: 'Dock House', autoReplace: 'on' })).status, 303);
    assert.match(
      await (await adam.get('/admin/buildings')).text(),
      /name="building" value="Dock House">\s*<input type="checkbox" name="autoReplace" id="auto-\d+" checked>/,
    );

    const id = await bookDeclined('ouse', '15:00', '16:00');
    const uid = findBooking(app.ctx.db, id)!.uid;
    const b = findBooking(app.ctx.db, id)!;
    assert.equal(b.roomId, Number(ids.get('tees')), 'moved to the best free room of the same building');
    assert.equal(b.state, 'updating');
    const ouseBefore = (await messagesFor('ouse', uid)).length;
    const page = await (await alice.get(`/bookings/${id}`)).text();
    assert.match(page, /Ouse declined the meeting \(it was already booked in Exchange\), so the app moved it to Tees at \d\d:\d\d/);

    await app.worker.drain();
    await waitFor(
      'bob’s update for Tees',
      async () => (await messagesFor('bob', uid)).filter((m) => m.props[CLASS] === 'IPM.Schedule.Meeting.Request').length === 2,
    );
    assert.equal((await messagesFor('ouse', uid)).length, ouseBefore, 'the declined room gets nothing more');
    await waitFor('Tees accepts', async () => {
      await app.reconciler.runNow();
      return findBooking(app.ctx.db, id)!.state === 'booked';
    });
  });

  test('a room whose mailbox Exchange does not know: the failed booking offers free rooms, and one click sends it there', async () => {
    const id = await book('ghost', '11:00', '12:00');
    await app.worker.drain();
    // The invitation goes out; reading the room's calendar then answers 404: the booking fails for that reason.
    const failed = await waitFor('the failure', async () => {
      await app.reconciler.runNow();
      const b = findBooking(app.ctx.db, id)!;
      return b.state === 'failed' ? b : null;
    });
    assert.match(readStored(failed.failedReason ?? ''), /does not know the room’s mailbox/);
    const page = await (await alice.get(`/bookings/${id}`)).text();
    assert.match(page, /The room has no mailbox in Exchange: take another room/);
    // Ghost seats 6 without equipment (floor 1 of Harbour House): its floor first, closest fit first.
    assert.deepEqual(offered(page), ['Dee', 'Mersey', 'Tyne']);
    assert.equal((await alice.post(`/bookings/${id}/replace`, { roomId: ids.get('mersey')! })).status, 303);
    await app.worker.drain();
    const b = await waitFor('sent to Mersey', () => {
      const now = findBooking(app.ctx.db, id)!;
      return now.state === 'booked' && now.roomId === Number(ids.get('mersey')) ? now : null;
    });
    assert.equal((await messagesFor('bob', b.uid)).filter((m) => m.props[CLASS] === 'IPM.Schedule.Meeting.Request').length >= 1, true);
  });

  test('automatic replacement also moves a booking whose room’s mailbox Exchange does not know (Dock House is on)', async () => {
    const id = await book('zephyr', '09:00', '10:00');
    await app.worker.drain();
    const moved = await waitFor('moved off Zephyr', async () => {
      await app.reconciler.runNow();
      const b = findBooking(app.ctx.db, id)!;
      return b.roomId !== Number(ids.get('zephyr')) ? b : null;
    });
    assert.equal(moved.roomId, Number(ids.get('ouse')), 'the same building, four seats, by name');
    assert.match(await (await alice.get(`/bookings/${id}`)).text(), /Exchange does not know Zephyr’s mailbox, so the app moved it to Ouse/);
    await app.worker.drain();
    await waitFor('Ouse accepts', async () => {
      await app.reconciler.runNow();
      return findBooking(app.ctx.db, id)!.state === 'booked';
    });
  });
});
