// The report's day summaries built by several builders at once (issue 15): the background builder and reports in
// the same process taking turns room by room, and two connections building in parallel threads. Whatever the order,
// the report equals the one computed straight from the bookings (no room-day lost, none counted twice).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { openDatabase, type Db } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { createLogger } from '../log.ts';
import { aBooking, aRoom, aUser } from '../test/repo-fixtures.ts';
import { replaceExternalBookings } from '../bookings/repo.ts';
import { recordCheckin, recordRelease, upsertRoomChoice } from '../checkin/repo.ts';
import { buildReport, computeReportFromBookings, type ReportRequest } from './service.ts';
import { SummaryBuilder, type SummaryProgress } from './summaries.ts';
import { countRoomDays } from './repo.ts';

const NOW = '2026-12-01T12:00:00.000Z';
// Settled days end on 27 November (today - 3 - 1); the report reaches past them into the days computed live.
const request: ReportRequest = { period: { from: '2026-09-01', to: '2026-11-30' }, building: null };
const HORIZON = 100; // 2026-08-20 .. 2026-11-27
const log = createLogger('silent');
const clock = { now: () => DateTime.fromISO(NOW, { zone: 'utc' }) };
const ctxOf = (db: Db) => ({ db, clock, log });

function seed(db: Db): void {
  const alice = aUser(db);
  const zones = ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati'];
  const rooms = zones.map((timeZone, i) => aRoom(db, { timeZone, capacity: 4 + i * 2, building: i < 2 ? 'North' : 'South' }));
  upsertRoomChoice(db, rooms[0]!.id, { required: true }, NOW);
  let n = 0;
  for (let d = DateTime.fromISO('2026-08-25', { zone: 'utc' }); d.toISODate()! < '2026-12-01'; d = d.plus({ days: 1 })) {
    for (const room of rooms) {
      n++;
      const start = d.plus({ hours: 6 + (n % 9), minutes: (n % 4) * 15 });
      const id = aBooking(
        db,
        room.id,
        alice.id,
        { startsAt: start.toISO()!, endsAt: start.plus({ minutes: 30 + (n % 5) * 15 }).toISO()! },
        Array.from({ length: n % 4 }, (_, a) => ({ email: `p${a}@example.test`, name: null, role: 'required' as const })),
      );
      if (n % 3 === 0) recordCheckin(db, id, 'alice', start.plus({ minutes: 5 }).toISO()!);
      else if (n % 7 === 0) recordRelease(db, id, { reason: 'no-show', action: 'release-room', note: 'n' }, start.plus({ minutes: 10 }).toISO()!);
    }
  }
  // Outlook meetings, one across midnight.
  replaceExternalBookings(
    db,
    rooms[1]!.id,
    '2026-10-01T00:00:00.000Z',
    '2026-11-01T00:00:00.000Z',
    [
      { uid: 'ol-1', subject: 'O', organizer: 'o@example.test', startsAt: '2026-10-05T09:00:00.000Z', endsAt: '2026-10-05T11:00:00.000Z' },
      { uid: 'ol-2', subject: 'O', organizer: 'o@example.test', startsAt: '2026-10-20T22:00:00.000Z', endsAt: '2026-10-21T03:00:00.000Z' },
    ],
    NOW,
  );
}

function assertReportRight(db: Db, why: string): void {
  const got = buildReport(ctxOf(db), request).report;
  const want = computeReportFromBookings(ctxOf(db), request).report;
  assert.deepEqual(got.total, want.total, why);
  assert.deepEqual(got.heat, want.heat, why);
  assert.deepEqual(
    got.rooms.map((r) => [r.room.id, r.bookedMs, r.bookedOpenMs, r.bookableMs, r.bookings, r.checkInKnown, r.noShows, r.usedMs]),
    want.rooms.map((r) => [r.room.id, r.bookedMs, r.bookedOpenMs, r.bookableMs, r.bookings, r.checkInKnown, r.noShows, r.usedMs]),
    why,
  );
}

/** Every room has each day of the builder's range stored once. */
function assertComplete(db: Db): void {
  const counts = countRoomDays(db, '2026-08-20', '2026-11-27');
  const rooms = db.prepare('SELECT id FROM rooms').pluck().all() as number[];
  assert.deepEqual(
    rooms.map((id) => counts.get(id) ?? 0),
    rooms.map(() => HORIZON),
  );
}

