import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { getRoom } from '../rooms/service.ts';
import { aBooking, aRoom, demoPeople } from '../test/factories.ts';
import { plantOutlookMeeting } from '../test/outlook.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import type { User } from '../users/service.ts';

const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
// A weekday at least two days ahead, so "now" never cuts into it.
const day = (() => {
  let d = DateTime.now().setZone('Europe/London').plus({ days: 2 }).startOf('day');
  while (d.weekday > 5) d = d.plus({ days: 1 });
  return d;
})();

describe('scheduling gaps (issue 16): working hours, invited meetings, people on find-a-room and the booking form', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let bob: TestBrowser;
  let people: Record<'alice' | 'bob' | 'rita' | 'adam', User>;
  let roomId: number;
  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    people = await demoPeople(app.ctx);
    // The emulator's demo organisation has these room mailboxes.
    roomId = aRoom(app.ctx, { alias: 'thames', capacity: 6, building: 'Harbour House', opensAt: '08:00', closesAt: '18:00' }).id;
    aRoom(app.ctx, { alias: 'kennet', capacity: 10, building: 'Harbour House', opensAt: '08:00', closesAt: '18:00' });
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    bob = new TestBrowser(app.url);
    await bob.signIn('bob');
  });
  after(async () => {
    await app.close();
  });

  test('working hours: the page says the defaults, saves my own zone and hours, and find a time uses them', async () => {
    const page = await (await alice.get('/find-time/hours')).text();
    assert.match(page, /You have not set your working hours/);
    assert.match(page, /name="start" type="time" value="09:00"/);
    const bad = await alice.post('/find-time/hours', { timeZone: 'Mars/Olympus', start: '17:00', end: '09:00' });
    assert.equal(bad.status, 422);
    const badHtml = await bad.text();
    assert.match(badHtml, /id="timeZone-error"/);
    assert.match(badHtml, /Choose at least one working day\./);
    const saved = await alice.post('/find-time/hours', { timeZone: 'Europe/Budapest', start: '08:00', end: '16:00', days: ['1', '2', '3', '4'] });
    assert.equal(saved.status, 303);
    const again = await (await alice.get('/find-time/hours')).text();
    assert.match(again, /Working hours saved/);
    assert.match(again, /value="Europe\/Budapest"/);
    assert.match(again, /name="days" value="4" checked/);
    assert.doesNotMatch(again, /name="days" value="5" checked/);
    const grid = await (await alice.get(`/find-time?required=bob@example.com&duration=30&from=${day.toISODate()}`)).text();
    assert.match(textOf(grid), /Alice Anderson \(alice@example\.com\) · Required · Works 08:00–16:00 Central European Time/);
  });

  test('find-a-room with attendees: me and them as rows beside the rooms, from one free/busy request for people and rooms', async () => {
    const at = (h: number) => day.set({ hour: h });
    await plantOutlookMeeting(app.emulator!.url, 'bob', { subject: 'Dentist', start: at(10), end: at(12) });
    const q = (extra: Record<string, string>) =>
      `/find?${new URLSearchParams({ date: day.toISODate()!, start: '10:00', end: '11:00', building: 'Harbour House', ...extra })}`;
    // The gateway's first request of a run signs in to OWA first (forms login): not part of the search's cost.
    await alice.get(q({}));
    const before = app.ctx.gateway.health().requests;
    const res = await alice.get(q({ attendees: 'bob@example.com, rita@example.com' }));
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.equal(app.ctx.gateway.health().requests - before, 1, 'one Cmd=freebusy for the people and the rooms together');
    const text = textOf(html);
    assert.match(text, /Who is free that day/);
    assert.match(text, /Alice Anderson \(alice@example\.com\) · Works 08:00–16:00 Europe\/Budapest/, 'the searcher, with the hours she saved');
    assert.match(text, /Bob Baker \(bob@example\.com\) · Works 09:00–17:00 Europe\/London/, 'bob has the default hours');
    assert.match(html, /aria-label="Bob Baker \(bob@example\.com\): busy at 10:00, 10:30, 11:00, 11:30"/);
    assert.match(html, /aria-label="Rita Reyes \(rita@example\.com\): free all day"/);
    assert.match(html, /<div class="sched-row sched-room">\s*<span class="sched-name">Thames \(6\)/);
    assert.match(html, /class="cell busy in-slot"/, 'the asked time is outlined where bob is busy');
    // Without attendees the page is as it was: no rows.
    assert.doesNotMatch(await (await alice.get(q({}))).text(), /Who is free that day/);
    // A bad address is a field error, not a search.
    const bad = await alice.get(q({ attendees: 'not-an-address' }));
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /id="attendees-error"/);
  });

  test('the booking form has the panel; its rows come from one free/busy request, the chosen room first', async () => {
    const form = await (await alice.get(`/bookings/new?roomId=${roomId}&date=${day.toISODate()}`)).text();
    assert.match(form, /data-form-freebusy hidden/);
    assert.match(form, /<script src="\/js\/form-freebusy\.js" defer>/);
    const q = new URLSearchParams({
      date: day.toISODate()!,
      roomId: String(roomId),
      start: '10:00',
      end: '11:00',
      required: 'bob@example.com',
      optional: 'rita@example.com',
    });
    await alice.get(`/find-time/rows?${q}`);
    const before = app.ctx.gateway.health().requests;
    const res = await alice.get(`/find-time/rows?${q}`);
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.equal(app.ctx.gateway.health().requests - before, 1, 'one Cmd=freebusy for people and rooms together');
    assert.doesNotMatch(html, /<html/, 'a fragment, not a page');
    const text = textOf(html);
    assert.match(text, /Alice Anderson \(alice@example\.com\) · Required/);
    assert.match(text, /Bob Baker \(bob@example\.com\) · Required · Works 09:00–17:00 Europe\/London/);
    assert.match(text, /Rita Reyes \(rita@example\.com\) · Optional/);
    assert.match(html, /aria-label="Bob Baker \(bob@example\.com\): busy at 10:00, 10:30, 11:00, 11:30"/);
    const roomRows = [...html.matchAll(/<div class="sched-row sched-room">\s*<span class="sched-name">([^<]+)</g)].map((m) => m[1]);
    assert.deepEqual(roomRows, ['Thames (6)', 'Kennet (10)']);
    const bad = await alice.get('/find-time/rows?date=soon');
    assert.equal(bad.status, 400);
  });

  test('home lists meetings I am invited to beside my own, with who invited me and my answer', async () => {
    const thames = getRoom(app.ctx, roomId);
    const tomorrow = DateTime.now().setZone('Europe/London').plus({ days: 1 }).toFormat('yyyy-MM-dd');
    await aBooking(app.ctx, {
      room: thames,
      organizer: people.bob,
      date: tomorrow,
      start: '10:00',
      end: '11:00',
      subject: 'Bob’s design review',
      required: ['alice@example.com'],
    });
    await aBooking(app.ctx, { room: thames, organizer: people.alice, date: tomorrow, start: '12:00', end: '13:00', subject: 'Alice’s own sync' });
    await aBooking(app.ctx, { room: thames, organizer: people.bob, date: tomorrow, start: '14:00', end: '15:00', subject: 'Bob alone' });
    const home = textOf(await (await alice.get('/')).text());
    assert.match(home, /Bob’s design review .*Invited by Bob Baker · your answer: No answer yet/);
    assert.match(home, /Alice’s own sync/);
    assert.doesNotMatch(home, /Bob alone/);
    assert.ok(home.indexOf('Bob’s design review') < home.indexOf('Alice’s own sync'), 'in time order');
  });
});
