// Find-a-room over 500 and 5,000 rooms (10 bookings a room on the day; 500 rooms also carry 45,000 past bookings),
// production mode, the embedded emulator answering free/busy 50 ms late. The ratio is to one emulator round trip
// (a free/busy request for a single room) measured in the same run. The emulator runs in its own process, so this
// process's CPU during a search is the app's (gateway included). Half the rooms are free at the asked time.
import { DateTime } from 'luxon';
import { startTestApp, TestBrowser } from '../../server/test/test-app.ts';
import type { BenchReport, BenchRow } from './run.ts';
import { load, localDate, median, PRODUCTION_ENV, row, seedDay, seedPast, profiled, seedRooms, startEmulatorProcess, timed, userId, ZONE } from './support.ts';

const LATENCY_MS = 50;
// BENCH_FIND_SEARCHES: more searches for a steadier CPU figure on a busy machine.
const SEARCHES = Number(process.env.BENCH_FIND_SEARCHES ?? 10);

async function measure(rooms: number, past: number): Promise<BenchRow[]> {
  const emulator = await startEmulatorProcess();
  const app = await startTestApp({ ...PRODUCTION_ENV, ...emulator.appEnv });
  try {
    const ctx = app.ctx;
    const date = localDate(3);
    const organizer = userId(ctx, 'bench');
    const list = await seedRooms(ctx, rooms, emulator.url);
    seedDay(ctx, list, date, 10, organizer, (i) => (i % 2 ? '11:05' : '08:00'));
    if (past) seedPast(ctx, list, past, organizer);
    const browser = new TestBrowser(app.url);
    await browser.signIn('bench', 'bench-password-123');
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'latency', latencyMs: LATENCY_MS }),
    });

    const day = DateTime.fromISO(date, { zone: ZONE });
    const window = { start: day.set({ hour: 7 }).toUTC(), end: day.set({ hour: 20 }).toUTC() };
    const emails = list.map((r) => r.email);
    const roundTrips: number[] = [];
    const fbAll: number[] = [];
    for (let i = 0; i < 6; i++) roundTrips.push((await timed(() => ctx.gateway.freeBusy([emails[i]!], window, 5))).ms);
    for (let i = 0; i < 4; i++) fbAll.push((await timed(() => ctx.gateway.freeBusy(emails, window, 5))).ms);
    const search = `/find?date=${date}&start=10:00&end=11:00&people=6`;
    const html = await (await browser.get(search)).text();
    const found = /([\d,]+) free rooms?/.exec(html)?.[1];
    // One search at a time from the load generator's process: this process's CPU is then the server's alone.
    const cookie = { cookie: `roombook.sid=${browser.cookie('roombook.sid')}`, csrf: '' };
    const result = await profiled(`find-${rooms}`, () =>
      load({ amount: SEARCHES }, [{ name: 'find', url: app.url, connections: 1, cookies: [cookie], paths: [search], gzip: true }]),
    );
    if (result.errors || result.groups[0]!.non2xx) throw new Error(`find: ${JSON.stringify(result.statuses)}`);
    const trip = median(roundTrips.slice(1));
    const p50 = result.p50;
    const appCpu = result.cpuMsPerRequest;
    const label = `find-a-room, ${rooms} rooms (${found} free)`;
    return [
      row(`one emulator round trip @${LATENCY_MS} ms (${rooms}-room run)`, trip, 'ms', ''),
      row(`${label}: p50`, p50, 'ms', rooms > 1000 ? '≤ 2 × round trip' : '≤ 1.5 × round trip (today ~10 ×, 514 ms)', { value: p50 / trip, of: 'round trip' }),
      row(`${label}: app CPU per search`, appCpu, 'ms', rooms > 1000 ? '' : '≤ 20 ms (today ~520 ms)'),
      row(`free/busy of all ${rooms} rooms alone (the emulator's part)`, median(fbAll.slice(1)), 'ms', '', {
        value: median(fbAll.slice(1)) / trip,
        of: 'round trip',
      }),
    ];
  } finally {
    await app.close();
    emulator.close();
  }
}

export async function run(): Promise<BenchReport> {
  const sizes = (process.env.BENCH_FIND_ROOMS ?? '500,5000').split(',').map(Number);
  const rows: BenchRow[] = [];
  for (const n of sizes) rows.push(...(await measure(n, n <= 1000 ? n * 90 : 0)));
  return { name: 'Find a room (GET /find, emulator at 50 ms)', rows };
}
