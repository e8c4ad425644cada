// The utilisation report at scale: 500 rooms in three zones × one year of bookings (four a weekday per room, one in
// five also seen as an Outlook meeting), served by the real app (production mode) from a temp database. Measured:
// the report in-process (reading through the bookings service, the pure aggregate, presenting) and over HTTP
// (GET /reports and /reports.csv, server time from the request event to 'finish').
// Run on its own: npx tsx e2e/bench/reports.bench.ts (npm run bench picks up every *.bench.ts in this folder).
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR } from '../../server/audit/record.ts';
import { createRoom } from '../../server/rooms/service.ts';
import { aggregate } from '../../server/reports/aggregate.ts';
import { presentReport, reportCsv } from '../../server/reports/present.ts';
import { buildReport, computeReportFromBookings } from '../../server/reports/service.ts';
import { openDatabase } from '../../server/db/connection.ts';
import { SummaryBuilder } from '../../server/reports/summaries.ts';
import { startTestApp, TestBrowser } from '../../server/test/test-app.ts';
import type { BenchReport } from './run.ts';

const ROOMS = Number(process.env.REPORTS_BENCH_ROOMS ?? 500);
const PER_WEEKDAY = 4;
const ZONES = ['Europe/London', 'Europe/Berlin', 'America/New_York'];
const FROM = '2025-12-01';
const TO = '2026-11-30';
const RUNS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export async function run(): Promise<BenchReport> {
  const app = await startTestApp({
    NODE_ENV: 'production',
    DEMO_DATA: '0',
    BOOTSTRAP_ADMIN_USERNAME: 'bench',
    BOOTSTRAP_ADMIN_EMAIL: 'bench@example.com',
    BOOTSTRAP_ADMIN_PASSWORD: 'bench-password-123',
  });
  try {
    const ctx = app.ctx;
    const organizerId = (ctx.db.prepare("SELECT id FROM users WHERE username = 'bench'").get() as { id: number }).id;
    const seedStarted = performance.now();
    // Plain prepared INSERTs: the bookings repo's insert prepares its attendee statements per call, too slow for 500k.
    const insertBooking = ctx.db.prepare(
      `INSERT INTO bookings (uid, idempotency_key, room_id, organizer_id, created_by_id, subject, description, private, starts_at, ends_at, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'Team meeting', '', 0, ?, ?, 'booked', ?, ?)`,
    );
    const insertAttendee = ctx.db.prepare(`INSERT INTO booking_attendees (booking_id, email, name, role) VALUES (?, ?, NULL, 'required')`);
    const insertExternal = ctx.db.prepare(
      `INSERT INTO external_bookings (room_id, uid, subject, organizer, starts_at, ends_at, seen_at) VALUES (?, ?, 'Outlook', 'someone@example.com', ?, ?, ?)`,
    );
    const at = DateTime.utc().toISO();
    let bookings = 0;
    const prefix = randomBytes(4).toString('hex');
    // Local midnights of the year's weekdays, once per zone (luxon per booking made seeding take minutes).
    const weekdays = new Map(
      ZONES.map((zone) => {
        const days: { start: number; weekday: number; day: number }[] = [];
        for (let d = DateTime.fromISO(FROM, { zone }); d.toISODate()! <= TO; d = d.plus({ days: 1 }))
          if (d.weekday <= 5) days.push({ start: d.toMillis(), weekday: d.weekday, day: d.day });
        return [zone, days];
      }),
    );
    const iso = (ms: number) => new Date(ms).toISOString();
    const MIN = 60_000;
    ctx.db.transaction(() => {
      for (let i = 0; i < ROOMS; i++) {
        const zone = ZONES[i % ZONES.length]!;
        const room = createRoom(ctx, SYSTEM_ACTOR, {
          name: `Room ${String(i + 1).padStart(3, '0')}`,
          alias: `rep${i + 1}`,
          email: `rep${i + 1}@example.com`,
          capacity: 2 + (i % 12) * 2,
          building: `Building ${1 + Math.floor(i / 50)}`,
          floor: String(1 + (Math.floor(i / 10) % 5)),
          timeZone: zone,
          opensAt: '08:00',
          closesAt: '18:00',
          maxDurationMinutes: 240,
          horizonDays: 400,
          active: true,
          equipment: [],
        });
        for (const d of weekdays.get(zone)!) {
          for (let b = 0; b < PER_WEEKDAY; b++) {
            // Spread over the day so the heat map has a shape: from 08:00, 10:00, 13:00 and 15:00, shifted by room.
            const s = d.start + ([8, 10, 13, 15][b]! * 60 + ((i + b) % 4) * 15) * MIN;
            const e = s + (30 + ((i + b + d.day) % 4) * 15) * MIN;
            const uid = `rb-${prefix}-${bookings}`;
            const id = Number(insertBooking.run(uid, `${prefix}-${bookings}`, room.id, organizerId, organizerId, iso(s), iso(e), at, at).lastInsertRowid);
            for (let a = 0; a < (i + b) % 5; a++) insertAttendee.run(id, `p${a}@example.com`);
            // One in five is also seen in the room's calendar by the reconciler (same uid: counted once).
            if (bookings % 5 === 0) insertExternal.run(room.id, uid, iso(s), iso(e), at);
            bookings++;
          }
          // One Outlook-only meeting a week per room, 17:00–18:00.
          if (d.weekday === 3) insertExternal.run(room.id, `ol-${prefix}-${i}-${d.start}`, iso(d.start + 17 * 60 * MIN), iso(d.start + 18 * 60 * MIN), at);
        }
      }
    })();
    const seedMs = performance.now() - seedStarted;
    if (process.env.REPORTS_BENCH_KEEP) ctx.db.prepare('VACUUM INTO ?').run(process.env.REPORTS_BENCH_KEEP);

    const request = { period: { from: FROM, to: TO }, building: null };
    // A write the report does not care about, which still bumps the data version: the next report is computed afresh
    // (buildReport keeps finished reports until anything changes).
    const firstRoom = (ctx.db.prepare('SELECT min(id) AS id FROM rooms').get() as { id: number }).id;
    const touch = () => ctx.db.prepare('UPDATE rooms SET name = name WHERE id = ?').run(firstRoom);
    // The summaries (report_room_days) are empty after seeding: the first report builds every room-day once.
    const fill0 = performance.now();
    buildReport(ctx, request);
    const fillMs = performance.now() - fill0;
    // The background builder (server/reports/summaries.ts) against the report building the summaries itself, in the
    // same run, both after every summary was forgotten (as after a migration): (a) the next report builds them inside
    // its request; (b) the builder fills them room by room first, then the next report finds them. CPU ms too (the
    // machine may be busy: wall time alone is not comparable between runs).
    const forget = () => ctx.db.prepare('DELETE FROM report_room_days').run();
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const u = process.cpuUsage(since);
      return (u.user + u.system) / 1000;
    };
    forget();
    touch();
    let c0 = process.cpuUsage();
    const n0 = performance.now();
    buildReport(ctx, request);
    const notBuilt = { ms: performance.now() - n0, cpu: cpuMs(c0) };
    forget();
    touch();
    c0 = process.cpuUsage();
    const p0 = performance.now();
    const pass = await app.ops.summaries.runPass();
    const passed = { ms: performance.now() - p0, cpu: cpuMs(c0) };
    touch();
    c0 = process.cpuUsage();
    const b0 = performance.now();
    buildReport(ctx, request);
    const built = { ms: performance.now() - b0, cpu: cpuMs(c0) };
    // Optional: the builder's CPU by transaction size (REPORTS_BENCH_CHUNKS=31,92,366), each pass from nothing stored.
    const chunkRuns: Record<string, string> = {};
    for (const chunkDays of (process.env.REPORTS_BENCH_CHUNKS ?? '').split(',').filter(Boolean).map(Number)) {
      forget();
      const k0 = process.cpuUsage();
      const r = await new SummaryBuilder({ ...ctx, log: ctx.log }, { chunkDays }).runPass();
      chunkRuns[`builder pass with ${chunkDays} days a transaction: CPU ms / longest step ms`] = `${round(cpuMs(k0))} / ${round(r.longestStepMs)}`;
    }
    // Another instance (its own connection, nothing in memory; it does not lead, so it only reads the stored rows).
    const other = openDatabase(ctx.config.databasePath);
    c0 = process.cpuUsage();
    const o0 = performance.now();
    buildReport({ db: other, clock: ctx.clock }, request);
    const otherInstance = { ms: performance.now() - o0, cpu: cpuMs(c0) };
    other.close();
    // Before the summaries, in the same run: the report straight from 500k bookings (the old computeReport).
    const legacy: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const l0 = performance.now();
      computeReportFromBookings(ctx, request);
      legacy.push(performance.now() - l0);
    }
    // A real change: one booking in the middle of the year moves by 15 minutes (its room-days are rebuilt).
    const someBooking = (ctx.db.prepare("SELECT id FROM bookings WHERE starts_at >= '2026-06-01' ORDER BY starts_at LIMIT 1").get() as { id: number }).id;
    const afterBookingChange: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      ctx.db
        .prepare(
          `UPDATE bookings SET starts_at = strftime('%Y-%m-%dT%H:%M:%fZ', starts_at, ?), ends_at = strftime('%Y-%m-%dT%H:%M:%fZ', ends_at, ?) WHERE id = ?`,
        )
        .run(r % 2 ? '-15 minutes' : '+15 minutes', r % 2 ? '-15 minutes' : '+15 minutes', someBooking);
      const b0 = performance.now();
      buildReport(ctx, request);
      afterBookingChange.push(performance.now() - b0);
    }
    const inProcess: { total: number; read: number; aggregate: number; present: number; csv: number }[] = [];
    for (let r = 0; r < RUNS; r++) {
      touch();
      const t0 = performance.now();
      const data = buildReport(ctx, request);
      const t1 = performance.now();
      presentReport(data);
      const t2 = performance.now();
      reportCsv(data);
      const t3 = performance.now();
      // The aggregate's fixed part (hour tables, opening hours) without bookings.
      const a0 = performance.now();
      aggregate(data.rooms, [], request.period, Date.now());
      const a1 = performance.now();
      inProcess.push({ total: t3 - t0, read: t1 - t0, aggregate: a1 - a0, present: t2 - t1, csv: t3 - t2 });
    }

    const browser = new TestBrowser(app.url);
    const signedIn = await browser.signIn('bench', 'bench-password-123');
    if (signedIn.status !== 303) throw new Error(`bench sign-in answered ${signedIn.status}`);
    const serverMs: number[] = [];
    app.server.on('request', (req, res) => {
      if (!req.url?.startsWith('/reports')) return;
      const t0 = process.hrtime.bigint();
      res.on('finish', () => serverMs.push(Number(process.hrtime.bigint() - t0) / 1e6));
    });
    const timed = async (path: string, afterChange = true) => {
      const out: { ms: number; kb: number }[] = [];
      for (let r = 0; r < RUNS; r++) {
        if (afterChange) touch();
        serverMs.length = 0;
        const res = await browser.get(path);
        const body = await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        // 'finish' can fire just after the client has the body: wait for it (bounded).
        const deadline = Date.now() + 5_000;
        while (!serverMs.length && Date.now() < deadline) await new Promise((r) => setImmediate(r));
        out.push({ ms: serverMs[0] ?? NaN, kb: body.byteLength / 1024 });
      }
      return { ms: median(out.map((o) => o.ms)), kb: out[0]!.kb };
    };
    const page = await timed(`/reports?from=${FROM}&to=${TO}`);
    const csv = await timed(`/reports.csv?from=${FROM}&to=${TO}`);
    // Nothing changed since the last report: the CSV after the page, a reload.
    const repeat = await timed(`/reports?from=${FROM}&to=${TO}`, false);
    const oneBuilding = await timed(`/reports?from=${FROM}&to=${TO}&building=${encodeURIComponent('Building 1')}`);

    return {
      name: `Utilisation report: ${ROOMS} rooms × one year (${bookings} app bookings + Outlook meetings), production mode`,
      results: {
        'seed s': round(seedMs / 1000),
        'BEFORE: report from the bookings (no summaries), in-process ms median': round(median(legacy)),
        'first report ever (builds every room-day summary once), in-process ms': round(fillMs),
        'first report after the summaries were forgotten, built in the request: ms': round(notBuilt.ms),
        '  built in the request, CPU ms': round(notBuilt.cpu),
        'first report after the summaries were forgotten, background builder done first: ms': round(built.ms),
        '  background builder done first, CPU ms': round(built.cpu),
        'same, on another instance (reads the stored summaries, nothing in memory): ms': round(otherInstance.ms),
        '  other instance, CPU ms': round(otherInstance.cpu),
        '  ratio not built / built (CPU)': round(notBuilt.cpu / built.cpu, 2),
        'background builder pass (all rooms, a year): ms': round(passed.ms),
        '  builder pass, CPU ms': round(passed.cpu),
        '  rooms / room-days it built': `${pass.roomsBuilt} / ${pass.daysBuilt}`,
        '  longest single step (one transaction; event loop held), ms': round(pass.longestStepMs),
        ...chunkRuns,
        'AFTER: report after one booking moved (its room-days rebuilt), in-process ms median': round(median(afterBookingChange)),
        'in-process ms median, report + page model + CSV': round(median(inProcess.map((x) => x.total))),
        '  of which reading rows (service) + aggregate': round(median(inProcess.map((x) => x.read))),
        '  of which aggregate without items (hour tables, opening hours)': round(median(inProcess.map((x) => x.aggregate))),
        '  of which page model (tables, SVG)': round(median(inProcess.map((x) => x.present))),
        '  of which CSV': round(median(inProcess.map((x) => x.csv))),
        'GET /reports server ms median (all buildings, a year, first after a change; target < 1000)': round(page.ms),
        'GET /reports again with nothing changed, server ms median': round(repeat.ms),
        'GET /reports HTML KB': round(page.kb),
        'GET /reports.csv server ms median': round(csv.ms),
        'GET /reports.csv KB': round(csv.kb),
        'GET /reports one building (50 rooms) server ms median': round(oneBuilding.ms),
        'load average (1 min) during the run': round(loadavg()[0]!, 1),
      },
      targets: { 'report for 500 rooms × a year': 'no target in the issue; compare runs' },
    };
  } finally {
    await app.close();
  }
}

// Runnable on its own with tsx, printing the same lines as run.ts.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await run();
  console.log(`\n## ${report.name}`);
  for (const [k, v] of Object.entries(report.results ?? {})) console.log(`  ${k.padEnd(64)} ${v}`);
  if (report.targets) for (const [k, v] of Object.entries(report.targets)) console.log(`  target: ${k.padEnd(56)} ${v}`);
}
