// Issue 15 over HTTP: the admin sets check-in on the room form (with a building default), the organizer checks in on
// the booking page or with the signed link (only inside the window), reception marks "no check-in needed".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import type { Clock } from '../context.ts';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import { createDeviceToken } from '../schedule/tokens.ts';
import { findBooking } from '../bookings/repo.ts';
import type { Room } from '../rooms/service.ts';
import { aBooking, aRoom, demoPeople } from '../test/factories.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import * as repo from './repo.ts';
import { checkinLinkPath, buildingDefault, settingsForRoom } from './service.ts';

const ZONE = 'Europe/London';
let offsetMs = 0;
const clock: Clock = { now: () => DateTime.utc().plus({ milliseconds: offsetMs }) };

describe('check-in pages', () => {
  let app: TestApp;
  let people: Awaited<ReturnType<typeof demoPeople>>;
  let room: Room;
  let alice: TestBrowser;
  let bob: TestBrowser;
  let rita: TestBrowser;
  let adam: TestBrowser;
  const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');
  const moveClockTo = (local: string) => {
    offsetMs = DateTime.fromISO(`${day}T${local}`, { zone: ZONE }).toMillis() - Date.now();
  };
  const book = async (start: string, end: string) => {
    offsetMs = 0;
    const b = await aBooking(app.ctx, { room, organizer: people.alice, date: day, start, end, required: ['bob@example.com'] });
    await app.worker.drain();
    return findBooking(app.ctx.db, b.id)!;
  };

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' }, clock);
    people = await demoPeople(app.ctx);
    room = aRoom(app.ctx, { alias: 'trent', name: 'Trent', building: 'Quay' });
    for (const [name, who] of [
      ['alice', 'alice'],
      ['bob', 'bob'],
      ['rita', 'rita'],
      ['adam', 'adam'],
    ] as const) {
      const b = new TestBrowser(app.url);
      await b.signIn(who);
      if (name === 'alice') alice = b;
      else if (name === 'bob') bob = b;
      else if (name === 'rita') rita = b;
      else adam = b;
    }
  });
  after(() => app.close());

  test('the admin turns check-in on for the building and tunes one room on the room form', async () => {
    const form = await (await adam.get(`/admin/rooms/${room.id}/edit`)).text();
    assert.match(form, /id="h-checkin"/);
    assert.match(form, /no check-in/);
    let res = await adam.post(`/admin/rooms/${room.id}/checkin-building`, {
      required: 'on',
      opensBeforeMin: '5',
      closesAfterMin: '10',
      releaseAction: 'release-room',
      seriesMisses: '4',
    });
    assert.equal(res.status, 303);
    // The series rule's number (default 3) is the building's.
    assert.equal(buildingDefault(app.ctx, room.building).seriesMisses, 4);
    assert.match(await (await adam.get(`/admin/rooms/${room.id}/edit`)).text(), /name="seriesMisses"[^>]*value="4"/);
    res = await adam.post(`/admin/rooms/${room.id}/checkin`, { required: '', opensBeforeMin: '', closesAfterMin: '15', releaseAction: '' });
    assert.equal(res.status, 303);
    assert.deepEqual(settingsForRoom(app.ctx, room), { required: true, opensBeforeMin: 5, closesAfterMin: 15, releaseAction: 'release-room' });
    // A bad value changes nothing and says why.
    await adam.post(`/admin/rooms/${room.id}/checkin`, { required: 'maybe', opensBeforeMin: '', closesAfterMin: '', releaseAction: '' });
    assert.equal(settingsForRoom(app.ctx, room).closesAfterMin, 15);
    assert.match(await (await adam.get(`/admin/rooms/${room.id}/edit`)).text(), /Choose yes or no/);
    // Employees cannot.
    assert.equal((await alice.post(`/admin/rooms/${room.id}/checkin`, { required: 'no' })).status, 403);
  });

  test('the booking page: too early, then Check in now, then checked in', async () => {
    const b = await book('10:00', '11:00');
    moveClockTo('09:50');
    let page = await (await alice.get(`/bookings/${b.id}`)).text();
    assert.match(page, /Check in between <strong>09:55–10:15<\/strong>/);
    assert.match(page, /Check-in opens a few minutes before the start/);
    moveClockTo('09:56');
    page = await (await bob.get(`/bookings/${b.id}`)).text();
    assert.match(page, /Check in now/);
    assert.equal((await bob.post(`/bookings/${b.id}/checkin`, {})).status, 303);
    page = await (await alice.get(`/bookings/${b.id}`)).text();
    assert.match(page, /Checked in<\/span> at 09:56 by Bob Baker/);
    assert.equal(repo.findFacts(app.ctx.db, b.id)?.checkedInBy, 'Bob Baker');
  });

  test("the organizer's signed link works only in the window, and a forged one not at all", async () => {
    const b = await book('12:00', '13:00');
    const link = checkinLinkPath(app.ctx.config.sessionSecret, b);
    assert.match(await (await alice.get(`/bookings/${b.id}`)).text(), new RegExp(link));
    const anonymous = (path: string) => fetch(`${app.url}${path}`, { redirect: 'manual' });
    moveClockTo('11:00');
    assert.equal((await anonymous(link)).status, 409);
    moveClockTo('12:05');
    assert.equal((await anonymous(`${link.slice(0, -2)}xx`)).status, 404);
    const ok = await anonymous(link);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /You are checked in/);
    assert.equal((await anonymous(link)).status, 409, 'a second click says already checked in');
  });

  test('reception marks a booking "no check-in needed": the sweep leaves it alone', async () => {
    const b = await book('14:00', '15:00');
    assert.equal((await alice.post(`/bookings/${b.id}/checkin-exempt`, { exempt: 'on' })).status, 403);
    assert.equal((await rita.post(`/bookings/${b.id}/checkin-exempt`, { exempt: 'on' })).status, 303);
    assert.match(await (await rita.get(`/bookings/${b.id}`)).text(), /No check-in needed<\/span>/);
    moveClockTo('14:20');
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, b.id)?.state, 'booked');
  });

  test('a no-show: the organizer reads why on the booking page', async () => {
    const b = await book('16:00', '17:00');
    moveClockTo('16:15');
    await app.worker.drain();
    const page = await (await alice.get(`/bookings/${b.id}`)).text();
    assert.match(page, /The room was released: nobody checked in by 16:15\./);
  });

  test('the timeline shows checked-in and released meetings; the report has real used hours and no-shows', async () => {
    moveClockTo('18:00');
    const timeline = await (await rita.get(`/schedule?date=${day}&building=Quay`)).text();
    assert.match(timeline, /ck-checked-in/);
    assert.match(timeline, /Released: no-show/);
    const { secret } = createDeviceToken(app.ctx, SYSTEM_ACTOR, { label: 'Quay feed', roomIds: [room.id], showSubjects: true });
    const feed = await (await fetch(`${app.url}/feeds/rooms/trent.ics?token=${encodeURIComponent(secret)}`)).text();
    assert.match(feed, /Checked in/);
    assert.match(feed, /STATUS:CANCELLED/, 'the released no-show is in the feed as cancelled');
    const api = (await (await fetch(`${app.url}/api/rooms/trent/bookings?date=${day}&token=${encodeURIComponent(secret)}`)).json()) as {
      bookings: { checkin: string | null }[];
    };
    assert.ok(
      api.bookings.some((b) => b.checkin === 'checked-in'),
      'the read API says checked in',
    );
    const csv = await (await adam.get(`/reports.csv?from=${day}&to=${day}&building=Quay`)).text();
    // 10:00 (checked in 09:56: 60 min used), 12:00 (link at 12:05: 55 min), 16:00 released; 14:00 exempt = unknown.
    const row = csv.split('\n').find((l) => l.startsWith('room,') && l.includes('Trent')) ?? '';
    // ... then released_hours, rebooked_hours: the 16:00 no-show gave back 16:15–17:00 (released a moment after 16:15).
    assert.match(row, /,1\.9,33\.3,0\.[78],0\s*$/, row);
    // Released hours rebooked: the 16:00 no-show gave back 16:15–17:00; nobody took it yet, then 16:30–17:00 is booked.
    const report = async () => (await (await adam.get(`/reports?from=${day}&to=${day}&building=Quay`)).text()).match(/id="sum-rebooked">([^<]*)</)?.[1];
    // Released a moment after 16:15 (the sweep runs on the worker's pass): 0.7–0.8 h.
    assert.match((await report()) ?? '', /^0(\.0)? of 0\.[78] h \(0 %\)$/);
    await book('16:30', '17:00');
    moveClockTo('18:00');
    assert.match((await report()) ?? '', /^0\.5 of 0\.[78] h \(66\.[78] %\)$/);
    // The same per room, floor and building: Trent's line, Quay's floor line and Quay's line, on the page and in the CSV.
    const page = await (await adam.get(`/reports?from=${day}&to=${day}&building=Quay`)).text();
    for (const table of ['by-room', 'by-floor', 'by-building']) {
      const body = page.slice(page.indexOf(`id="${table}"`), page.indexOf('</table>', page.indexOf(`id="${table}"`)));
      assert.match(body, /Released hours rebooked/, table);
      assert.match(body, /0\.5 of 0\.[78] h \(66\.[78] %\)/, table);
    }
    const after = await (await adam.get(`/reports.csv?from=${day}&to=${day}&building=Quay`)).text();
    for (const level of ['room,', 'floor,', 'building,', 'total,'])
      assert.match(after.split('\n').find((l) => l.startsWith(level) && (level !== 'room,' || l.includes('Trent'))) ?? '', /,0\.[78],0\.5\s*$/, level);
  });

  test('reception checks a meeting in from the timeline: a button per open window, CSRF-checked, back to the timeline', async () => {
    const b = await book('15:00', '16:00');
    moveClockTo('14:57');
    const path = `/schedule?date=${day}`;
    const page = await (await rita.get(path)).text();
    assert.match(page, /Check-in open now/);
    assert.match(page, new RegExp(`action="/bookings/${b.id}/checkin"`));
    assert.match(page, /Check in Trent 15:00–16:00/);
    // Without the form's token the post is refused and nothing is recorded.
    const forged = await fetch(`${app.url}/bookings/${b.id}/checkin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `roombook.sid=${rita.cookie('roombook.sid')}` },
      body: new URLSearchParams({ back: path }).toString(),
      redirect: 'manual',
    });
    assert.equal(forged.status, 403);
    assert.equal(repo.findFacts(app.ctx.db, b.id)?.checkedInAt ?? null, null);
    const res = await rita.post(`/bookings/${b.id}/checkin`, { back: path });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), path, 'back to the timeline');
    assert.ok(repo.findFacts(app.ctx.db, b.id)?.checkedInAt, 'checked in by reception');
    assert.doesNotMatch(await (await rita.get(path)).text(), new RegExp(`action="/bookings/${b.id}/checkin"`), 'no button once checked in');
    // Employees do not get the timeline at all.
    assert.equal((await alice.get(path)).status, 403);
  });

  test("the timeline's open check-ins follow the room's own date: a Budapest meeting at 00:20 is listed at 23:17 UTC", async () => {
    const danube = aRoom(app.ctx, { alias: 'danube', name: 'Danube', building: 'Quay', timeZone: 'Europe/Budapest', opensAt: '00:00', closesAt: '23:30' });
    offsetMs = 0;
    const b = await aBooking(app.ctx, { room: danube, organizer: people.alice, date: day, start: '00:20', end: '01:00' });
    await app.worker.drain();
    // 00:17 in Budapest is 23:17 UTC on the day before: the UTC date is not the one the desk is looking at.
    offsetMs = DateTime.fromISO(`${day}T00:17`, { zone: 'Europe/Budapest' }).toMillis() - Date.now();
    assert.notEqual(clock.now().toISODate(), day, 'the UTC date is the day before');
    const page = await (await rita.get(`/schedule?date=${day}&building=Quay`)).text();
    assert.match(page, new RegExp(`action="/bookings/${b.id}/checkin"`), "listed on the room's today");
    assert.match(page, /Check in Danube 00:20–01:00/);
    // The day before, in Budapest terms, lists nothing: the window is open now, not then.
    const before = DateTime.fromISO(day).minus({ days: 1 }).toFormat('yyyy-MM-dd');
    assert.doesNotMatch(await (await rita.get(`/schedule?date=${before}&building=Quay`)).text(), /Check-in open now/);
    // The list is kept for the minute: with nothing changed, once the window has closed it is gone.
    offsetMs = DateTime.fromISO(`${day}T01:05`, { zone: 'Europe/Budapest' }).toMillis() - Date.now();
    assert.doesNotMatch(await (await rita.get(`/schedule?date=${day}&building=Quay`)).text(), new RegExp(`action="/bookings/${b.id}/checkin"`));
  });
});
