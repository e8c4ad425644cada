import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { findBooking } from './repo.ts';
import { signedIn, startTestApp, type TestApp, type TestBrowser } from '../test/test-app.ts';
import { aUser, demoPeople, someRooms } from '../test/factories.ts';
import { sendFromOutlook } from '../test/outlook.ts';
import { waitFor } from '../test/wait.ts';
import { bookingIdOf, postBookingForm } from '../test/booking-form.ts';

const ZONE = 'Europe/London';
const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');

interface Status {
  state: string;
  stateLabel: string;
  roomResponse: string;
  roomChecked: string;
  roomCheckedAt: string | null;
  attendees: { email: string; response: string }[];
  live: boolean;
}

describe('the booking page’s live status', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let bob: TestBrowser;
  let carol: TestBrowser;
  let roomIds: Map<string, string>;

  async function book(room: string, start: string, end: string): Promise<number> {
    const res = await postBookingForm(alice, { roomId: roomIds.get(room)!, date: day, start, end, subject: 'Live' });
    assert.equal(res.status, 303);
    return bookingIdOf(res);
  }
  async function status(b: TestBrowser, id: number): Promise<Status> {
    const res = await b.get(`/bookings/${id}/status`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    return (await res.json()) as Status;
  }
  function accept(uid: string, sequence: number): string {
    return [
      'From: "Bob Baker" <bob@example.com>',
      'To: "Alice Anderson" <alice@example.com>',
      'Subject: Accepted: Live',
      'MIME-Version: 1.0',
      'Content-Type: text/calendar; method=REPLY; charset=utf-8',
      '',
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Test//Outlook-ish//EN',
      'METHOD:REPLY',
      'BEGIN:VEVENT',
      `UID:${uid}`,
      `SEQUENCE:${sequence}`,
      `DTSTAMP:${DateTime.utc().toFormat("yyyyMMdd'T'HHmmss'Z'")}`,
      'ORGANIZER:mailto:alice@example.com',
      'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
  }

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    await demoPeople(app.ctx);
    await aUser(app.ctx, { username: 'carol', displayName: 'Carol Cole' });
    roomIds = new Map([...someRooms(app.ctx, { trent: {}, severn: { capacity: 8 } })].map(([alias, r]) => [alias, String(r.id)]));
    [alice, bob, carol] = await signedIn(app.url, 'alice', 'bob', 'carol');
  });
  after(async () => {
    await app.close();
  });

  test('GET /bookings/:id/status: same access as the page, pending → booked with the room’s acceptance', async () => {
    const id = await book('trent', '09:00', '10:00');
    const page = await (await alice.get(`/bookings/${id}`)).text();
    assert.match(page, /<script src="\/js\/booking-status\.js" defer><\/script>/);
    assert.match(page, /aria-live="polite"/);
    assert.match(page, /href="\/bookings\/\d+">Refresh now<\/a>/, 'without JavaScript a refresh link');

    const first = await status(alice, id);
    assert.equal(first.state, 'pending');
    assert.equal(first.stateLabel, 'Sending to Exchange');
    assert.equal(first.roomResponse, 'No answer yet');
    assert.equal(first.live, true);
    assert.deepEqual(first.attendees, [{ email: 'bob@example.com', response: 'No answer yet' }]);
    assert.equal((await status(bob, id)).state, 'pending', 'an attendee sees the booking, so its status too');
    assert.equal((await carol.get(`/bookings/${id}/status`)).status, 404, 'another employee learns nothing');

    await app.worker.drain();
    const done = await waitFor('the room’s acceptance in the status', async () => {
      await app.reconciler.runNow();
      const s = await status(alice, id);
      return s.state === 'booked' && s.roomResponse === 'Accepted' ? s : null;
    });
    assert.equal(done.live, false, 'nothing left to wait for: the page stops asking');
    assert.ok(done.roomCheckedAt);
    assert.match(done.roomChecked, /^checked \d+ s ago$/);
    assert.match(await (await alice.get(`/bookings/${id}`)).text(), /Room’s calendar: <span data-field="roomChecked">checked \d+ s ago<\/span>/);
  });

  test('after a time change an earlier answer shows as "answered the old time" until a new one arrives', async () => {
    const id = await book('severn', '10:00', '11:00');
    await app.worker.drain();
    const uid = findBooking(app.ctx.db, id)!.uid;
    await sendFromOutlook(app.emulator!.url, 'bob', accept(uid, 0));
    await waitFor('bob’s acceptance', async () => {
      await app.reconciler.runNow();
      return (await status(alice, id)).attendees[0]?.response === 'Accepted';
    });

    const moved = await alice.post(`/bookings/${id}`, {
      roomId: roomIds.get('severn')!,
      date: day,
      start: '14:00',
      end: '15:00',
      subject: 'Live',
      description: '',
      required: 'bob@example.com',
      optional: '',
    });
    assert.equal(moved.status, 303);
    assert.equal((await status(alice, id)).attendees[0]?.response, 'Answered the old time');
    await app.worker.drain();
    // The old acceptance is still in alice's Inbox: a pass must not bring it back.
    await app.reconciler.runNow();
    assert.equal((await status(alice, id)).attendees[0]?.response, 'Answered the old time');
    assert.match(await (await alice.get(`/bookings/${id}`)).text(), /Bob Baker[\s\S]*?Answered the old time/);

    await sendFromOutlook(app.emulator!.url, 'bob', accept(uid, findBooking(app.ctx.db, id)!.icalSequence));
    await waitFor('bob’s answer to the new time', async () => {
      await app.reconciler.runNow();
      return (await status(alice, id)).attendees[0]?.response === 'Accepted';
    });
  });
});
