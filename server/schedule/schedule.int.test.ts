import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { listAuditEvents } from '../audit/repo.ts';
import { findBooking } from '../bookings/repo.ts';
import type { Clock } from '../context.ts';
import { aBooking, aRoom, aUser, demoPeople, someRooms } from '../test/factories.ts';
import { plantOutlookMeeting } from '../test/outlook.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';

const ZONE = 'Europe/London';
/** A day two days ahead; the fake clock starts at 08:00 that morning so the booking is in the future. */
const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');
const local = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: ZONE });

describe('reception schedule, displays, read API and feeds', () => {
  let app: TestApp;
  let now = local('08:00');
  const clock: Clock = { now: () => now.toUTC() };
  let alice: TestBrowser;
  let rita: TestBrowser;
  let adam: TestBrowser;
  let roomIds: Map<string, string>;
  let bookingId: number;
  let bookingUid: string;

  async function createToken(rooms: string[], showSubjects: boolean): Promise<string> {
    const res = await adam.post('/admin/displays', {
      label: `Door ${rooms.join('+')}`,
      roomIds: rooms.map((r) => roomIds.get(r)!),
      ...(showSubjects ? { showSubjects: 'on' } : {}),
    });
    assert.equal(res.status, 201);
    const secret = /id="token-secret">([^<]+)</.exec(await res.text())?.[1];
    assert.ok(secret);
    return secret;
  }
  const device = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(app.url + path, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' }, clock);
    const people = await demoPeople(app.ctx);
    // Floor 1 and floor 2 of Harbour House and a Berlin room, so the building and floor filters have something to leave out.
    const rooms = someRooms(app.ctx, {
      trent: {},
      avon: { capacity: 4 },
      severn: { capacity: 8 },
      wye: { capacity: 2 },
      dee: { floor: '2', capacity: 8 },
      spree: { building: 'Spreehaus Berlin', timeZone: 'Europe/Berlin', capacity: 8 },
    });
    roomIds = new Map([...rooms].map(([alias, r]) => [alias, String(r.id)]));
    [alice, rita, adam] = [new TestBrowser(app.url), new TestBrowser(app.url), new TestBrowser(app.url)];
    await alice.signIn('alice');
    await rita.signIn('rita');
    await adam.signIn('adam');
    const booking = await aBooking(app.ctx, {
      room: rooms.get('trent')!,
      organizer: people.alice,
      date: day,
      start: '10:00',
      end: '11:00',
      subject: 'Budget; Q1, Q2',
      required: ['bob@example.com'],
    });
    bookingId = booking.id;
    await app.worker.drain();
    bookingUid = findBooking(app.ctx.db, bookingId)!.uid;
  });
  after(async () => {
    await app.close();
  });

  test('GET /schedule is for reception: employees get 403, anonymous visitors the sign-in page', async () => {
    assert.equal((await alice.get(`/schedule?date=${day}`)).status, 403);
    const anon = await new TestBrowser(app.url).get('/schedule');
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.get('location'), '/login');
  });

  test("GET /schedule shows the booking as a block at 10:00 in Trent's row, with a bookable gap after it", async () => {
    const res = await rita.get(`/schedule?date=${day}`);
    assert.equal(res.status, 200);
    const html = await res.text();
    const row = /<li class="row" id="room-(\d+)">.*?<\/li>/s.exec(html.slice(html.indexOf(`id="room-${roomIds.get('trent')}"`) - 30))![0];
    // The window starts at 07:00, five-minute columns: 10:00 is column 37, an hour is 12 columns.
    assert.match(
      row,
      new RegExp(
        `<a class="b st-booked s-37 n-12" href="/bookings/${bookingId}"><b>10:00–11:00</b> <span>Budget; Q1, Q2</span> <i>Alice Anderson · 1 invited</i> <em>Booked</em></a>`,
      ),
    );
    const gap = `/schedule/gap/${roomIds.get('trent')}/${day}/11:00-12:00`;
    assert.match(row, new RegExp(`<a class="g s-49 n-108" href="${gap}">Free<span class="sr">: Book Trent 11:00–12:00</span></a>`));
    const form = await rita.get(gap);
    assert.equal(form.status, 303);
    assert.equal(form.headers.get('location'), `/bookings/new?roomId=${roomIds.get('trent')}&date=${day}&start=11%3A00&end=12%3A00`);
    assert.equal((await alice.get(gap)).status, 403);
    assert.match(html, /<h2 id="b0-h">Harbour House/);
    assert.match(html, /<h3>Floor 1<\/h3>/);
  });

  test('GET /schedule shows a change at once although it caches what it read (the change counter moves)', async () => {
    await rita.get(`/schedule?date=${day}`);
    const form = await (await alice.get(`/bookings/new?roomId=${roomIds.get('avon')}`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    const res = await alice.post('/bookings', {
      roomId: roomIds.get('avon')!,
      date: day,
      start: '15:00',
      end: '15:30',
      subject: 'Cache check',
      description: '',
      required: '',
      optional: '',
      idempotencyKey: key,
    });
    assert.equal(res.status, 303);
    assert.match(await (await rita.get(`/schedule?date=${day}`)).text(), /class="b st-pending[^"]*"[^>]*><b>15:00–15:30<\/b> <span>Cache check/);
    await app.worker.drain();
    assert.match(await (await rita.get(`/schedule?date=${day}`)).text(), /class="b st-booked[^"]*"[^>]*><b>15:00–15:30<\/b> <span>Cache check/);
    const id = Number(/\/bookings\/(\d+)/.exec(res.headers.get('location')!)![1]);
    await alice.post(`/bookings/${id}/cancel`, { message: '' });
    await app.worker.drain();
    assert.doesNotMatch(await (await rita.get(`/schedule?date=${day}`)).text(), /Cache check/);
  });

  test('GET /schedule shows a meeting booked in Outlook (after the reconciler saw it) as an external block', async () => {
    await plantOutlookMeeting(app.emulator!.url, 'wye', { subject: 'Board (booked in Outlook)', start: local('13:00'), end: local('14:00') });
    await app.reconciler.runNow();
    const html = await (await rita.get(`/schedule?date=${day}&floor=1`)).text();
    assert.match(
      html,
      /<div class="b st-external s-73 n-12"><b>13:00–14:00<\/b> <span>Board \(booked in Outlook\)<\/span> <i>[^<]*<\/i> <em>Outlook<\/em><\/div>/,
    );
    assert.doesNotMatch(html, /<h3>Floor 2<\/h3>/);
  });

  test('GET /schedule filters by building and floor and searches organizers and subjects', async () => {
    const berlin = await (await rita.get(`/schedule?date=${day}&building=Spreehaus+Berlin`)).text();
    assert.doesNotMatch(berlin, /Trent/);
    assert.match(berlin, /Spree/);
    const search = await (await rita.get(`/schedule?date=${day}&q=anderson`)).text();
    assert.match(search, /1 meeting match “anderson”/);
    assert.equal([...search.matchAll(/<li class="row"/g)].length, 1);
    assert.match(search, /class="b st-booked hit /);
    assert.equal((await rita.get('/schedule?date=2026-02-30')).status, 400);
    // Each query string's parse is kept (routes.ts dayQuery): asked again, each gives its own answer, a bad one too.
    assert.doesNotMatch(await (await rita.get(`/schedule?date=${day}&building=Spreehaus+Berlin`)).text(), /Trent/);
    assert.match(await (await rita.get(`/schedule?date=${day}&q=anderson`)).text(), /1 meeting match “anderson”/);
    assert.equal((await rita.get('/schedule?date=2026-02-30')).status, 400);
  });

  test('GET /schedule/print and the week view render the same booking; pages are gzipped', async () => {
    const print = await rita.get(`/schedule/print?date=${day}`);
    assert.equal(print.status, 200);
    assert.match(await print.text(), /href="\/css\/schedule-print.css" media="all"/);
    const week = await (await rita.get(`/schedule/rooms/${roomIds.get('trent')}/week?date=${day}`)).text();
    assert.match(week, /Trent: week of/);
    assert.match(week, /<b>10:00–11:00<\/b> <span>Budget; Q1, Q2<\/span>/);
    const zipped = await fetch(`${app.url}/login`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(zipped.headers.get('content-encoding'), 'gzip');
    // The day view is gzipped from a precompressed timeline plus per-request parts; it must decode to the whole page.
    for (let i = 0; i < 2; i++) {
      const dayPage = await fetch(`${app.url}/schedule?date=${day}`, {
        headers: { cookie: `roombook.sid=${rita.cookie('roombook.sid')}`, 'accept-encoding': 'gzip' },
      });
      assert.equal(dayPage.headers.get('content-encoding'), 'gzip');
      const text = await dayPage.text();
      assert.match(text, /<span>Budget; Q1, Q2<\/span>/);
      assert.match(text, /<\/html>\s*$/);
    }
  });

  test('POST /admin/displays is for admins and records the token in the audit trail without its secret', async () => {
    assert.equal((await rita.post('/admin/displays', { label: 'x', roomIds: '1' })).status, 403);
    const secret = await createToken(['trent'], true);
    const audit = listAuditEvents(app.ctx.db, { entityType: 'device_token', limit: 5, offset: 0 }).events;
    assert.equal(audit[0]?.action, 'device_token.created');
    assert.ok(!JSON.stringify(audit).includes(secret));
    const missing = await adam.post('/admin/displays', { label: 'No rooms' });
    assert.equal(missing.status, 422);
    assert.match(await missing.text(), /Choose at least one room\./);
    const unnamed = await adam.post('/admin/displays', { label: '', roomIds: [roomIds.get('trent')!, roomIds.get('avon')!] });
    assert.equal(unnamed.status, 422);
    const kept = await unnamed.text();
    assert.match(kept, new RegExp(`name="roomIds" value="${roomIds.get('trent')}" checked`), 'the chosen rooms stay ticked');
    assert.match(kept, new RegExp(`name="roomIds" value="${roomIds.get('severn')}" >`), 'the others stay unticked');
  });

  test('GET /display/:alias is busy during the meeting and free after it (fake clock and ?now=)', async () => {
    const token = await createToken(['trent'], true);
    now = local('10:30');
    const busy = await (await device(`/display/trent?token=${token}`)).text();
    assert.match(busy, /<h2 class="word" id="status-word">Busy<\/h2>\s*<p class="until">until 11:00<\/p>/);
    assert.match(busy, /Budget; Q1, Q2 · Alice Anderson/);
    const after = await (await device(`/display/trent?token=${token}&now=${encodeURIComponent(local('11:30').toISO()!)}`)).text();
    assert.match(after, /<h2 class="word" id="status-word">Free<\/h2>\s*<p class="until">for the rest of the day<\/p>/);
    now = local('08:00');
    assert.match(await (await device(`/display/trent?token=${token}`)).text(), /Free<\/h2>\s*<p class="until">until 10:00/);
  });

  test('device tokens: missing or wrong token is 401, rooms outside the token are 404', async () => {
    const token = await createToken(['trent'], true);
    assert.equal((await device('/display/trent')).status, 401);
    assert.equal((await device('/display/trent?token=rbd_nope')).status, 401);
    assert.equal((await device(`/display/severn?token=${token}`)).status, 404);
    const api = await device('/api/rooms/severn/bookings', token);
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'not_found');
  });

  test("GET /api/rooms and /api/rooms/:alias/bookings answer JSON for the token's rooms; subjects follow the token", async () => {
    const token = await createToken(['trent', 'avon'], true);
    const rooms = (await (await device('/api/rooms', token)).json()) as { rooms: { alias: string }[] };
    assert.deepEqual(rooms.rooms.map((r) => r.alias).sort(), ['avon', 'trent']);
    const res = await device(`/api/rooms/trent/bookings?date=${day}`, token);
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    const body = (await res.json()) as {
      date: string;
      bookings: { subject: string; start: string; localStart: string; organizer: string | null; source: string }[];
    };
    assert.equal(body.date, day);
    assert.equal(body.bookings.length, 1);
    assert.deepEqual(
      {
        subject: body.bookings[0]!.subject,
        start: body.bookings[0]!.start,
        localStart: body.bookings[0]!.localStart,
        organizer: body.bookings[0]!.organizer,
        source: body.bookings[0]!.source,
      },
      { subject: 'Budget; Q1, Q2', start: local('10:00').toUTC().toISO(), localStart: '10:00', organizer: 'Alice Anderson', source: 'roombook' },
    );
    const hidden = await createToken(['trent'], false);
    const private_ = (await (await device(`/api/rooms/trent/bookings?date=${day}`, hidden)).json()) as {
      bookings: { subject: string; organizer: string | null }[];
    };
    assert.deepEqual(
      private_.bookings.map((b) => [b.subject, b.organizer]),
      [['Busy', null]],
    );
    const status = (await (await device(`/api/rooms/trent/status?now=${encodeURIComponent(local('10:15').toISO()!)}`, token)).json()) as {
      busy: boolean;
      busyUntil: string;
    };
    assert.equal(status.busy, true);
    assert.equal(status.busyUntil, local('11:00').toUTC().toISO());
  });

  test('GET /feeds/rooms/:alias.ics is valid iCalendar (ical.js) with the booking in UTC; revoking stops it', async () => {
    const token = await createToken(['trent'], true);
    const res = await device(`/feeds/rooms/trent.ics?token=${token}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/calendar/);
    const cal = new ICAL.Component(ICAL.parse(await res.text()));
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const mine = events.find((e) => e.summary === 'Budget; Q1, Q2');
    assert.ok(mine, 'booking in the feed');
    assert.match(mine.uid, /^rb-.*@roombook$/);
    assert.equal(mine.uid, `${bookingUid}@roombook`);
    assert.equal(mine.startDate.toJSDate().toISOString(), local('10:00').toUTC().toISO());
    assert.equal(mine.startDate.zone?.tzid, 'UTC');

    const list = await (await adam.get('/admin/displays')).text();
    const id = [...list.matchAll(/action="\/admin\/displays\/(\d+)\/revoke"/g)].map((m) => Number(m[1])).sort((a, b) => b - a)[0]!;
    assert.equal((await adam.post(`/admin/displays/${id}/revoke`, {})).status, 303);
    assert.equal((await device(`/feeds/rooms/trent.ics?token=${token}`)).status, 401);
    const audit = listAuditEvents(app.ctx.db, { entityType: 'device_token', limit: 1, offset: 0 }).events[0];
    assert.equal(audit?.action, 'device_token.revoked');
  });
});

describe('device pages in production', () => {
  test('GET /display/:alias ignores ?now= when NODE_ENV is production', async () => {
    const fixed = DateTime.fromISO(`${day}T08:00`, { zone: ZONE });
    const app = await startTestApp({ NODE_ENV: 'production', DEMO_DATA: '0' }, { now: () => fixed.toUTC() });
    try {
      await aUser(app.ctx, { username: 'adam', role: 'admin' });
      const trent = String(aRoom(app.ctx, { alias: 'trent' }).id);
      const adam = new TestBrowser(app.url);
      await adam.signIn('adam');
      const created = await adam.post('/admin/displays', { label: 'Trent door', roomIds: trent });
      const token = /id="token-secret">([^<]+)</.exec(await created.text())![1]!;
      const page = await (await fetch(`${app.url}/display/trent?token=${token}&now=${encodeURIComponent(`${day}T23:59:00Z`)}`)).text();
      // The app's clock (08:00) wins: the clock shows it and the parameter changes nothing.
      assert.match(page, /<time id="clock"[^>]*>08:00<\/time>/);
    } finally {
      await app.close();
    }
  });
});
