// Issue 15: people exempt from check-in by name. adam (admin) puts bob on the list on the users page; a booking bob
// organizes in a room with check-in on is never released (the window closes, the sweep passes, nothing goes to
// Exchange) and its page says "No check-in needed" because of the organizer; alice's booking next to it is released
// as before. Taken off the list, bob's bookings need a check-in again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import { findBooking } from '../bookings/repo.ts';
import type { Clock } from '../context.ts';
import { aBooking, aRoom, demoPeople } from '../test/factories.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import type { Room } from '../rooms/service.ts';
import type { User } from '../users/service.ts';
import { CATALOGS } from '../i18n/catalog.ts';
import * as repo from './repo.ts';
import { listHeldBookings } from '../reports/repo.ts';
import { saveRoomChoice, sweepReleases } from './service.ts';

const ZONE = 'Europe/London';
let offsetMs = 0;
const clock: Clock = { now: () => DateTime.utc().plus({ milliseconds: offsetMs }) };
const EN = CATALOGS.en;

describe('people exempt from check-in', () => {
  let app: TestApp;
  let people: Awaited<ReturnType<typeof demoPeople>>;
  let bob: User;
  let trent: Room;
  let adam: TestBrowser;
  const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');
  const moveClockTo = (local: string) => {
    offsetMs = DateTime.fromISO(`${day}T${local}`, { zone: ZONE }).toMillis() - Date.now();
  };

  async function booked(organizer: User, start: string, end: string) {
    offsetMs = 0;
    const b = await aBooking(app.ctx, {
      room: trent,
      organizer,
      date: day,
      start,
      end,
      required: [organizer.id === bob.id ? 'alice@example.com' : 'bob@example.com'],
    });
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, b.id)?.state, 'booked');
    return b;
  }

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' }, clock);
    people = await demoPeople(app.ctx);
    bob = people.bob;
    trent = aRoom(app.ctx, { alias: 'trent', name: 'Trent' });
    saveRoomChoice(app.ctx, SYSTEM_ACTOR, trent.id, { required: true });
    adam = new TestBrowser(app.url);
    await adam.signIn('adam');
  });
  after(() => app.close());

  test('an admin adds bob on the users page; his booking is never released, alice’s is', async () => {
    const page = await (await adam.get('/admin/users')).text();
    assert.match(page, new RegExp(EN['checkin.exempt_people.title']!));
    assert.match(page, new RegExp(EN['checkin.exempt_people.none']!));
    const added = await adam.post('/admin/checkin/exempt-people', { userId: String(bob.id), exempt: 'on' });
    assert.equal(added.status, 303);
    assert.equal(added.headers.get('location'), '/admin/users#checkin-exempt');
    assert.equal(repo.isPersonExempt(app.ctx.db, bob.id), true);
    const listed = await (await adam.get('/admin/users')).text();
    assert.match(listed, /Bob Baker <span class="muted">&lt;bob@example.com&gt;/);
    assert.match(listed, /added by adam/);

    const hers = await booked(bob, '10:00', '11:00');
    const theirs = await booked(people.alice, '12:00', '13:00');

    // The report counts bob's booking as exempt (not a no-show candidate), alice's as one that needs a check-in.
    const held = listHeldBookings(app.ctx.db, [trent.id], `${day}T00:00:00.000Z`, `${day}T23:59:59.999Z`);
    assert.deepEqual(
      held.map((r) => [r[1], r[5]]),
      [
        [hers.startsAt, 1],
        [theirs.startsAt, 0],
      ],
    );

    // bob sees "No check-in needed" because he is exempt, and no check-in button or reception toggle.
    const bobBrowser = new TestBrowser(app.url);
    await bobBrowser.signIn('bob');
    const bookingPage = await (await bobBrowser.get(`/bookings/${hers.id}`)).text();
    assert.match(bookingPage, new RegExp(`${EN['schedule.checkin.exempt']!}</span> \\(${EN['checkin.by_organizer']}\\)`));
    assert.doesNotMatch(bookingPage, new RegExp(EN['checkin.now']!));

    moveClockTo('10:20');
    await app.worker.drain();
    assert.equal(sweepReleases(app.ctx), 0);
    assert.equal(findBooking(app.ctx.db, hers.id)?.state, 'booked', 'bob’s meeting keeps the room past the window');
    assert.equal(repo.findFacts(app.ctx.db, hers.id)?.releasedAt ?? null, null);

    moveClockTo('12:20');
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, theirs.id)?.state, 'cancelled', 'alice’s no-show is released as before');
    assert.equal(findBooking(app.ctx.db, hers.id)?.state, 'booked');
  });

  test('taken off the list: bob’s next booking needs a check-in again', async () => {
    const removed = await adam.post('/admin/checkin/exempt-people', { userId: String(bob.id) });
    assert.equal(removed.status, 303);
    assert.equal(repo.isPersonExempt(app.ctx.db, bob.id), false);
    const b = await booked(bob, '15:00', '16:00');
    moveClockTo('15:10');
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, b.id)?.state, 'cancelled');
    assert.equal(repo.findFacts(app.ctx.db, b.id)?.releaseReason, 'no-show');
  });

  test('only admins change the list, and an unknown person is refused', async () => {
    const rita = new TestBrowser(app.url);
    await rita.signIn('rita');
    assert.equal((await rita.post('/admin/checkin/exempt-people', { userId: String(bob.id), exempt: 'on' })).status, 403);
    assert.equal(repo.isPersonExempt(app.ctx.db, bob.id), false);
    const unknown = await adam.post('/admin/checkin/exempt-people', { userId: '999999', exempt: 'on' });
    assert.equal(unknown.status, 303);
    assert.match(await (await adam.get('/admin/users')).text(), new RegExp(EN['checkin.exempt_people.unknown']!));
  });
});
