import assert from 'node:assert/strict';
import { readStored } from '../i18n/stored.ts';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { findBooking } from './repo.ts';
import { mailboxItems, startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { demoPeople, someRooms } from '../test/factories.ts';
import { plantOutlookMeeting, sendFromOutlook } from '../test/outlook.ts';
import { waitFor } from '../test/wait.ts';

const ZONE = 'Europe/London';
/** A weekday at least two days ahead, so "not in the past" and the horizon never flake. */
const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');
const at = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: ZONE });

describe('booking a room', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let bob: TestBrowser;
  let roomIds: Map<string, string>;
  let people: Awaited<ReturnType<typeof demoPeople>>;

  const control = (path: string, init?: RequestInit) => fetch(`${app.emulator!.url}/_emulator${path}`, init);
  const meetings = async (alias: string, folder: string) => (await mailboxItems(app, alias, folder)).filter((i) => i.props['urn:schemas:calendar:uid']);

  async function book(b: TestBrowser, room: string, start: string, end: string, extra: Record<string, string> = {}): Promise<Response> {
    const form = await (await b.get(`/bookings/new?roomId=${roomIds.get(room)}&date=${day}&start=${start}&end=${end}`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    return b.post('/bookings', {
      roomId: roomIds.get(room)!,
      date: day,
      start,
      end,
      subject: 'Planning',
      description: 'Agenda',
      required: 'bob@example.com',
      optional: '',
      idempotencyKey: key,
      ...extra,
    });
  }
  const idOf = (res: Response) => Number(/\/bookings\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    people = await demoPeople(app.ctx);
    // Each test books its own room (aliases the emulator's organisation has mailboxes for), so tests never collide.
    const rooms = someRooms(app.ctx, {
      trent: {},
      avon: { capacity: 4 },
      tees: { capacity: 4 },
      cam: { capacity: 16 },
      severn: { capacity: 8 },
      exe: { capacity: 3 },
      ouse: {},
      dee: { capacity: 8 },
      mersey: { capacity: 10 },
      thames: { capacity: 12 },
      wye: { capacity: 2 },
      tyne: { capacity: 20 },
      spree: { building: 'Spreehaus Berlin', timeZone: 'Europe/Berlin', capacity: 8 },
    });
    roomIds = new Map([...rooms].map(([alias, r]) => [alias, String(r.id)]));
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    bob = new TestBrowser(app.url);
    await bob.signIn('bob');
  });
  after(async () => {
    await app.close();
  });
  beforeEach(async () => {
    await control('/faults', { method: 'DELETE' });
  });

  test('POST /bookings stores a pending booking at once, then the outbox sends one invitation and the room accepts', async () => {
    const res = await book(alice, 'trent', '09:00', '10:00');
    assert.equal(res.status, 303);
    const id = idOf(res);
    assert.equal(findBooking(app.ctx.db, id)?.state, 'pending');
    assert.match(await (await alice.get(`/bookings/${id}`)).text(), /Sending to Exchange/);

    await app.worker.drain();
    const booking = findBooking(app.ctx.db, id)!;
    assert.equal(booking.state, 'booked');
    assert.ok(booking.submittedAt);
    const invitations = (await meetings('bob', 'inbox')).filter((m) => m.props['urn:schemas:calendar:uid'] === booking.uid);
    assert.equal(invitations.length, 1);
    assert.equal(invitations[0]!.props['http://schemas.microsoft.com/exchange/outlookmessageclass'], 'IPM.Schedule.Meeting.Request');
    assert.equal(invitations[0]!.props['urn:schemas:calendar:dtstart'], DateTime.fromISO(`${day}T09:00`, { zone: ZONE }).toUTC().toISO());

    await app.reconciler.runNow();
    assert.equal(findBooking(app.ctx.db, id)?.roomResponse, 'accepted');
    assert.match(await (await alice.get(`/bookings/${id}`)).text(), /Room: <strong>Accepted/);
  });

  test('POST /bookings names the field that broke a rule and keeps what was typed', async () => {
    const res = await book(alice, 'trent', '21:00', '22:00', { subject: 'Late one' });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /Trent can be booked until 20:00 \(United Kingdom Time\)\./);
    assert.match(html, /value="Late one"/);
    const long = await book(alice, 'trent', '08:00', '12:30');
    assert.match(await long.text(), /Bookings of Trent can last at most 4 h\./);
    const bad = await book(alice, 'trent', '10:00', '11:00', { required: 'bob@example.com\nnot-an-address' });
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /“not-an-address” is not an e-mail address\./);
  });

  test('POST /bookings twice with the same form key books once', async () => {
    const form = await (await alice.get(`/bookings/new?roomId=${roomIds.get('avon')}`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    const body = {
      roomId: roomIds.get('avon')!,
      date: day,
      start: '12:00',
      end: '12:30',
      subject: 'Twice',
      description: '',
      required: '',
      optional: '',
      idempotencyKey: key,
    };
    const [a, b] = await Promise.all([alice.post('/bookings', body), alice.post('/bookings', body)]);
    assert.equal(a.status, 303);
    assert.equal(b.status, 303);
    assert.equal(a.headers.get('location'), b.headers.get('location'));
  });

  test('50 concurrent requests for one slot: one booking, 49 clear "just taken" answers, no 5xx', async () => {
    // Two people, fifty separate form submissions (each form has its own key).
    const browsers = [];
    for (let i = 0; i < 50; i++) {
      const b = i % 2 ? alice : bob;
      const form = await (await b.get(`/bookings/new?roomId=${roomIds.get('tees')}`)).text();
      browsers.push({ b, key: /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!, csrf: /name="_csrf" value="([^"]+)"/.exec(form)![1]! });
    }
    const results = await Promise.all(
      browsers.map(({ b, key, csrf }) =>
        b.post(
          '/bookings',
          {
            roomId: roomIds.get('tees')!,
            date: day,
            start: '15:00',
            end: '16:00',
            subject: 'Race',
            description: '',
            required: '',
            optional: '',
            idempotencyKey: key,
          },
          { csrf },
        ),
      ),
    );
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 303).length, 1, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 409).length, 49, statuses.join(','));
    const loser = results.find((r) => r.status === 409)!;
    assert.match(await loser.text(), /Tees was just taken for that time\./);
  });

  test('a room booked directly in Exchange is refused and not offered for that slot', async () => {
    await plantOutlookMeeting(app.emulator!.url, 'cam', { subject: 'Board (booked in Outlook)', start: at('13:00'), end: at('14:00') });
    const find = await (await alice.get(`/find?date=${day}&start=13:30&end=14:30&people=14`)).text();
    assert.doesNotMatch(find, /<h3>Cam /);
    const res = await book(alice, 'cam', '13:30', '14:30');
    assert.equal(res.status, 409);
    await app.reconciler.runNow();
    const list = await (await alice.get(`/find?date=${day}&start=13:30&end=14:30&people=14`)).text();
    assert.doesNotMatch(list, /<h3>Cam /);
  });

  test('change and cancel: bob gets an update with a higher SEQUENCE, then a cancellation, and the room calendar is cleared', async () => {
    const id = idOf(await book(alice, 'severn', '10:00', '11:00'));
    await app.worker.drain();
    const uid = findBooking(app.ctx.db, id)!.uid;

    const moved = await alice.post(`/bookings/${id}`, {
      roomId: roomIds.get('severn')!,
      date: day,
      start: '14:00',
      end: '15:00',
      subject: 'Planning (moved)',
      description: 'Agenda',
      required: 'bob@example.com',
      optional: '',
    });
    assert.equal(moved.status, 303);
    assert.equal(findBooking(app.ctx.db, id)?.state, 'updating');
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'booked');
    const forUid = async (alias: string, folder: string) => (await meetings(alias, folder)).filter((m) => m.props['urn:schemas:calendar:uid'] === uid);
    const afterUpdate = await forUid('bob', 'inbox');
    assert.ok(
      afterUpdate.some((m) => Number(m.props['urn:schemas:calendar:sequence']) >= 1 && m.props['urn:schemas:httpmail:subject'] === 'Planning (moved)'),
      JSON.stringify(afterUpdate.map((m) => m.props['urn:schemas:calendar:sequence'])),
    );
    const roomItem = await forUid('severn', 'calendar');
    assert.equal(roomItem[0]?.props['urn:schemas:calendar:dtstart'], DateTime.fromISO(`${day}T14:00`, { zone: ZONE }).toUTC().toISO());

    assert.equal((await bob.post(`/bookings/${id}/cancel`, {})).status, 403, 'an attendee sees the booking but may not cancel it');
    const cancel = await alice.post(`/bookings/${id}/cancel`, { message: 'Sorry, moved online' });
    assert.equal(cancel.status, 303);
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'cancelled');
    const inbox = await forUid('bob', 'inbox');
    assert.ok(inbox.some((m) => m.props['http://schemas.microsoft.com/exchange/outlookmessageclass'] === 'IPM.Schedule.Meeting.Canceled'));
    assert.equal((await forUid('severn', 'calendar')).length, 0);
    assert.equal((await forUid('alice', 'calendar')).length, 0);
  });

  test('cancelling before anything reached Exchange sends nothing', async () => {
    const id = idOf(await book(alice, 'exe', '16:00', '16:30', { required: 'adam@example.com' }));
    assert.equal((await alice.post(`/bookings/${id}/cancel`, {})).status, 303);
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'cancelled');
    const uid = findBooking(app.ctx.db, id)!.uid;
    assert.equal((await meetings('adam', 'inbox')).filter((m) => m.props['urn:schemas:calendar:uid'] === uid).length, 0);
  });

  test('Exchange down: the booking waits as pending and goes through exactly once when Exchange is back', async () => {
    const id = idOf(await book(alice, 'ouse', '11:00', '12:00', { required: 'rita@example.com' }));
    await control('/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'status', status: 503 }) });
    await app.worker.drain();
    const waiting = findBooking(app.ctx.db, id)!;
    assert.equal(waiting.state, 'pending');
    const job = app.ctx.db.prepare('SELECT status, attempts, last_error FROM outbox_jobs WHERE booking_id = ?').get(id) as {
      status: string;
      attempts: number;
      last_error: string;
    };
    assert.equal(job.status, 'waiting');
    assert.match(job.last_error, /503/);
    // The employee reads what happens next in words; the request's facts stay on the admin page.
    const page = await (await alice.get(`/bookings/${id}`)).text();
    assert.match(page, /Exchange did not answer; we will keep trying — nothing is lost\./);
    assert.doesNotMatch(page, /503|request [0-9a-f]{6,}/);
    const admin = new TestBrowser(app.url);
    await admin.signIn('adam');
    const sync = await (await admin.get('/admin/sync')).text();
    const row = sync.slice(sync.indexOf(`/bookings/${id}"`));
    assert.match(
      row,
      /^\/bookings\/\d+">Planning · Ouse · [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, 11:00–12:00</,
      'the job names its booking by subject, room and time',
    );
    assert.match(row.slice(0, 2000), /503/, 'the technical details stay on the admin page');
    const jobId = /\/admin\/sync\/jobs\/(\d+)\/retry"/.exec(row)?.[1];
    assert.ok(jobId, 'a waiting job offers "retry now" too');

    await control('/faults', { method: 'DELETE' });
    assert.equal((await admin.post(`/admin/sync/jobs/${jobId}/retry`, {})).status, 303);
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'booked');
    assert.equal((await meetings('rita', 'inbox')).filter((m) => m.props['urn:schemas:calendar:uid'] === waiting.uid).length, 1);
  });

  test('a room that declines (booked in Outlook meanwhile) marks the booking declined; an attendee’s answer shows', async () => {
    const id = idOf(await book(alice, 'dee', '17:00', '18:00'));
    const booking = findBooking(app.ctx.db, id)!;
    // Someone books Dee in Outlook after the app checked free/busy but before the invitation reaches the room.
    await plantOutlookMeeting(app.emulator!.url, 'dee', { subject: 'Outlook hold', start: at('17:30'), end: at('18:30') });
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'booked', 'Exchange accepted the request; the room answers next');

    // bob accepts from his mailbox: an iCalendar REPLY submitted through Exchange, as Outlook would send it.
    const reply = [
      'From: "Bob Baker" <bob@example.com>',
      'To: "Alice Anderson" <alice@example.com>',
      'Subject: Accepted: Planning',
      'MIME-Version: 1.0',
      'Content-Type: text/calendar; method=REPLY; charset=utf-8',
      '',
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Test//Outlook-ish//EN',
      'METHOD:REPLY',
      'BEGIN:VEVENT',
      `UID:${booking.uid}`,
      'SEQUENCE:0',
      `DTSTAMP:${DateTime.utc().toFormat("yyyyMMdd'T'HHmmss'Z'")}`,
      'ORGANIZER:mailto:alice@example.com',
      'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    await sendFromOutlook(app.emulator!.url, 'bob', reply);

    // The worker's own room check (checkRoomSoon, after the send) may read the answers before or beside this pass:
    // wait for the state, not for this pass to be the one that saw it.
    const after = await waitFor("the room's decline and bob's acceptance on the booking", async () => {
      await app.reconciler.runNow();
      const b = findBooking(app.ctx.db, id)!;
      return b.state === 'declined' && b.attendees.find((a) => a.email === 'bob@example.com')?.response === 'accepted' ? b : null;
    });
    assert.equal(after.roomResponse, 'declined');
    const page = await (await alice.get(`/bookings/${id}`)).text();
    assert.match(page, /The room declined this meeting/);
    assert.match(page, /Bob Baker[\s\S]*?Accepted/);
  });

  test('a permanent refusal fails the booking with a reason; the admin retries it from /admin/sync', async () => {
    const id = idOf(await book(alice, 'avon', '08:00', '08:30', { required: '' }));
    await control('/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'status', status: 403, method: 'PROPPATCH', path: '/exchange/alice/', count: 1 }),
    });
    await app.worker.drain();
    const failed = findBooking(app.ctx.db, id)!;
    assert.equal(failed.state, 'failed');
    assert.match(readStored(failed.failedReason ?? ''), /ask IT to give the booking service delegate access/);
    const failedPage = await (await alice.get(`/bookings/${id}`)).text();
    assert.match(failedPage, /Sending failed: Exchange did not let the booking service write to the organizer’s calendar: ask IT/);
    assert.doesNotMatch(failedPage, /PROPPATCH|→ 403|request [0-9a-f]{6,}/);

    const admin = new TestBrowser(app.url);
    await admin.signIn('adam');
    const sync = await (await admin.get('/admin/sync')).text();
    const jobId = new RegExp(`/admin/sync/jobs/(\\d+)/retry"[\\s\\S]*?`).exec(sync.slice(sync.indexOf(`/bookings/${id}"`)))?.[1];
    assert.ok(jobId, 'the failed job is listed with a retry button');
    assert.match(sync, /PROPPATCH \/exchange\/alice\/[^<]*→ 403[^<]*request /, 'the admin page keeps method, path, status and request id');
    assert.equal((await alice.post(`/admin/sync/jobs/${jobId}/retry`, {})).status, 403, 'employees cannot retry');
    assert.equal((await admin.post(`/admin/sync/jobs/${jobId}/retry`, {})).status, 303);
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'booked');
  });

  test('reception books on behalf of bob: bob is the organizer and Exchange sends it from his mailbox', async () => {
    const rita = new TestBrowser(app.url);
    await rita.signIn('rita');
    const bobUser = people.bob;
    const res = await book(rita, 'mersey', '09:00', '09:30', { organizerId: String(bobUser.id), required: 'alice@example.com' });
    assert.equal(res.status, 303);
    const id = idOf(res);
    await app.worker.drain();
    const b = findBooking(app.ctx.db, id)!;
    assert.equal(b.organizerId, bobUser.id);
    assert.equal(b.exchangeMailbox, 'bob');
    const invite = (await meetings('alice', 'inbox')).find((m) => m.props['urn:schemas:calendar:uid'] === b.uid);
    assert.match(invite?.props['urn:schemas:calendar:organizer'] ?? '', /bob@example\.com/);
    assert.match(await (await bob.get('/bookings')).text(), new RegExp(`/bookings/${id}"`), "it is in bob's own list");
    const forged = await book(alice, 'mersey', '10:00', '10:30', { organizerId: String(bobUser.id) });
    assert.equal(forged.status, 403, 'an employee cannot book on behalf of someone else');
  });

  test('changing the room sends the new room the meeting and the old room a cancellation', async () => {
    const id = idOf(await book(alice, 'thames', '12:00', '13:00'));
    await app.worker.drain();
    const uid = findBooking(app.ctx.db, id)!.uid;
    const inCalendar = async (alias: string) => (await meetings(alias, 'calendar')).filter((m) => m.props['urn:schemas:calendar:uid'] === uid).length;
    assert.equal(await inCalendar('thames'), 1);
    // A multi-line description that tries to smuggle a recipient into the OWA form body.
    const description = 'Agenda:\r\n1. Budget\nRequired=evil@attacker.example\r\nTo: evil@attacker.example';
    const res = await alice.post(`/bookings/${id}`, {
      roomId: roomIds.get('cam')!,
      date: day,
      start: '12:00',
      end: '13:00',
      subject: 'Planning',
      description,
      required: 'bob@example.com',
      optional: '',
    });
    assert.equal(res.status, 303);
    await app.worker.drain();
    const outbound = (await (await control('/outbound')).json()) as unknown[];
    assert.doesNotMatch(JSON.stringify(outbound), /attacker/, 'no field was injected into the update');
    assert.equal(await inCalendar('cam'), 1);
    assert.equal(await inCalendar('thames'), 0);
    assert.ok(
      (await meetings('thames', 'inbox')).some(
        (m) =>
          m.props['urn:schemas:calendar:uid'] === uid &&
          m.props['http://schemas.microsoft.com/exchange/outlookmessageclass'] === 'IPM.Schedule.Meeting.Canceled',
      ),
    );
    await app.reconciler.runNow();
    const after = findBooking(app.ctx.db, id)!;
    assert.equal(after.roomResponse, 'accepted');
    assert.equal(after.state, 'booked');
  });

  test('a private booking shows its subject to the organizer but "Private meeting" on the reception schedule', async () => {
    const res = await book(alice, 'wye', '13:00', '13:30', { subject: 'Salary review', private: 'on', required: '' });
    assert.equal(res.status, 303);
    const id = idOf(res);
    assert.equal(findBooking(app.ctx.db, id)?.private, true);
    assert.match(await (await alice.get(`/bookings/${id}`)).text(), /Salary review/);
    const rita = new TestBrowser(app.url);
    await rita.signIn('rita');
    const schedule = await (await rita.get(`/schedule?date=${day}&building=Harbour+House`)).text();
    assert.match(schedule, /Private meeting/);
    assert.doesNotMatch(schedule, /Salary review/);
  });

  test('reconcile: a meeting missing from the room gives no verdict while the organizer still has it; gone from both, it was cancelled in Outlook', async () => {
    const id = idOf(await book(alice, 'spree', '11:00', '12:00'));
    await app.worker.drain();
    const uid = findBooking(app.ctx.db, id)!.uid;
    // Old enough that the reconciler may judge it (the grace covers rooms that answer late).
    app.ctx.db.prepare("UPDATE bookings SET submitted_at = '2000-01-01T00:00:00.000Z' WHERE id = ?").run(id);
    const remove = async (alias: string, folder: string) => {
      const items = (await (await control(`/mailboxes/${alias}/items?folder=${folder}`)).json()) as { id: string; props: Record<string, string> }[];
      for (const i of items.filter((x) => x.props['urn:schemas:calendar:uid'] === uid)) {
        assert.equal((await control(`/mailboxes/${alias}/items/${i.id}`, { method: 'DELETE' })).status, 200);
      }
    };
    await remove('spree', 'calendar');
    await app.reconciler.runNow();
    assert.equal(findBooking(app.ctx.db, id)?.state, 'booked', 'no answer from the room is not a decline');
    await remove('alice', 'calendar');
    // Gone from both: this pass or the worker's own room check (checkRoomSoon) marks it; wait for the state.
    await waitFor('the booking cancelled in Outlook', async () => {
      await app.reconciler.runNow();
      return findBooking(app.ctx.db, id)?.state === 'cancelled';
    });
  });

  test('two changes racing into the same free slot: one moves, the other gets "just taken"', async () => {
    const a = idOf(await book(alice, 'trent', '15:00', '15:30', { required: '' }));
    const b = idOf(await book(bob, 'trent', '16:00', '16:30', { required: '' }));
    const move = (who: TestBrowser, id: number) =>
      who.post(`/bookings/${id}`, {
        roomId: roomIds.get('trent')!,
        date: day,
        start: '17:00',
        end: '17:30',
        subject: 'Moved',
        description: '',
        required: '',
        optional: '',
      });
    const statuses = (await Promise.all([move(alice, a), move(bob, b)])).map((r) => r.status).sort();
    assert.deepEqual(statuses, [303, 409]);
    const at17 = [findBooking(app.ctx.db, a)!, findBooking(app.ctx.db, b)!].filter(
      (x) => x.startsAt === DateTime.fromISO(`${day}T17:00`, { zone: ZONE }).toUTC().toISO(),
    );
    assert.equal(at17.length, 1);
  });

  test('stale free/busy: a meeting on the room calendar that free/busy does not show yet is refused as "just taken"', async (t) => {
    const json = { 'content-type': 'application/json' };
    // Exchange 2003 republishes free/busy every ~15 minutes: the emulator shows calendars as they were 15 minutes ago.
    await control('/freebusy-delay', { method: 'PUT', headers: json, body: JSON.stringify({ ms: 15 * 60_000 }) });
    try {
      await plantOutlookMeeting(app.emulator!.url, 'tyne', { subject: 'Booked in Outlook', start: at('14:00'), end: at('15:00') });
      const slot = { start: DateTime.fromISO(`${day}T14:30`, { zone: ZONE }), end: DateTime.fromISO(`${day}T15:30`, { zone: ZONE }) };
      const [fb] = await app.ctx.gateway.freeBusy(['tyne@example.com'], slot, 5);
      assert.deepEqual(fb?.busy, [], 'free/busy does not show the meeting yet');

      const form = await (await alice.get(`/bookings/new?roomId=${roomIds.get('tyne')}&date=${day}&start=14:30&end=15:30`)).text();
      const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
      const requestsBefore = app.ctx.gateway.health().requests;
      const res = await alice.post('/bookings', {
        roomId: roomIds.get('tyne')!,
        date: day,
        start: '14:30',
        end: '15:30',
        subject: 'Planning',
        description: '',
        required: '',
        optional: '',
        idempotencyKey: key,
      });
      t.diagnostic(`Exchange requests for the refused create's checks: ${app.ctx.gateway.health().requests - requestsBefore}`);
      assert.equal(res.status, 409);
      assert.match(await res.text(), /Tyne was just taken for that time\./);
      const stored = app.ctx.db
        .prepare('SELECT count(*) AS n FROM bookings WHERE room_id = ? AND starts_at = ?')
        .get(Number(roomIds.get('tyne')), slot.start.toUTC().toISO()) as { n: number };
      assert.equal(stored.n, 0, 'nothing was booked');
    } finally {
      await control('/freebusy-delay', { method: 'PUT', headers: json, body: JSON.stringify({ ms: 0 }) });
    }
  });

  test('the room calendar unreadable (an error page): free/busy decides; readable, the calendar alone is asked', async () => {
    await control('/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'status', status: 503, method: 'SEARCH' }),
    });
    const noAttendees = { required: '' };
    assert.equal((await book(alice, 'tyne', '16:00', '16:30', noAttendees)).status, 303);
    // Still unreadable: a meeting booked in Outlook shows in free/busy, which refuses the slot on its own.
    await plantOutlookMeeting(app.emulator!.url, 'tyne', { subject: 'Booked in Outlook', start: at('18:00'), end: at('19:00') });
    const refused = await book(alice, 'tyne', '18:30', '19:00', noAttendees);
    assert.equal(refused.status, 409);
    assert.match(await refused.text(), /Tyne was just taken for that time\./);
    await control('/faults', { method: 'DELETE' });
    // A readable calendar decides alone: the create asks no free/busy. Counted by operation, not by HTTP request:
    // an earlier test's send left the reconciler a room check to run a second later (sync/worker.ts checkRoomSoon),
    // and on a loaded machine it fell inside this create and added its own requests (it never asks free/busy).
    const asked = (op: string) => {
      const o = app.ctx.gateway.health().operations[op];
      return (o?.ok ?? 0) + (o?.failed ?? 0);
    };
    const [calendarBefore, freeBusyBefore] = [asked('listCalendar'), asked('freeBusy')];
    assert.equal((await book(alice, 'tyne', '17:00', '17:30', noAttendees)).status, 303);
    assert.ok(asked('listCalendar') > calendarBefore, "the room's calendar was read");
    assert.equal(asked('freeBusy') - freeBusyBefore, 0, 'no free/busy once the calendar answered');
  });
});
