// Issue 15, the series rule, against the embedded emulator: a daily series of 6 dates in a room with check-in on.
// Each no-show date is released through the series item (the room alone gets a CANCEL with that date's
// RECURRENCE-ID; bob hears nothing); after 3 in a row the series loses the room for the 3 dates still to come (one
// release-room job), exactly once, with the note on the organizer's booking page. The app's clock is moved by hand.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import { findBooking } from '../bookings/repo.ts';
import { occurrenceIds } from '../bookings/series.repo.ts';
import type { Clock } from '../context.ts';
import { aRoom, demoPeople } from '../test/factories.ts';
import { mailboxItems, startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import type { Room } from '../rooms/service.ts';
import * as repo from './repo.ts';
import { saveRoomChoice, sweepReleases } from './service.ts';
import { MESSAGE_CLASS, UID } from '../test/meeting-messages.ts';
import { CATALOGS } from '../i18n/catalog.ts';
import { bookingIdOf, postBookingForm } from '../test/booking-form.ts';

const ZONE = 'Europe/London';
let offsetMs = 0;
const clock: Clock = { now: () => DateTime.utc().plus({ milliseconds: offsetMs }) };

describe('a series whose room nobody checks into', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let wye: Room;
  const firstDay = DateTime.now().setZone(ZONE).plus({ days: 2 }).startOf('day');
  const dayOf = (i: number) => firstDay.plus({ days: i }).toFormat('yyyy-MM-dd');
  const moveClockTo = (i: number, local: string) => {
    offsetMs = DateTime.fromISO(`${dayOf(i)}T${local}`, { zone: ZONE }).toMillis() - Date.now();
  };
  const messages = async (alias: string, uid: string, kind: RegExp) =>
    (await mailboxItems(app, alias, 'inbox')).filter((m) => m.props[UID] === uid && kind.test(m.props[MESSAGE_CLASS] ?? '')).length;
  const roomFree = async (b: { startsAt: string; endsAt: string }) => {
    const [fb] = await app.ctx.gateway.freeBusy([wye.email], { start: DateTime.fromISO(b.startsAt), end: DateTime.fromISO(b.endsAt) }, 5);
    return fb?.busy.length === 0;
  };

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0', RECONCILE_DAYS: '30' }, clock);
    await demoPeople(app.ctx);
    wye = aRoom(app.ctx, { alias: 'wye', name: 'Wye' });
    saveRoomChoice(app.ctx, SYSTEM_ACTOR, wye.id, { required: true });
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
  });
  after(() => app.close());

  test('three missed dates in a row: the room is taken off the rest of the series once, the meeting goes on', async () => {
    const res = await postBookingForm(alice, {
      roomId: wye.id,
      date: dayOf(0),
      subject: 'Daily stand-up',
      repeat: 'daily',
      repeatEnd: 'count',
      repeatCount: '6',
    });
    assert.equal(res.status, 303, await res.text());
    const firstId = bookingIdOf(res);
    await app.worker.drain();
    const seriesId = findBooking(app.ctx.db, firstId)!.seriesId!;
    const ids = occurrenceIds(app.ctx.db, seriesId);
    assert.equal(ids.length, 6);
    const dates = () => ids.map((id) => findBooking(app.ctx.db, id)!);
    assert.deepEqual(
      dates().map((d) => d.state),
      Array(6).fill('booked'),
    );
    const uid = (app.ctx.db.prepare('SELECT uid FROM booking_series WHERE id = ?').get(seriesId) as { uid: string }).uid;
    const bobBefore = (await mailboxItems(app, 'bob', 'inbox')).filter((m) => m.props[UID] === uid).length;

    for (const i of [0, 1]) {
      moveClockTo(i, '10:10');
      await app.worker.drain();
      assert.equal(dates()[i]!.state, 'cancelled', `date ${i + 1} released`);
      assert.equal(repo.findFacts(app.ctx.db, ids[i]!)?.releaseReason, 'no-show');
      assert.ok(await roomFree(dates()[i]!), `the room is free on date ${i + 1}`);
      assert.equal(repo.findSeriesRelease(app.ctx.db, seriesId), undefined, 'not yet: fewer than 3 in a row');
      assert.equal(dates()[5]!.state, 'booked');
    }
    assert.equal(await messages('wye', uid, /Canceled/i), 2, 'the room got one cancellation per released date');

    moveClockTo(2, '10:10');
    await app.worker.drain();
    const after = dates();
    assert.deepEqual(
      after.map((d) => d.state),
      Array(6).fill('cancelled'),
      'the third miss releases its date and the three still to come',
    );
    const release = repo.findSeriesRelease(app.ctx.db, seriesId);
    assert.equal(release?.missed, 3);
    assert.equal(release?.dates, 3);
    for (const d of after.slice(3)) assert.ok(await roomFree(d), `the room is free on ${d.startsAt}`);
    assert.equal(await messages('wye', uid, /Canceled/i), 6, 'the room: one CANCEL per date (3 no-shows + 3 to come)');
    // bob keeps the meeting, told of each date without the room: one update per released date, no cancellation.
    const bobMessages = (await mailboxItems(app, 'bob', 'inbox')).filter((m) => m.props[UID] === uid);
    assert.equal(bobMessages.length, bobBefore + 6, 'bob: one update per released date');
    const updates = bobMessages.filter((m) => m.props['urn:schemas:calendar:recurrenceid']);
    assert.equal(updates.length, 6, 'each update names its date (RECURRENCE-ID)');
    const noRoom = CATALOGS.en['checkin.release.location']!.replace('{room}', 'Wye');
    for (const u of updates) {
      assert.match(u.props[MESSAGE_CLASS] ?? '', /Meeting\.Request/);
      assert.equal(u.props['urn:schemas:calendar:location'], noRoom);
    }
    assert.equal(await messages('bob', uid, /Canceled/i), 0, 'bob: no cancellation');
    // alice's own series item says the same as bob's copies: every date still there, the released ones without the
    // room (no resource attendee, the "No room" location), in one item.
    const window = { start: firstDay.minus({ days: 1 }), end: firstDay.plus({ days: 7 }) };
    const mine = (await app.ctx.gateway.listCalendar('alice', window)).filter((i) => i.uid === uid);
    assert.equal(mine.length, 6, 'alice keeps all six dates');
    for (const item of mine) {
      assert.equal(item.location, noRoom, `${item.start.toISO()} names no room`);
      assert.ok(!item.attendees.some((a) => /wye@/i.test(a.email)), `${item.start.toISO()} invites no room`);
    }
    assert.equal((await mailboxItems(app, 'alice', 'calendar')).filter((m) => m.props[UID] === uid).length, 1, 'one series item');

    // Exactly once: more sweeps and passes change nothing.
    moveClockTo(3, '10:20');
    assert.equal(sweepReleases(app.ctx), 0);
    await app.worker.drain();
    assert.equal(await messages('wye', uid, /Canceled/i), 6);
    assert.equal((await mailboxItems(app, 'bob', 'inbox')).filter((m) => m.props[UID] === uid).length, bobBefore + 6);

    // The organizer is told on the booking page of a date that lost the room.
    const page = await (await alice.get(`/bookings/${ids[4]}`)).text();
    assert.match(page, /This series lost its room: nobody checked in to 3 dates in a row, so the room was given back for 3 dates from/);
  });
});
