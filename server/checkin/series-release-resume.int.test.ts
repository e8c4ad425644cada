// Issue 15, the series rule's release interrupted between and inside its steps: the building's rule is 1 miss, so the
// first no-show of a 4-date daily series releases that date and takes the room off the 3 dates to come (one
// release-room job). The emulator refuses the attendees' update of the third date once (503 on its MOVE): the room's
// cancellations are already sent and recorded, and bob's update of the second date too. The retry resumes after the
// recorded step and finds the second date's update in Sent Items: every date reaches the room once and bob once.
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
import { saveBuildingDefault, saveRoomChoice } from './service.ts';
import { MESSAGE_CLASS, UID } from '../test/meeting-messages.ts';
import { bookingIdOf, postBookingForm } from '../test/booking-form.ts';

const ZONE = 'Europe/London';
let offsetMs = 0;
const clock: Clock = { now: () => DateTime.utc().plus({ milliseconds: offsetMs }) };
const RECURRENCE_ID = 'urn:schemas:calendar:recurrenceid';

describe('a series release interrupted and resumed', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let wye: Room;
  const firstDay = DateTime.now().setZone(ZONE).plus({ days: 2 }).startOf('day');
  const dayOf = (i: number) => firstDay.plus({ days: i }).toFormat('yyyy-MM-dd');
  const startOf = (i: number) => DateTime.fromISO(`${dayOf(i)}T10:00`, { zone: ZONE });

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0', RECONCILE_DAYS: '30' }, clock);
    await demoPeople(app.ctx);
    wye = aRoom(app.ctx, { alias: 'wye', name: 'Wye' });
    saveBuildingDefault(app.ctx, SYSTEM_ACTOR, wye.building, {
      required: false,
      opensBeforeMin: 5,
      closesAfterMin: 10,
      releaseAction: 'release-room',
      seriesMisses: 1,
    });
    saveRoomChoice(app.ctx, SYSTEM_ACTOR, wye.id, { required: true });
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
  });
  after(() => app.close());

  test('each released date reaches the room once and bob once, across a refused step and its retry', async () => {
    const res = await postBookingForm(alice, { roomId: wye.id, date: dayOf(0), subject: 'Daily sync', repeat: 'daily', repeatEnd: 'count', repeatCount: '4' });
    assert.equal(res.status, 303, await res.text());
    await app.worker.drain();
    const seriesId = findBooking(app.ctx.db, bookingIdOf(res))!.seriesId!;
    const ids = occurrenceIds(app.ctx.db, seriesId);
    assert.equal(ids.length, 4);
    const uid = (app.ctx.db.prepare('SELECT uid FROM booking_series WHERE id = ?').get(seriesId) as { uid: string }).uid;

    // The attendees' update of the third date (RECURRENCE-ID of date index 2) is refused once, mid-step.
    const tag = startOf(2).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
    const fault = await fetch(`${app.emulator!.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'status', status: 503, method: 'MOVE', path: `occurrence-${tag}-request`, count: 1 }),
    });
    assert.equal(fault.status, 201);

    offsetMs = startOf(0).plus({ minutes: 10 }).toMillis() - Date.now();
    await app.worker.drain();
    const jobs = () =>
      app.ctx.db.prepare("SELECT step, status, attempts FROM outbox_jobs WHERE kind = 'release' ORDER BY id").all() as {
        step: string;
        status: string;
        attempts: number;
      }[];
    assert.equal(jobs().length, 2, 'one job for the missed date, one for the three to come');
    assert.deepEqual(
      { step: jobs()[1]!.step, status: jobs()[1]!.status },
      { step: 'submitted', status: 'waiting' },
      'the room told, the attendees’ step waits for its retry',
    );

    // The retry is due a little later (backoff): move the clock on, within the first date's meeting.
    offsetMs += 20 * 60_000;
    await app.worker.drain();
    assert.deepEqual(
      jobs().map((j) => j.status),
      ['done', 'done'],
    );
    assert.ok(jobs()[1]!.attempts >= 2, 'the second job ran twice');
    assert.deepEqual(
      ids.map((id) => findBooking(app.ctx.db, id)!.state),
      Array(4).fill('cancelled'),
    );

    const perDate = async (alias: string, kind: RegExp) => {
      const counts = new Map<string, number>();
      for (const m of await mailboxItems(app, alias, 'inbox')) {
        if (m.props[UID] !== uid || !kind.test(m.props[MESSAGE_CLASS] ?? '') || !m.props[RECURRENCE_ID]) continue;
        const at = DateTime.fromISO(m.props[RECURRENCE_ID]).toUTC().toISO()!;
        counts.set(at, (counts.get(at) ?? 0) + 1);
      }
      return counts;
    };
    const every = [0, 1, 2, 3].map((i) => startOf(i).toUTC().toISO()!);
    const room = await perDate('wye', /Canceled/i);
    const bob = await perDate('bob', /Meeting\.Request/);
    assert.deepEqual(
      every.map((d) => room.get(d) ?? 0),
      [1, 1, 1, 1],
      'the room: one cancellation per date',
    );
    assert.deepEqual(
      every.map((d) => bob.get(d) ?? 0),
      [1, 1, 1, 1],
      'bob: one update without the room per date, none twice',
    );
  });
});
