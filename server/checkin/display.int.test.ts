// Issue 15: door-display actions over HTTP with a device token: book now, extend, end early, check in. Each goes to
// Exchange through the outbox (checked in the room's calendar in the emulator) and is audited with the token's name.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import type { Clock } from '../context.ts';
import { findBooking } from '../bookings/repo.ts';
import { cancelBooking } from '../bookings/service.ts';
import type { Room } from '../rooms/service.ts';
import { createDeviceToken } from '../schedule/tokens.ts';
import { aBooking, aRoom, demoPeople } from '../test/factories.ts';
import { mailboxItems, startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { saveDisplaySettings } from './display.ts';
import * as repo from './repo.ts';
import { saveRoomChoice } from './service.ts';

const ZONE = 'Europe/London';
let offsetMs = 0;
const clock: Clock = { now: () => DateTime.utc().plus({ milliseconds: offsetMs }) };
const UID = 'urn:schemas:calendar:uid';

describe('door-display actions', () => {
  let app: TestApp;
  let room: Room;
  let people: Awaited<ReturnType<typeof demoPeople>>;
  let secret: string;
  let readOnly: string;
  const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');
  const at = (local: string) => DateTime.fromISO(`${day}T${local}`, { zone: ZONE });
  const moveClockTo = (local: string) => {
    offsetMs = at(local).toMillis() - Date.now();
  };
  const display = async (token = secret) => (await fetch(`${app.url}/display/trent?token=${encodeURIComponent(token)}`)).text();
  /** Presses a button the display shows: posts that button's form as the kiosk browser would. */
  async function press(label: string, token = secret): Promise<Response> {
    const page = await display(token);
    const forms = [...page.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)];
    const form = forms.find((f) => f[2]!.includes(`>${label}</button>`));
    assert.ok(form, `the display shows “${label}”`);
    const fields = Object.fromEntries([...form[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const action = form[1]!.replace(/&amp;/g, '&');
    return fetch(`${app.url}${action}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  }
  const roomItem = async (uid: string) => (await mailboxItems(app, 'trent', 'calendar')).find((m) => m.props[UID] === uid);
  const endOf = (props: Record<string, string> | undefined) => props && DateTime.fromISO(props['urn:schemas:calendar:dtend']!).toUTC().toISO();

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' }, clock);
    people = await demoPeople(app.ctx);
    room = aRoom(app.ctx, { alias: 'trent', name: 'Trent' });
    saveRoomChoice(app.ctx, SYSTEM_ACTOR, room.id, { required: true });
    const door = createDeviceToken(app.ctx, SYSTEM_ACTOR, { label: 'Trent door', roomIds: [room.id], showSubjects: true });
    secret = door.secret;
    saveDisplaySettings(app.ctx, SYSTEM_ACTOR, door.token.id, { canAct: true, walkinUserId: people.bob.id });
    readOnly = createDeviceToken(app.ctx, SYSTEM_ACTOR, { label: 'Corridor', roomIds: [room.id], showSubjects: false }).secret;
  });
  after(() => app.close());

  test('a read-only token shows no buttons and cannot act', async () => {
    moveClockTo('09:00');
    assert.doesNotMatch(await display(readOnly), /class="touch/);
    assert.match(await display(), /Book now/);
    const res = await fetch(`${app.url}/display/trent/act?token=${encodeURIComponent(secret)}`, {
      method: 'POST',
      body: new URLSearchParams({ action: 'book', minutes: '30' }),
      redirect: 'manual',
    });
    assert.equal(res.status, 403, 'no token-bound form secret, no action');
  });

  test('book now (up to the next meeting), extend, end early: each reaches the room calendar', async () => {
    const next = await aBooking(app.ctx, { room, organizer: people.alice, date: day, start: '10:00', end: '11:00' });
    moveClockTo('09:20');
    const page = await display();
    assert.match(page, />30 min</);
    assert.doesNotMatch(page, />45 min</, 'not past the 10:00 meeting');

    assert.equal((await press('30 min')).status, 303);
    const walkIn = app.ctx.db.prepare("SELECT id FROM bookings WHERE subject = 'Walk-in meeting'").get() as { id: number };
    let b = findBooking(app.ctx.db, walkIn.id)!;
    assert.equal(b.organizerId, people.bob.id);
    assert.equal(b.startsAt, at('09:20').toUTC().toISO());
    assert.equal(b.endsAt, at('09:50').toUTC().toISO());
    assert.ok(repo.findFacts(app.ctx.db, b.id)?.checkedInAt, 'booked at the door = in use');
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, b.id)?.state, 'booked');
    assert.equal(endOf((await roomItem(b.uid))?.props), at('09:50').toUTC().toISO());

    moveClockTo('09:30');
    assert.doesNotMatch(await display(), />\+30 min</, 'only 10 minutes are free before the 10:00 meeting');
    // The 10:00 meeting is called off: now the walk-in meeting can run longer.
    cancelBooking(app.ctx, people.alice, next.id, undefined);
    await app.worker.drain();
    assert.equal((await press('+15 min')).status, 303);
    b = findBooking(app.ctx.db, b.id)!;
    assert.equal(b.endsAt, at('10:05').toUTC().toISO());
    await app.worker.drain();
    assert.equal(endOf((await roomItem(b.uid))?.props), at('10:05').toUTC().toISO(), 'Exchange has the longer meeting');

    moveClockTo('09:40:30');
    assert.equal((await press('End meeting now')).status, 303);
    b = findBooking(app.ctx.db, b.id)!;
    assert.equal(b.endsAt, at('09:40:30').toUTC().toISO());
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, b.id)?.state, 'booked');
    assert.equal(endOf((await roomItem(b.uid))?.props), at('09:40:30').toUTC().toISO(), 'Exchange has the shortened meeting');

    const actors = app.ctx.db.prepare("SELECT DISTINCT actor_name FROM audit_events WHERE entity_type = 'booking' AND entity_id = ?").all(String(b.id)) as {
      actor_name: string;
    }[];
    assert.deepEqual(actors.map((a) => a.actor_name).sort(), ['display: Trent door']);
  });

  test('check in at the door during the window, shown as checked in', async () => {
    offsetMs = 0;
    const b = await aBooking(app.ctx, { room, organizer: people.alice, date: day, start: '15:00', end: '16:00' });
    await app.worker.drain();
    moveClockTo('14:56');
    assert.equal((await press('Check in')).status, 303);
    assert.equal(repo.findFacts(app.ctx.db, b.id)?.checkedInBy, 'Trent door');
    moveClockTo('15:20');
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, b.id)?.state, 'booked', 'checked in: not released');
    assert.doesNotMatch(await display(), />Check in</);
  });

  test('book now for a named person chosen on the display from the admin’s list', async () => {
    const lobby = aRoom(app.ctx, { alias: 'lobby', name: 'Lobby' });
    const door = createDeviceToken(app.ctx, SYSTEM_ACTOR, { label: 'Lobby door', roomIds: [lobby.id], showSubjects: true });
    saveDisplaySettings(app.ctx, SYSTEM_ACTOR, door.token.id, { canAct: true, walkinUserId: null, peopleIds: [people.alice.id, people.rita.id] });
    moveClockTo('16:00');
    const url = `${app.url}/display/lobby?token=${encodeURIComponent(door.secret)}`;
    const page = await (await fetch(url)).text();
    assert.match(page, /<label for="book-person">Book now for<\/label>/);
    assert.match(page, /<option value="\d+">Alice Anderson<\/option>/);
    assert.doesNotMatch(page, /Bob Baker/, 'only the listed people');
    const form = /<form method="post" action="([^"]+)">([\s\S]*?id="book-person"[\s\S]*?)<\/form>/.exec(page)!;
    const hidden = Object.fromEntries([...form[2]!.matchAll(/type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const post = (fields: Record<string, string>) =>
      fetch(`${app.url}${form[1]!.replace(/&amp;/g, '&')}`, { method: 'POST', body: new URLSearchParams({ ...hidden, ...fields }), redirect: 'manual' });
    // Someone not on the list is refused, whatever the form says.
    const refused = await post({ personId: String(people.bob.id), minutes: '30' });
    assert.match(refused.headers.get('location') ?? '', /said=refused/);
    const ok = await post({ personId: String(people.rita.id), minutes: '30' });
    assert.match(ok.headers.get('location') ?? '', /said=booked/);
    const b = app.ctx.db.prepare('SELECT organizer_id AS o FROM bookings WHERE room_id = ?').get(lobby.id) as { o: number };
    assert.equal(b.o, people.rita.id, 'rita organizes the walk-in meeting');
    // The admin's page lists the choice.
    const adam = new TestBrowser(app.url);
    await adam.signIn('adam');
    assert.match(await (await adam.get('/admin/displays')).text(), /name="peopleIds" multiple/);
  });
});
