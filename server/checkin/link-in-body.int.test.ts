// Issue 15: the organizer's signed one-click check-in link is written into the meeting the app sends (PUBLIC_URL
// set), in the organizer's language, for a room with check-in on; it checks in only during the window.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import type { Clock } from '../context.ts';
import { aBooking, aRoom, demoPeople } from '../test/factories.ts';
import { mailboxItems, startTestApp, type TestApp } from '../test/test-app.ts';
import { UID } from '../test/meeting-messages.ts';
import * as repo from './repo.ts';
import { saveRoomChoice } from './service.ts';

const ZONE = 'Europe/London';
let offsetMs = 0;
const clock: Clock = { now: () => DateTime.utc().plus({ milliseconds: offsetMs }) };

describe('the check-in link in the invitation', () => {
  let app: TestApp;
  let people: Awaited<ReturnType<typeof demoPeople>>;
  const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0', PUBLIC_URL: 'https://rooms.example.com/' }, clock);
    people = await demoPeople(app.ctx);
  });
  after(() => app.close());

  test('a room with check-in: bob’s invitation carries the link and its window; it works in the window only', async () => {
    const kennet = aRoom(app.ctx, { alias: 'kennet', name: 'Kennet' });
    saveRoomChoice(app.ctx, SYSTEM_ACTOR, kennet.id, { required: true });
    const b = await aBooking(app.ctx, { room: kennet, organizer: people.alice, date: day, start: '10:00', end: '11:00', required: ['bob@example.com'] });
    await app.worker.drain();
    const invite = (await mailboxItems(app, 'bob', 'inbox')).find((m) => m.props[UID] === b.uid);
    assert.ok(invite, 'bob got the invitation');
    const text = JSON.stringify(invite.props);
    const url = /https:\/\/rooms\.example\.com(\/checkin\/\d+\/[A-Za-z0-9_-]+)/.exec(text);
    assert.ok(url, `the invitation carries the link: ${text.slice(0, 400)}`);
    assert.match(text, /between 09:55 and 10:10 \(room’s time\)/);

    const path = url[1]!;
    offsetMs = DateTime.fromISO(`${day}T09:40`, { zone: ZONE }).toMillis() - Date.now();
    const early = await fetch(`${app.url}${path}`);
    assert.equal(early.status, 409, 'not before the window');
    assert.equal(repo.findFacts(app.ctx.db, b.id)?.checkedInAt ?? null, null);
    offsetMs = DateTime.fromISO(`${day}T10:02`, { zone: ZONE }).toMillis() - Date.now();
    const page = await fetch(`${app.url}${path}`);
    assert.equal(page.status, 200, 'one click in the window checks in');
    assert.ok(repo.findFacts(app.ctx.db, b.id)?.checkedInAt, 'checked in through the link');
  });

  test('a room without check-in gets no link; a Hungarian organizer’s link text is Hungarian', async () => {
    const plain = aRoom(app.ctx, { alias: 'plain', name: 'Plain' });
    const b = await aBooking(app.ctx, { room: plain, organizer: people.alice, date: day, start: '12:00', end: '13:00', required: ['bob@example.com'] });
    const duna = aRoom(app.ctx, { alias: 'tisza', name: 'Tisza' });
    saveRoomChoice(app.ctx, SYSTEM_ACTOR, duna.id, { required: true });
    app.ctx.db.prepare("UPDATE users SET locale = 'hu' WHERE id = ?").run(people.rita.id);
    const hu = await aBooking(app.ctx, {
      room: duna,
      organizer: { ...people.rita, locale: 'hu' },
      date: day,
      start: '14:00',
      end: '15:00',
      required: ['bob@example.com'],
    });
    await app.worker.drain();
    const inbox = await mailboxItems(app, 'bob', 'inbox');
    assert.doesNotMatch(JSON.stringify(inbox.find((m) => m.props[UID] === b.uid)?.props ?? {}), /\/checkin\//);
    assert.match(JSON.stringify(inbox.find((m) => m.props[UID] === hu.uid)?.props ?? {}), /Megérkezés egy kattintással 13:55 és 14:10 között/);
  });
});
