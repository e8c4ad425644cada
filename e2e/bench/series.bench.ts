// Recurring meetings (issue 14): the per-occurrence availability check of a 52-week series over 50 candidate rooms
// (one batched free/busy request for the room and its alternatives, merged with the app's own bookings), and the
// Exchange requests it takes to check, book and send a 52-week series (counted by the gateway, emulator in its own
// process). The series must cost the same number of requests whatever its length.
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { startTestApp } from '../../server/test/test-app.ts';
import { changeOccurrence, changeWholeSeries, checkSeries, createSeries, MAX_ALTERNATIVE_ROOMS } from '../../server/bookings/series-service.ts';
import { findBooking } from '../../server/bookings/repo.ts';
import { occurrenceIds } from '../../server/bookings/series.repo.ts';
import { demoPeople } from '../../server/test/factories.ts';
import type { Recurrence } from '../../server/bookings/recurrence.ts';
import type { BenchReport, BenchRow } from './run.ts';
import { median, PRODUCTION_ENV, row, seedRooms, startEmulatorProcess, timed, ZONE } from './support.ts';

const CHECKS = 7;

export async function run(): Promise<BenchReport> {
  const emulator = await startEmulatorProcess();
  const app = await startTestApp({ ...PRODUCTION_ENV, ...emulator.appEnv, BACKGROUND_JOBS: '0' });
  try {
    const ctx = app.ctx;
    const rooms = await seedRooms(ctx, MAX_ALTERNATIVE_ROOMS + 1, emulator.url);
    // A year ahead: the bench rooms' horizon is lifted so every date of the series is allowed.
    ctx.db.prepare('UPDATE rooms SET horizon_days = 400').run();
    let first = DateTime.now().setZone(ZONE).plus({ days: 3 });
    while (first.weekday !== 2) first = first.plus({ days: 1 });
    const date = first.toFormat('yyyy-MM-dd');
    const room = rooms[0]!;
    const weekly = (count: number): Recurrence => ({ pattern: { kind: 'weekly', interval: 1, days: ['TU'] }, end: { count } });
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < CHECKS; i++) {
      const t = await timed(() => checkSeries(ctx, { ...room, horizonDays: 400 }, { date, start: '10:00', end: '11:00' }, weekly(52)));
      // A check that could not read Exchange would be fast and wrong.
      if (t.value.exchangeUnavailable) throw new Error('the per-occurrence check could not read Exchange');
      times.push(t.ms);
      cpu.push(t.cpuMs);
    }
    const organizer = (await demoPeople(ctx)).alice; // a person with a mailbox in the emulator's organisation
    // The organizer's folders are discovered once per mailbox and cached: not part of a series' cost.
    await ctx.gateway.discoverFolders('alice');
    const requestsFor = async (count: number, hour: number) => {
      const before = ctx.gateway.health().requests;
      const input = {
        roomId: room.id,
        date,
        start: `${hour}:00`,
        end: `${hour}:30`,
        subject: `Series ${count}`,
        description: '',
        required: ['bob@example.com'],
        optional: [],
        private: false,
        idempotencyKey: randomBytes(16).toString('base64url'),
      };
      const created = await createSeries(ctx, organizer, input, weekly(count), false);
      const checked = ctx.gateway.health().requests;
      await drained(`series ${count}`);
      return { check: checked - before, send: ctx.gateway.health().requests - checked, input, seriesId: created.series.id };
    };
    const drained = async (what: string) => {
      await app.worker.drain();
      const failed = ctx.db.prepare("SELECT last_error AS e FROM outbox_jobs WHERE status != 'done'").all() as { e: string | null }[];
      if (failed.length) throw new Error(`${what} not sent: ${JSON.stringify(failed)}`);
    };
    /** Requests the app makes (its checks) and the outbox sends for one change. */
    const requestsOf = async (what: string, change: () => Promise<unknown>) => {
      const before = ctx.gateway.health().requests;
      await change();
      const checked = ctx.gateway.health().requests;
      await drained(what);
      return { check: checked - before, send: ctx.gateway.health().requests - checked };
    };
    const r52 = await requestsFor(52, 12);
    const r12 = await requestsFor(12, 14);
    // One date of the 52-week series to another room, then the whole series to other times and a third room
    // with bob removed (a cancellation for the old room and bob).
    const dates = occurrenceIds(ctx.db, r52.seriesId).map((id) => findBooking(ctx.db, id)!);
    const third = dates[2]!;
    const thirdDate = DateTime.fromISO(third.startsAt).setZone(ZONE).toFormat('yyyy-MM-dd');
    const move = await requestsOf('move one date', () =>
      changeOccurrence(ctx, organizer, third.id, { ...r52.input, roomId: rooms[1]!.id, date: thirdDate, start: '12:00', end: '12:30' }),
    );
    const whole = await requestsOf('change the whole series', () =>
      changeWholeSeries(ctx, organizer, dates[3]!.id, { ...r52.input, roomId: rooms[2]!.id, start: '16:00', end: '16:30', required: [] }),
    );
    const rows: BenchRow[] = [
      row(`per-occurrence check, 52 weeks × ${MAX_ALTERNATIVE_ROOMS + 1} rooms: p50`, median(times.slice(1)), 'ms', ''),
      row(`per-occurrence check, 52 weeks × ${MAX_ALTERNATIVE_ROOMS + 1} rooms: app CPU`, median(cpu.slice(1)), 'ms', ''),
      row('Exchange requests to check a 52-week series', r52.check, 'requests', ''),
      row('Exchange requests to send a 52-week series (outbox)', r52.send, 'requests', 'same as 12 weeks'),
      row('Exchange requests to send a 12-week series (outbox)', r12.send, 'requests', ''),
      row('one date to another room: checks + outbox', move.check + move.send, 'requests', `${move.check} + ${move.send}`),
      row(
        'whole 52-week series to new times and room, one attendee removed: checks + outbox',
        whole.check + whole.send,
        'requests',
        `${whole.check} + ${whole.send}`,
      ),
    ];
    return { name: 'Recurring meetings (issue 14)', rows };
  } finally {
    await app.close();
    emulator.close();
  }
}