describe('report summaries built concurrently', () => {
  let dir: string;
  let path: string;
  let a: Db;
  let b: Db;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'roombook-summaries-'));
    path = join(dir, 'app.db');
    a = openDatabase(path);
    migrate(a);
    seed(a);
    // A second connection: another instance's view (its own statements and remembered summaries).
    b = openDatabase(path);
  });
  after(() => {
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the background builder and reports on two connections take turns room by room, with writes between', async () => {
    a.prepare('DELETE FROM report_room_days').run();
    const progress: SummaryProgress[] = [];
    const builder = new SummaryBuilder(ctxOf(a), { horizonDays: HORIZON, observe: (p) => progress.push(p) });
    let done = false;
    const pass = builder.runPass().then((r) => ((done = true), r));
    let turns = 0;
    const someBooking = a.prepare("SELECT id FROM bookings WHERE starts_at >= '2026-10-10' ORDER BY starts_at LIMIT 1").pluck().get() as number;
    // Each turn: the builder has done (at most) one more room; a report on the other connection, one on the builder's,
    // and every other turn a write that forgets some days the builder may or may not have built yet.
    while (!done) {
      turns++;
      assertReportRight(b, `report on the second connection, turn ${turns}`);
      assertReportRight(a, `report on the builder's connection, turn ${turns}`);
      if (turns % 2 === 0)
        a.prepare(
          `UPDATE bookings SET starts_at = strftime('%Y-%m-%dT%H:%M:%fZ', starts_at, ?), ends_at = strftime('%Y-%m-%dT%H:%M:%fZ', ends_at, ?) WHERE id = ?`,
        ).run(turns % 4 ? '+15 minutes' : '-15 minutes', turns % 4 ? '+15 minutes' : '-15 minutes', someBooking);
      await new Promise((r) => setImmediate(r));
    }
    const result = await pass;
    assert.ok(turns >= 2, `the pass took turns with the reports (${turns})`);
    assert.ok(result.daysBuilt >= 0);
    // A second pass fills what the writes forgot (the reports built some of it themselves); then all is stored.
    await builder.runPass();
    assertComplete(a);
    assertReportRight(a, 'after the passes, builder connection');
    assertReportRight(b, 'after the passes, second connection');
    assert.deepEqual(progress.at(-1), { roomsPending: 0, daysMissing: 0, daysBuilt: 0, passDone: true });
    assert.ok(
      progress.some((p) => p.roomsPending > 0 && !p.passDone),
      'progress was reported while rooms were pending',
    );
    // Nothing left to do: a pass touches no room.
    assert.deepEqual(await builder.runPass(), { roomsBuilt: 0, daysBuilt: 0, longestStepMs: 0 });
  });

  test('the first report finds every settled day built by the background builder (it builds none itself)', async () => {
    a.prepare('DELETE FROM report_room_days').run();
    await new SummaryBuilder(ctxOf(a), { horizonDays: HORIZON }).runPass();
    assertComplete(a);
    // The report's own build would write rows: none written means it found them all.
    const changes = () => (a.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    a.prepare('UPDATE rooms SET name = name WHERE id = (SELECT min(id) FROM rooms)').run(); // a new report, not a cached one
    const before = changes();
    assertReportRight(a, 'report after the background pass');
    assert.equal(changes(), before, 'the report wrote no summary');
  });

  test('after a write forgets some days of one room, the next pass rebuilds just those; an instance that does not lead builds nothing', async () => {
    const builder = new SummaryBuilder(ctxOf(a), { horizonDays: HORIZON });
    await builder.runPass();
    assertComplete(a);
    assert.equal((await builder.runPass()).roomsBuilt, 0, 'nothing changed');
    const booking = a
      .prepare<[], { id: number }>("SELECT id FROM bookings WHERE starts_at >= '2026-10-14T00:00:00.000Z' AND starts_at < '2026-10-14T12:00:00.000Z' LIMIT 1")
      .get()!;
    a.prepare(`UPDATE bookings SET ends_at = strftime('%Y-%m-%dT%H:%M:%fZ', ends_at, '+15 minutes') WHERE id = ?`).run(booking.id);
    const follower = new SummaryBuilder(ctxOf(b), { horizonDays: HORIZON, leads: () => false });
    assert.deepEqual(await follower.runPass(), { roomsBuilt: 0, daysBuilt: 0, longestStepMs: 0 });
    const r = await builder.runPass();
    assert.equal(r.roomsBuilt, 1, "only the booking's room");
    assert.ok(r.daysBuilt >= 1 && r.daysBuilt <= 5, `the days around the booking (${r.daysBuilt})`);
    assertComplete(a);
    assertReportRight(b, 'after the rebuild');
  });

  for (const other of ['report', 'builder'] as const) {
    test(`two connections build at the same moment in parallel threads (builder and ${other}): one row per room-day, right totals`, async () => {
      a.prepare('DELETE FROM report_room_days').run();
      // Node 20 does not apply --import hooks to a worker's .ts entry: the worker registers tsx, then imports it.
      const entry = new URL('./concurrent-build.worker.ts', import.meta.url).href;
      const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, {
        eval: true,
        workerData: { path, nowIso: NOW, from: request.period.from, to: request.period.to, mode: other, horizonDays: HORIZON },
      });
      try {
        const message = (want: string) =>
          new Promise<void>((resolve, reject) => {
            worker.once('error', reject);
            worker.on('message', function on(m) {
              if (m !== want) return;
              worker.off('message', on);
              resolve();
            });
          });
        await message('ready');
        const finished = message('done');
        worker.postMessage('go');
        await new SummaryBuilder(ctxOf(a), { horizonDays: HORIZON }).runPass();
        await finished;
      } finally {
        await worker.terminate();
      }
      assertComplete(a);
      assertReportRight(a, 'builder connection');
      assertReportRight(b, 'second connection');
    });
  }
});
