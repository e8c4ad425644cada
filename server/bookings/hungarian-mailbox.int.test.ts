// Issue 17, Exchange side, through the whole app: a Hungarian employee (eszter, whose mailbox folders are "Naptár",
// "Piszkozatok", "Elküldött elemek", …) books, changes and cancels the Hungarian room duna in the browser, and
// find-a-room reads the room's free/busy. Nothing in the app names a folder; the gateway discovers them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { findBooking } from './repo.ts';
import { mailboxItems, startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { aRoom, aUser } from '../test/factories.ts';
import { plantOutlookMeeting } from '../test/outlook.ts';

const ZONE = 'Europe/Budapest';
const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');
const at = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: ZONE });
const UID = 'urn:schemas:calendar:uid';
const CLASS = 'http://schemas.microsoft.com/exchange/outlookmessageclass';

describe('a Hungarian mailbox through the app', () => {
  let app: TestApp;
  let eszter: TestBrowser;
  let dunaId = '';

  const forUid = async (alias: string, folder: string, uid: string) =>
    (await mailboxItems(app, alias, folder)).filter((i) => i.props[UID] === uid) as { name: string; href?: string; props: Record<string, string> }[];
  const form = (start: string, end: string, subject: string) => ({
    roomId: dunaId,
    date: day,
    start,
    end,
    subject,
    description: 'Napirend',
    required: 'bob@example.com',
    optional: '',
  });
  const listsDuna = async (start: string, end: string) => /<h3>Duna /.test(await (await eszter.get(`/find?date=${day}&start=${start}&end=${end}`)).text());

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    await aUser(app.ctx, { username: 'eszter', displayName: 'Kovács Eszter' });
    await aUser(app.ctx, { username: 'bob', displayName: 'Bob Baker' });
    dunaId = String(aRoom(app.ctx, { alias: 'duna', name: 'Duna', building: 'Duna Ház', timeZone: ZONE, capacity: 8 }).id);
    eszter = new TestBrowser(app.url);
    await eszter.signIn('eszter');
  });
  after(() => app.close());

  test('book, read free/busy, change and cancel: every step lands in the Hungarian folders', async () => {
    // Free/busy of the Hungarian room: a meeting booked in Outlook blocks it in find-a-room, the hour after is free.
    await plantOutlookMeeting(app.emulator!.url, 'duna', { subject: 'Vezetői értekezlet', start: at('13:00'), end: at('14:00') });
    assert.equal(await listsDuna('13:30', '14:30'), false, 'busy in Exchange');
    assert.equal(await listsDuna('10:00', '11:00'), true, 'free in Exchange');

    const page = await (await eszter.get(`/bookings/new?roomId=${dunaId}&date=${day}&start=10:00&end=11:00`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page)![1]!;
    const created = await eszter.post('/bookings', { ...form('10:00', '11:00', 'Költségvetés'), idempotencyKey: key });
    assert.equal(created.status, 303);
    const id = Number(/\/bookings\/(\d+)/.exec(created.headers.get('location') ?? '')?.[1]);
    await app.worker.drain();
    const booking = findBooking(app.ctx.db, id)!;
    assert.equal(booking.state, 'booked');
    const [own] = await forUid('eszter', 'calendar', booking.uid);
    assert.ok(own, "the item is in eszter's calendar");
    assert.match(decodeURIComponent(own.href ?? ''), /\/exchange\/eszter\/Naptár\//);
    assert.equal((await forUid('eszter', 'sentitems', booking.uid)).length, 1, 'the request went out and is in Elküldött elemek');
    assert.equal((await forUid('bob', 'inbox', booking.uid)).length, 1);
    await app.reconciler.runNow();
    assert.equal(findBooking(app.ctx.db, id)?.roomResponse, 'accepted', "read back from duna's Naptár");

    const moved = await eszter.post(`/bookings/${id}`, form('15:00', '16:00', 'Költségvetés (új időpont)'));
    assert.equal(moved.status, 303);
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'booked');
    const [roomItem] = await forUid('duna', 'calendar', booking.uid);
    assert.equal(roomItem?.props['urn:schemas:calendar:dtstart'], at('15:00').toUTC().toISO());
    assert.ok((await forUid('bob', 'inbox', booking.uid)).some((m) => Number(m.props['urn:schemas:calendar:sequence']) >= 1));

    assert.equal((await eszter.post(`/bookings/${id}/cancel`, { message: '' })).status, 303);
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'cancelled');
    assert.ok((await forUid('bob', 'inbox', booking.uid)).some((m) => m.props[CLASS] === 'IPM.Schedule.Meeting.Canceled'));
    assert.equal((await forUid('duna', 'calendar', booking.uid)).length, 0);
    assert.equal((await forUid('eszter', 'calendar', booking.uid)).length, 0);
  });
});
