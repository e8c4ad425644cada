// Create a booking, production mode, the emulator in its own process: the server time of POST /bookings (local
// commit plus the room check: the room calendar's SEARCH, free/busy only as its fallback) and the app's CPU per create,
// first with room calendars that hold only what the app sent, then with HISTORY items of past meetings in each room
// calendar (a room mailbox keeps every meeting it ever accepted; the emulator's SEARCH must not scan them all).
// Before each create the outbox sends the previous one (outside the timing), so a figure is one request's.
// The Exchange legs are also timed alone from this process (the gateway's own calls), to show where the time goes.
import { loadavg } from 'node:os';
import { DateTime } from 'luxon';
import { startTestApp, TestBrowser } from '../../server/test/test-app.ts';
import { plantOutlookMeeting } from '../../server/test/outlook.ts';
import type { BenchReport, BenchRow } from './run.ts';
import { benchBookingForm, localDate, median, PRODUCTION_ENV, profiled, row, seedRooms, settle, startEmulatorProcess, ZONE } from './support.ts';

const ROOMS = 200;
const USED_ROOMS = 10;
const HISTORY = Number(process.env.BENCH_CALENDAR_HISTORY ?? 2_000);
/** Creates per phase (BENCH_CREATES). */
const CREATES = Number(process.env.BENCH_CREATES ?? 30);

