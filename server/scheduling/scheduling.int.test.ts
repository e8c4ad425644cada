import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { listMyBookings } from '../bookings/service.ts';
import { aBooking, aRoom, demoPeople } from '../test/factories.ts';
import { plantOutlookMeeting } from '../test/outlook.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import type { User } from '../users/service.ts';

// A Monday at least three days ahead, so "now" never cuts into the searched days.
const monday = (() => {
  let d = DateTime.now().setZone('Europe/London').plus({ days: 3 }).startOf('day');
  while (d.weekday !== 1) d = d.plus({ days: 1 });
  return d;
})();
const PEOPLE = Array.from({ length: 18 }, (_, i) => `sched-p${i}`);
const ROOMS = Array.from({ length: 50 }, (_, i) => `sched-r${i}`);

async function control(app: TestApp, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${app.emulator!.url}/_emulator${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status}`);
  return res.json();
}

const hidden = (form: string) =>
  Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replaceAll('&#10;', '\n')]));

describe('find a time: people and rooms together', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let people: Record<'alice' | 'bob' | 'rita' | 'adam', User>;
  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    people = await demoPeople(app.ctx);
    // 18 more people and 50 rooms in the emulator's organisation, so one search asks 20 people + 50 rooms.
    const org = (await control(app, 'GET', '/org')) as { mailboxes: Record<string, unknown>[] };
    const extra = [
      ...PEOPLE.map((alias) => ({
        alias,
        smtp: `${alias}@example.com`,
        displayName: alias,
        kind: 'user',
        password: 'demo',
        locale: 'en',
        timeZone: 'Europe/London',
      })),
      ...ROOMS.map((alias) => ({ alias, smtp: `${alias}@example.com`, displayName: alias, kind: 'room', autoAccept: true })),
    ];
    await control(app, 'PUT', '/org', { ...org, mailboxes: [...org.mailboxes, ...extra] });
    // Capacities 4..53: the 4-seat sched-r0 is the closest fit for three people.
    ROOMS.forEach((alias, i) => aRoom(app.ctx, { alias, capacity: 4 + i, building: 'Harbour House' }));
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    // bob (required) is busy Monday morning; rita (optional) at noon.
    await plantOutlookMeeting(app.emulator!.url, 'bob', { subject: 'Dentist', start: monday.set({ hour: 9 }), end: monday.set({ hour: 12 }) });
    await plantOutlookMeeting(app.emulator!.url, 'rita', { subject: 'Lunch', start: monday.set({ hour: 12 }), end: monday.set({ hour: 13 }) });
  });
  after(async () => {
    await app.close();
  });

  test('20 people and 50 rooms for five working days cost one free/busy request, people shown beside rooms', async () => {
    const required = ['bob@example.com', ...PEOPLE.map((p) => `${p}@example.com`)].join(',');
    // The gateway's first request of a run signs in to OWA first (forms login): not part of the search's cost.
    await alice.get('/find-time?required=bob@example.com&duration=30');
    const before = app.ctx.gateway.health().requests;
    const res = await alice.get(
      `/find-time?required=${encodeURIComponent(required)}&optional=rita@example.com&duration=60&people=3&from=${monday.toISODate()}`,
    );
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.equal(app.ctx.gateway.health().requests - before, 1, 'one Cmd=freebusy for people and rooms together');
    const rows = [...html.matchAll(/<div class="sched-row( sched-room)?">/g)];
    assert.equal(rows.filter((r) => !r[1]).length, 21, 'alice, bob, 18 colleagues and rita');
    assert.ok(
      rows.some((r) => r[1]),
      'candidate rooms beside them',
    );
    assert.match(html, /Bob Baker \(bob@example.com\) <span class="muted">· Required · Works 09:00–17:00 United Kingdom Time/);
    assert.match(html, /aria-label="Bob Baker \(bob@example.com\): busy at 09:00, 09:30, 10:00, 10:30, 11:00, 11:30"/);
  });

  test('the best time: every required attendee free and at work, optional attendees free, the closest room', async () => {
    const html = await (await alice.get(`/find-time?required=bob@example.com&optional=rita@example.com&duration=60&from=${monday.toISODate()}`)).text();
    const times = [...html.matchAll(/<h3>(\w{3} \d+ \w{3}), (\d\d:\d\d)–(\d\d:\d\d)/g)].map((m) => `${m[1]} ${m[2]}`);
    const d = monday.toFormat('ccc d LLL');
    // 09:00–12:00 bob is busy; 12:00 rita is; 13:00–17:00 everyone is free. Then Tuesday from nine.
    assert.deepEqual(times.slice(0, 5), [`${d} 13:00`, `${d} 14:00`, `${d} 15:00`, `${d} 16:00`, `${monday.plus({ days: 1 }).toFormat('ccc d LLL')} 09:00`]);
    assert.match(html, /Sched-r0 \(4 people/);
    assert.doesNotMatch(html, /name="subject"[^>]*type="hidden"/, 'without a subject, Book opens the form');
  });

  test('with a subject, Book books the proposed time in one click with the attendees', async () => {
    const html = await (
      await alice.get(`/find-time?required=bob@example.com&optional=rita@example.com&duration=30&subject=Plan+Q1&from=${monday.toISODate()}`)
    ).text();
    const form = /<form method="post" action="\/bookings">([\s\S]*?)<\/form>/.exec(html)?.[1];
    assert.ok(form, 'a Book form');
    const fields = hidden(form);
    assert.equal(fields.start, '13:00');
    const res = await alice.post('/bookings', fields);
    assert.equal(res.status, 303);
    const booking = listMyBookings(app.ctx, people.alice).upcoming.find((b) => b.subject === 'Plan Q1');
    assert.ok(booking);
    assert.deepEqual(booking.attendees.map((a) => `${a.email}:${a.role}`).sort(), ['bob@example.com:required', 'rita@example.com:optional']);
  });

  test('home is my day: my next meetings with their states; "Book a room now" opens the earliest free room, building remembered', async () => {
    const room = aRoom(app.ctx, { alias: 'sched-r49x', name: 'Homeroom', capacity: 4, building: 'Quay' });
    const soon = DateTime.now().setZone('Europe/London').plus({ days: 2 }).toFormat('yyyy-MM-dd');
    await aBooking(app.ctx, { room, organizer: people.alice, date: soon, start: '15:00', end: '15:30', subject: 'Home check' });
    await aBooking(app.ctx, { room, organizer: people.alice, date: DateTime.now().plus({ days: 20 }).toFormat('yyyy-MM-dd'), subject: 'Far away' });
    const home = await (await alice.get('/')).text();
    const next = /My next meetings[\s\S]*?<\/section>/.exec(home)?.[0] ?? '';
    assert.match(next, /Home check/);
    assert.match(next, /Sending to Exchange/);
    assert.doesNotMatch(next, /Far away/, 'only today and the next 7 days');
    const res = await alice.post('/find-time/now', { building: 'Quay', duration: '30' });
    assert.equal(res.status, 303);
    const to = new URL(res.headers.get('location')!, app.url);
    assert.equal(to.pathname, '/bookings/new');
    assert.equal(to.searchParams.get('roomId'), String(room.id));
    assert.match(await (await alice.get('/')).text(), /<option value="Quay" selected>Quay<\/option>/);
  });

  test("search across days: each room's first free afternoon slots from one free/busy request", async () => {
    const to = monday.plus({ days: 2 }).toISODate();
    const before = app.ctx.gateway.health().requests;
    const html = await (
      await alice.get(`/find-time/rooms?from=${monday.toISODate()}&to=${to}&part=afternoon&duration=60&people=3&building=Harbour+House`)
    ).text();
    assert.equal(app.ctx.gateway.health().requests - before, 1);
    assert.match(html, /50 rooms free/);
    const first = /<li class="card range-room">([\s\S]*?)<\/li>\s*<\/ul>/.exec(html)?.[1] ?? '';
    const d = monday.toFormat('ccc d LLL');
    assert.match(first, /<h3>Sched-r\d+<\/h3>/);
    assert.match(first, new RegExp(`>${d} 12:00–13:00<`), 'afternoons start at noon');
    assert.doesNotMatch(html, /Homeroom/, 'another building');
  });

  test('bad input answers 400 naming the field', async () => {
    const res = await alice.get('/find-time?required=not-an-address&duration=60');
    assert.equal(res.status, 400);
    assert.match(await res.text(), /“not-an-address” is not an e-mail address/);
  });
});
