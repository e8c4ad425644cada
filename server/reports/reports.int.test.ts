import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import { insertBooking, replaceExternalBookings } from '../bookings/repo.ts';
import type { Clock } from '../context.ts';
import { createRoom } from '../rooms/service.ts';
import { buildReport, computeReportFromBookings } from './service.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';

const ZONE = 'Europe/London';
const BUILDING = 'Report House';
const local = (date: string, hhmm: string) => DateTime.fromISO(`${date}T${hhmm}`, { zone: ZONE }).toUTC().toISO()!;
const QUERY = `from=2026-10-01&to=2026-10-31&building=${encodeURIComponent(BUILDING)}`;

/**
 * October 2026 (31 days, British Summer Time ends on Sunday the 25th) in two rooms of their own building:
 * Kelvin (8 seats, 08:00–18:00) is booked 10:00–12:00 for two people on each of the 22 weekdays, plus one cancelled
 * booking; "=Clyde" (4 seats, 09:00–17:00; its name is a formula) has one Outlook meeting, 1 hour, on Monday the 26th.
 * Known answers: Kelvin 44 of 310 h (14.2 %), Clyde 1 of 248 h (0.4 %), together 45 of 558 h (8.1 %), 23 bookings.
 */
describe('utilisation report over HTTP', () => {
  const clock: Clock = { now: () => DateTime.fromISO('2026-11-15T12:00:00Z', { zone: 'utc' }) };
  let app: TestApp;
  let alice: TestBrowser;
  let rita: TestBrowser;
  let adam: TestBrowser;

  before(async () => {
    app = await startTestApp({}, clock);
    const ctx = app.ctx;
    const room = (name: string, alias: string, floor: string, capacity: number, opensAt: string, closesAt: string) =>
      createRoom(ctx, SYSTEM_ACTOR, {
        name,
        alias,
        email: `${alias}@example.com`,
        capacity,
        building: BUILDING,
        floor,
        timeZone: ZONE,
        opensAt,
        closesAt,
        maxDurationMinutes: 240,
        horizonDays: 180,
        active: true,
        equipment: [],
      });
    const kelvin = room('Kelvin', 'kelvin', '1', 8, '08:00', '18:00');
    const clyde = room('=Clyde', 'clyde', '2', 4, '09:00', '17:00');
    const organizerId = (ctx.db.prepare("SELECT id FROM users WHERE username = 'alice'").get() as { id: number }).id;
    const book = (roomId: number, date: string, start: string, end: string, state: string) => {
      const uid = `rb-${randomBytes(8).toString('hex')}`;
      const id = insertBooking(
        ctx.db,
        {
          uid,
          idempotencyKey: randomBytes(12).toString('hex'),
          roomId,
          organizerId,
          createdById: organizerId,
          subject: 'Stand-up',
          description: '',
          private: false,
          startsAt: local(date, start),
          endsAt: local(date, end),
          at: '2026-09-01T00:00:00.000Z',
        },
        [{ email: 'bob@example.com', name: 'Bob', role: 'required' }],
      );
      ctx.db.prepare('UPDATE bookings SET state = ? WHERE id = ?').run(state, id);
      return uid;
    };
    let firstUid = '';
    for (let d = DateTime.fromISO('2026-10-01'); d.month === 10; d = d.plus({ days: 1 })) {
      if (d.weekday > 5) continue;
      const uid = book(kelvin.id, d.toISODate()!, '10:00', '12:00', 'booked');
      firstUid ||= uid;
    }
    book(kelvin.id, '2026-10-06', '14:00', '16:00', 'cancelled');
    // The reconciler's copy of an app booking (same uid) must not count twice; the Outlook meeting counts once.
    replaceExternalBookings(
      ctx.db,
      kelvin.id,
      '2026-10-01T00:00:00.000Z',
      '2026-10-02T00:00:00.000Z',
      [{ uid: firstUid, subject: 'Stand-up', organizer: 'alice@example.com', startsAt: local('2026-10-01', '10:00'), endsAt: local('2026-10-01', '12:00') }],
      '2026-10-01T00:00:00.000Z',
    );
    replaceExternalBookings(
      ctx.db,
      clyde.id,
      '2026-10-26T00:00:00.000Z',
      '2026-10-27T00:00:00.000Z',
      [{ uid: 'outlook-1', subject: 'Planning', organizer: 'carol@example.com', startsAt: local('2026-10-26', '14:00'), endsAt: local('2026-10-26', '15:00') }],
      '2026-10-26T00:00:00.000Z',
    );

    [alice, rita, adam] = [new TestBrowser(app.url), new TestBrowser(app.url), new TestBrowser(app.url)];
    await alice.signIn('alice');
    await rita.signIn('rita');
    await adam.signIn('adam');
  });
  after(async () => {
    await app.close();
  });

  test('employees get 403, anonymous visitors the sign-in page; reception and admins see the report and the nav link', async () => {
    assert.equal((await alice.get(`/reports?${QUERY}`)).status, 403);
    assert.equal((await alice.get(`/reports.csv?${QUERY}`)).status, 403);
    assert.doesNotMatch(await (await alice.get('/')).text(), /href="\/reports"/);
    const anon = await new TestBrowser(app.url).get('/reports');
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.get('location'), '/login');
    assert.equal((await rita.get(`/reports?${QUERY}`)).status, 200);
    assert.equal((await adam.get('/reports')).status, 200);
    assert.match(await (await rita.get('/')).text(), /href="\/reports"/);
  });

  test('the page shows the seeded month’s numbers in its tables, charts with title and desc, and no inline style', async () => {
    const res = await rita.get(`/reports?${QUERY}`);
    const html = await res.text();
    assert.match(html, /<dd id="sum-booked">45\.0<\/dd>/);
    assert.match(html, /<dd id="sum-bookable">558\.0<\/dd>/);
    assert.match(html, /<dd id="sum-util">8\.1 %<\/dd>/);
    assert.match(html, /<dd id="sum-bookings">23<\/dd>/);
    const rooms = html.slice(html.indexOf('id="by-room"'));
    assert.match(
      rooms,
      /<th scope="row">Kelvin \(Report House, floor 1\)<\/th>\s*<td class="num">8<\/td>\s*<td class="num">22<\/td>\s*<td class="num">44\.0<\/td>\s*<td class="num">310\.0<\/td>\s*<td class="num">14\.2 %<\/td>\s*<td class="num">unknown — check-in is off<\/td>\s*<td class="num">unknown — check-in is off<\/td>/,
    );
    assert.match(
      rooms,
      /<th scope="row">=Clyde \(Report House, floor 2\)<\/th>\s*<td class="num">4<\/td>\s*<td class="num">1<\/td>\s*<td class="num">1\.0<\/td>\s*<td class="num">248\.0<\/td>\s*<td class="num">0\.4 %<\/td>/,
    );
    assert.match(html, /8-seat rooms booked for 2 people 100 % of the time\./);
    // Monday 10:00 London: Kelvin booked on all four Mondays, Clyde never: half the room time.
    const heat = html.slice(html.indexOf('id="heat-table"'));
    const monday = /<tr><th scope="row">Mon<\/th>(.*?)<\/tr>/s.exec(heat)![1]!;
    assert.equal([...monday.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1])[10], '50');
    assert.match(
      html,
      /<svg [^>]*role="img"[^>]*aria-labelledby="heat-t heat-d"><title id="heat-t">Peak hours, Report House, 2026-10-01 to 2026-10-31<\/title><desc id="heat-d">/,
    );
    assert.match(html, /id="check-in-note"/);
    assert.doesNotMatch(html, /style=|<script(?! src=)/);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /style-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
  });

  test('the CSV has the same numbers, quoted and formula-safe', async () => {
    const res = await adam.get(`/reports.csv?${QUERY}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/csv; charset=utf-8/);
    assert.match(res.headers.get('content-disposition')!, /attachment; filename="utilisation-2026-10-01-to-2026-10-31\.csv"/);
    const csv = (await res.text()).replace(/^\uFEFF/, '');
    const lines = csv.split('\r\n');
    assert.ok(
      lines.includes(
        'level,building,floor,room,capacity,bookings,booked_hours,bookable_hours,utilisation_pct,used_hours,no_show_pct,released_hours,rebooked_hours',
      ),
    );
    assert.ok(lines.includes('total,All buildings,,,,23,45,558,8.1,,,0,0'));
    assert.ok(lines.includes('building,Report House,,,,23,45,558,8.1,,,0,0'));
    assert.ok(lines.includes('room,Report House,1,Kelvin,8,22,44,310,14.2,,,0,0'));
    assert.ok(lines.includes("room,Report House,2,'=Clyde,4,1,1,248,0.4,,,0,0"), csv);
    assert.equal(lines.find((l) => l.startsWith('Mon,'))!.split(',')[11], '50');
    assert.ok(lines.includes('8,1,22,2,100,25'));
  });

  test('in Hungarian: decimal commas and percent signs through Intl; the CSV keeps its codes and numbers', async () => {
    const hu = new TestBrowser(app.url);
    hu.sendHeaders['accept-language'] = 'hu';
    await hu.signIn('rita');
    const html = await (await hu.get(`/reports?${QUERY}`)).text();
    assert.match(html, /<dd id="sum-booked">45,0<\/dd>/);
    assert.match(html, /<dd id="sum-util">8,1%<\/dd>/);
    const rooms = html.slice(html.indexOf('id="by-room"'));
    assert.match(rooms, /<td class="num">44,0<\/td>\s*<td class="num">310,0<\/td>\s*<td class="num">14,2%<\/td>/);
    assert.match(rooms, /<td class="num">0,4%<\/td>/);
    // The seats table and chart, and the heat map's tooltips.
    assert.match(html.slice(html.indexOf('id="seats-table"')), /<td class="num">100%<\/td><td class="num">25%<\/td>/);
    assert.match(html, /<title>[^<]* 10: 50%<\/title>/);
    // What a reader sees (text and tooltips, not the SVG's geometry): no decimal point, no English percent or words.
    const text = html.slice(html.indexOf('<main')).replace(/<[^>]*>/g, ' ');
    assert.doesNotMatch(text, /\d\.\d|\d %|no time/);
    const csv = (await (await hu.get(`/reports.csv?${QUERY}`)).text()).replace(/^\uFEFF/, '').split('\r\n');
    assert.equal(csv[0], 'Kihasználtsági jelentés,2026-10-01,2026-10-31,Report House');
    assert.equal(csv[1], 'Megjegyzés,Használt órák és meg nem jelenési arány: ismeretlen – a megérkezés jelzése ki van kapcsolva');
    assert.ok(
      csv.includes(
        'level,building,floor,room,capacity,bookings,booked_hours,bookable_hours,utilisation_pct,used_hours,no_show_pct,released_hours,rebooked_hours',
      ),
    );
    assert.ok(csv.includes('room,Report House,1,Kelvin,8,22,44,310,14.2,,,0,0'));
    assert.ok(csv.includes('total,Minden épület,,,,23,45,558,8.1,,,0,0'));
  });

  test('bad input gets a 400 naming the field', async () => {
    const res = await rita.get('/reports?from=2026-13-01');
    assert.equal(res.status, 400);
    assert.match(await res.text(), /From must look like 2026-11-24\.|From is not a date/);
    const json = await fetch(`${app.url}/reports.csv?from=2026-10-31&to=2026-10-01`, {
      headers: { accept: 'application/json', cookie: `roombook.sid=${rita.cookie('roombook.sid')}` },
    });
    assert.equal(json.status, 400);
    const body = (await json.json()) as { error: { fields: Record<string, string> } };
    assert.equal(body.error.fields.to, 'To must be on or after From.');
  });

  test('a report is kept until any booking changes, then computed afresh', () => {
    const request = { period: { from: '2026-10-01', to: '2026-10-31' }, building: BUILDING };
    const first = buildReport(app.ctx, request);
    assert.equal(buildReport(app.ctx, request), first, 'nothing changed: the same report');
    const bookings = first.report.total.bookings;
    const clyde = app.ctx.db.prepare("SELECT id FROM rooms WHERE name = '=Clyde'").get() as { id: number };
    const organizerId = (app.ctx.db.prepare("SELECT id FROM users WHERE username = 'alice'").get() as { id: number }).id;
    const id = insertBooking(
      app.ctx.db,
      {
        uid: `rb-${randomBytes(8).toString('hex')}`,
        idempotencyKey: randomBytes(12).toString('hex'),
        roomId: clyde.id,
        organizerId,
        createdById: organizerId,
        subject: 'Late',
        description: '',
        private: false,
        startsAt: local('2026-10-30', '09:00'),
        endsAt: local('2026-10-30', '10:00'),
        at: '2026-09-01T00:00:00.000Z',
      },
      [],
    );
    const second = buildReport(app.ctx, request);
    assert.notEqual(second, first);
    assert.equal(second.report.total.bookings, bookings + 1);
    app.ctx.db.prepare("UPDATE bookings SET state = 'cancelled' WHERE id = ?").run(id);
    assert.equal(buildReport(app.ctx, request).report.total.bookings, bookings, 'a cancellation is seen at once');
  });

  test('the report sums stored room-day summaries; Outlook meetings, check-ins and attendees rebuild just their days', () => {
    const request = { period: { from: '2026-10-01', to: '2026-10-31' }, building: BUILDING };
    const ctx = app.ctx;
    const same = () => {
      const got = buildReport(ctx, request).report;
      const want = computeReportFromBookings(ctx, request).report;
      assert.deepEqual(got.total, want.total);
      assert.deepEqual(got.heat, want.heat);
      assert.deepEqual(
        got.rooms.map((r) => [r.room.id, r.bookedMs, r.bookings, r.checkInKnown, r.noShows]),
        want.rooms.map((r) => [r.room.id, r.bookedMs, r.bookings, r.checkInKnown, r.noShows]),
      );
      return got;
    };
    const rowsOf = (roomId: number) =>
      (
        ctx.db.prepare("SELECT count(*) AS n FROM report_room_days WHERE room_id = ? AND day BETWEEN '2026-10-01' AND '2026-10-31'").get(roomId) as {
          n: number;
        }
      ).n;
    const kelvin = ctx.db.prepare("SELECT id FROM rooms WHERE name = 'Kelvin'").get() as { id: number };
    const clyde = ctx.db.prepare("SELECT id FROM rooms WHERE name = '=Clyde'").get() as { id: number };
    const before = same();
    assert.equal(rowsOf(kelvin.id), 31, 'every October day of Kelvin is stored (the clock is in November)');
    // The reconciler sees an Outlook meeting on Clyde on the 14th: only Clyde's days around it are rebuilt.
    replaceExternalBookings(
      ctx.db,
      clyde.id,
      local('2026-10-14', '00:00'),
      local('2026-10-15', '00:00'),
      [
        {
          uid: 'outlook-late',
          subject: 'Outlook',
          organizer: 'someone@example.com',
          startsAt: local('2026-10-14', '13:00'),
          endsAt: local('2026-10-14', '15:00'),
        },
      ],
      '2026-11-15T12:00:00.000Z',
    );
    assert.ok(rowsOf(clyde.id) < 31 && rowsOf(clyde.id) >= 27, `Clyde keeps its other days (${rowsOf(clyde.id)})`);
    assert.equal(rowsOf(kelvin.id), 31, 'Kelvin untouched');
    const afterOutlook = same();
    assert.equal(afterOutlook.total.bookedMs, before.total.bookedMs + 2 * 3_600_000);
    assert.equal(rowsOf(clyde.id), 31, 'rebuilt and stored again');
    // A check-in fact and an attendee on one of Kelvin's bookings rebuild Kelvin's days around it.
    const b = ctx.db.prepare("SELECT id FROM bookings WHERE room_id = ? AND state = 'booked' ORDER BY starts_at LIMIT 1").get(kelvin.id) as { id: number };
    ctx.db.prepare("INSERT INTO booking_checkins (booking_id, exempt, exempt_by) VALUES (?, 1, 'rita')").run(b.id);
    assert.ok(rowsOf(kelvin.id) < 31);
    same();
    ctx.db.prepare("INSERT INTO booking_attendees (booking_id, email, name, role) VALUES (?, 'extra@example.com', NULL, 'required')").run(b.id);
    assert.ok(rowsOf(kelvin.id) < 31);
    const withExtra = same();
    assert.notDeepEqual(withExtra.seats, before.seats, 'one more person in a booking');
  });
});