export async function run(): Promise<BenchReport> {
  const emulator = await startEmulatorProcess();
  const app = await startTestApp({ ...PRODUCTION_ENV, ...emulator.appEnv });
  const rows: BenchRow[] = [];
  try {
    const ctx = app.ctx;
    const rooms = await seedRooms(ctx, ROOMS, emulator.url);
    const used = rooms.slice(0, USED_ROOMS);
    // The organizer's own mailbox: the outbox writes the meeting there and sends it to the room, which accepts it.
    const org = (await (await fetch(`${emulator.url}/_emulator/org`)).json()) as { mailboxes: Record<string, unknown>[] };
    const put = await fetch(`${emulator.url}/_emulator/org`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...org, mailboxes: [...org.mailboxes, { alias: 'bench', smtp: 'bench@example.com', displayName: 'Bench', kind: 'user' }] }),
    });
    if (!put.ok) throw new Error(`emulator org: ${put.status}`);
    const browser = new TestBrowser(app.url);
    await browser.signIn('bench', 'bench-password-123');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await browser.get('/bookings/new')).text())?.[1] ?? '';

    const serverMs: number[] = [];
    let windows: [number, number][] = [];
    /** With BENCH_PROFILE, each phase's POST /bookings intervals go next to its profile (`<name>.windows.json`). */
    const measured = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      windows = [];
      const out = await profiled(name, fn);
      const dir = process.env.BENCH_PROFILE;
      if (dir) (await import('node:fs')).writeFileSync(`${dir}/${name}.windows.json`, JSON.stringify(windows));
      return out;
    };
    let recording = false;
    app.server.on('request', (_req, res) => {
      const t0 = process.hrtime.bigint();
      res.on('finish', () => {
        if (!recording) return;
        const t1 = process.hrtime.bigint();
        serverMs.push(Number(t1 - t0) / 1e6);
        // In µs of the monotonic clock, the CPU profile's own time base: a profile can be cut to the requests alone.
        windows.push([Number(t0 / 1000n), Number(t1 / 1000n)]);
      });
    });
    // The test app runs no outbox of its own: each create's send is drained by hand, outside the timing.
    const outboxIdle = () => app.worker.drain();

    let serial = 0;
    const creates = async (day: number) => {
      const times: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < CREATES; i++) {
        await outboxIdle();
        const n = serial++;
        serverMs.length = 0;
        recording = true;
        const c0 = process.cpuUsage();
        const res = await browser.post('/bookings', benchBookingForm(used[n % USED_ROOMS]!.id, localDate(day), n), { csrf });
        const c = process.cpuUsage(c0);
        recording = false;
        if (res.status !== 303) throw new Error(`POST /bookings answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
        await res.arrayBuffer();
        times.push(serverMs.reduce((a, b) => a + b, 0));
        cpu.push((c.user + c.system) / 1000);
        // Follow the redirect as a browser does (outside the timing): the booking page takes the "created" flash, so
        // the session does not grow by one message per create and make each later request dearer.
        const page = await browser.get(res.headers.get('location') ?? '/bookings');
        await page.arrayBuffer();
      }
      return { p50: median(times), cpu: median(cpu) };
    };
    const legs = async (day: number) => {
      const start = DateTime.fromISO(`${localDate(day)}T09:00`, { zone: ZONE }).toUTC();
      const window = { start, end: start.plus({ minutes: 30 }) };
      const fb: number[] = [];
      const cal: number[] = [];
      for (let i = 0; i < 20; i++) {
        const room = used[i % USED_ROOMS]!;
        let t = performance.now();
        await ctx.gateway.freeBusy([room.email], window, 5);
        fb.push(performance.now() - t);
        t = performance.now();
        await ctx.gateway.listCalendar(room.alias, window);
        cal.push(performance.now() - t);
      }
      return { fb: median(fb), cal: median(cal) };
    };

    // Warm up (connections, NTLM, statements, templates, and both processes' JIT: with one round of creates the empty
    // phase ran at up to twice the CPU per create, and the legs at 1.5 × the time, of the history phase, which the
    // seeding's 20,000 requests had warmed), then the empty calendars.
    await creates(2);
    await creates(3);
    for (let k = 0; k < 10; k++) await legs(3);
    await settle();
    const empty = await measured('create-empty', () => creates(4));
    const emptyLegs = await legs(4);

    // Past meetings in each used room's calendar: one hour a day going back from yesterday, as Outlook would have left them.
    // The tests' helper (server/test/outlook.ts): the same typed dates, uid and message class as Outlook's write.
    const seedOne = async (alias: string, k: number) => {
      const start = DateTime.utc()
        .startOf('hour')
        .minus({ days: 1 + Math.floor(k / 8), hours: k % 8 });
      await plantOutlookMeeting(emulator.url, alias, { subject: `Past meeting ${k}`, start, end: start.plus({ minutes: 45 }), location: alias });
    };
    for (const room of used) {
      for (let k = 0; k < HISTORY; k += 25) await Promise.all(Array.from({ length: Math.min(25, HISTORY - k) }, (_, j) => seedOne(room.alias, k + j)));
    }
    await settle();
    const full = await measured('create-history', () => creates(5));
    const fullLegs = await legs(5);

    const failed = (ctx.db.prepare("SELECT count(*) AS n FROM outbox_jobs WHERE status = 'failed'").get() as { n: number }).n;
    if (failed) throw new Error(`${failed} outbox sends failed: the room calendars would not hold the app's meetings`);
    const h = HISTORY.toLocaleString('en');
    rows.push(
      row('create a booking (local commit + room check): server ms p50, calendars empty', empty.p50, 'ms', '≤ 5 (today 9.6)'),
      row(`create a booking: server ms p50, ${h} past items per room calendar`, full.p50, 'ms', '≤ 5; flat with history', {
        value: full.p50 / empty.p50,
        of: 'empty calendars',
      }),
      row('create a booking: app CPU ms per create (p50), empty / history', empty.cpu, 'ms', ''),
      row(`create a booking: app CPU ms per create (p50), ${h} past items`, full.cpu, 'ms', '', { value: full.cpu / empty.cpu, of: 'empty calendars' }),
      row('room check legs alone: free/busy ms p50, empty', emptyLegs.fb, 'ms', ''),
      row('room check legs alone: calendar SEARCH ms p50, empty', emptyLegs.cal, 'ms', ''),
      row(`room check legs alone: free/busy ms p50, ${h} past items`, fullLegs.fb, 'ms', '', { value: fullLegs.fb / emptyLegs.fb, of: 'empty' }),
      row(`room check legs alone: calendar SEARCH ms p50, ${h} past items`, fullLegs.cal, 'ms', '', { value: fullLegs.cal / emptyLegs.cal, of: 'empty' }),
      row('load average (1 min) at the end', loadavg()[0]!, '', 'the machine is shared: compare ratios'),
    );
    return { name: `Create a booking: ${ROOMS} rooms, emulator in its own process (production mode)`, rows };
  } finally {
    await app.close();
    emulator.close();
  }
}
