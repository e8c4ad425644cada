// Mixed load: 200 simulated users against one app (200 rooms × 10 bookings a day, 20,000 bookings, production mode,
// the emulator in its own process), each user one connection of the load generator making one request a second
// (autocannon's slowest pace), each user starting at their own moment within the second (load-client.mjs: users do
// not click in step): 50 receptionists on the day view, 50 people reading My bookings, 20 on week views,
// 70 door displays polling their room's status, and the Exchange-bound work at a rate people do it: 6 finding rooms
// in their building and 4 booking and changing bookings (each of those calls Exchange free/busy; at one a second
// each from 50 people they queued behind the gateway's 8 connections and timed out). Two identical phases ("minutes"; BENCH_MIXED_SECONDS
// each, default 20, the issue's figure is 60) show whether RSS grows. Errors are socket errors, timeouts and 5xx;
// a 409 (slot just taken by another user) is a correct answer.
//
// The app runs in its own process, as `npm start` runs it (startAppProcess), on the database this bench seeded: its
// CPU and RSS are the deployed app's, not the bench's (which holds the seeding, the test app that seeded and tsx's
// caches; in one process the "RSS" was 725 MB of which the app was a part). Its background jobs run as deployed (the
// outbox sends the bookings made under load to the emulator, the report summaries are built), except the reconciler:
// the seeded 20,000 bookings were never sent to the emulator, so it would find every one of them missing there.
import { SYSTEM_ACTOR } from '../../server/audit/record.ts';
import { createDeviceToken } from '../../server/schedule/tokens.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp } from '../../server/test/test-app.ts';
import type { BenchReport } from './run.ts';
import {
  load,
  localDate,
  PRODUCTION_ENV,
  processRssMb,
  row,
  seedDay,
  seedPast,
  seedRooms,
  seedUsers,
  signInSessions,
  startAppProcess,
  startEmulatorProcess,
  userId,
  type LoadGroup,
} from './support.ts';

const SECONDS = Number(process.env.BENCH_MIXED_SECONDS ?? 20);
// BENCH_MIXED_AMOUNT=n: each user makes n requests a phase instead (the same work in both runs of a before/after
// comparison on a busy machine, where a timed phase serves whatever mix the CPU allowed).
const AMOUNT = process.env.BENCH_MIXED_AMOUNT ? Number(process.env.BENCH_MIXED_AMOUNT) : null;
const WARM_UP_SECONDS = 5;
const METRICS_TOKEN = 'bench-metrics-token-0123456789';

export async function run(): Promise<BenchReport> {
  const emulator = await startEmulatorProcess();
  const dir = mkdtempSync(join(tmpdir(), 'roombook-mixed-'));
  const env = { ...PRODUCTION_ENV, ...emulator.appEnv, DATABASE_PATH: join(dir, 'app.db') };
  const seeding = await startTestApp(env, undefined, dir);
  let app: Awaited<ReturnType<typeof startAppProcess>> | undefined;
  try {
    const ctx = seeding.ctx;
    const organizer = userId(ctx, 'bench');
    const today = localDate(1);
    const rooms = await seedRooms(ctx, 200, emulator.url);
    seedDay(ctx, rooms, today, 10, organizer);
    seedPast(ctx, rooms, 18_000, organizer);
    // Each signed-in user is a different person (My bookings then lists their own few, not the bench admin's 20,000).
    const users = seedUsers(ctx, 130);
    const displays = rooms.slice(0, 70).map((r) => ({
      alias: r.alias,
      secret: createDeviceToken(ctx, SYSTEM_ACTOR, { label: `Door ${r.alias}`, roomIds: [r.id], showSubjects: false }).secret,
    }));
    // The people who book have mailboxes, so the outbox's sends reach the rooms as an organizer's would.
    const org = (await (await fetch(`${emulator.url}/_emulator/org`)).json()) as { mailboxes: Record<string, unknown>[] };
    const people = users.map((u) => ({ alias: u, smtp: `${u}@example.com`, displayName: u, kind: 'user' }));
    const put = await fetch(`${emulator.url}/_emulator/org`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...org, mailboxes: [...org.mailboxes, ...people] }),
    });
    if (!put.ok) throw new Error(`emulator org: ${put.status}`);
    await seeding.stop();
    app = await startAppProcess({ ...env, RECONCILE_INTERVAL_SECONDS: '0', METRICS_TOKEN: METRICS_TOKEN });
    const appUrl = app.url;
    // The V8 heap in use (live data and garbage not yet collected) from the app's own /metrics: RSS alone cannot tell a
    // leak from a heap V8 has not yet collected.
    // Also the event loop's delay since the last scrape (prom-client resets its histogram on each): a stall holds up
    // every request at once, whatever its group.
    const scrape = async () => {
      const text = await (await fetch(`${appUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      const metric = (name: string) => Number(new RegExp(`^roombook_${name} (\\S+)$`, 'm').exec(text)?.[1]);
      return {
        heap: metric('nodejs_heap_size_used_bytes') / 2 ** 20,
        heapTotal: metric('nodejs_heap_size_total_bytes') / 2 ** 20,
        external: metric('nodejs_external_memory_bytes') / 2 ** 20,
        lagP99: metric('nodejs_eventloop_lag_p99_seconds') * 1000,
        lagMax: metric('nodejs_eventloop_lag_max_seconds') * 1000,
      };
    };
    const sessions = await signInSessions(app.url, 130, users);
    const bookDates = [localDate(5), localDate(6), localDate(7)];
    const groups: LoadGroup[] = [
      {
        name: 'reception day view',
        url: app.url,
        connections: 50,
        rate: 1,
        cookies: sessions.slice(0, 50),
        gzip: true,
        paths: [`/schedule?date=${today}`, `/schedule?date=${today}&building=Building+2`],
      },
      {
        name: 'find a room',
        url: app.url,
        connections: 6,
        rate: 1,
        cookies: sessions.slice(50, 56),
        gzip: true,
        paths: [1, 2, 3, 4].map((b) => `/find?date=${today}&start=15:00&end=16:00&people=4&building=Building+${b}`),
      },
      {
        name: 'book and change',
        url: app.url,
        connections: 4,
        rate: 1,
        cookies: sessions.slice(56, 60),
        kind: 'book',
        book: { rooms: rooms.slice(100).map((r) => r.id), dates: bookDates },
      },
      { name: 'My bookings', url: app.url, connections: 50, rate: 1, cookies: sessions.slice(60, 110), gzip: true, paths: ['/bookings'] },
      {
        name: 'week view',
        url: app.url,
        connections: 20,
        rate: 1,
        cookies: sessions.slice(110, 130),
        gzip: true,
        paths: rooms.slice(0, 20).map((r) => `/schedule/rooms/${r.id}/week?date=${today}`),
      },
      { name: 'door displays', url: app.url, connections: 70, rate: 1, paths: displays.map((d) => `/api/rooms/${d.alias}/status?token=${d.secret}`) },
    ];
    // BENCH_MIXED_ONLY=name: run one group alone (to see which part is slow).
    const only = process.env.BENCH_MIXED_ONLY;
    if (only) groups.splice(0, groups.length, ...groups.filter((g) => g.name.includes(only)));
    // A fresh process compiles its modules and templates and warms its JIT on the first requests: a short pass of the
    // same mix first (not counted), as a deployed app has long been warm when 200 people use it.
    await load(WARM_UP_SECONDS, groups);
    await scrape();
    const phases = [];
    for (let minute = 0; minute < 2; minute++) {
      let rss = 0;
      const pid = app.pid;
      const sampler = setInterval(() => (rss = Math.max(rss, processRssMb(pid))), 250);
      const result = await load(AMOUNT ? { amount: AMOUNT } : SECONDS, groups, pid);
      clearInterval(sampler);
      const fivexx = Object.entries(result.statuses)
        .filter(([s]) => s.startsWith('5'))
        .reduce((n, [, c]) => n + c, 0);
      phases.push({ result, rss, ...(await scrape()), errors: result.errors + fivexx + result.groups.reduce((n, g) => n + g.timeouts, 0) });
    }
    const [a, b] = phases as [(typeof phases)[0], (typeof phases)[0]];
    return {
      name: `Mixed load: 200 users, ${AMOUNT ? `${AMOUNT} requests each` : `${SECONDS} s`} × 2 (${Object.entries(a.result.statuses)
        .map(([s, n]) => `${s}: ${n}`)
        .join(', ')})`,
      rows: [
        row('mixed: responses per second', a.result.rps, 'req/s', ''),
        row('mixed: errors (socket, timeout, 5xx), both phases', a.errors + b.errors, '', '0'),
        row('mixed: p95 latency', a.result.p95, 'ms', '≤ 200'),
        row('mixed: p50 latency', a.result.p50, 'ms', ''),
        row('mixed: server CPU per response, first / second phase', a.result.cpuMsPerRequest, 'ms', '', {
          value: b.result.cpuMsPerRequest,
          of: 'ms in the second',
        }),
        row('mixed: RSS max, first phase', a.rss, 'MB', '≤ 300'),
        row('mixed: RSS max, second identical phase', b.rss, 'MB', 'no growth', { value: b.rss / a.rss, of: 'first phase' }),
        row('mixed: V8 heap used at the end of the first phase', a.heap, 'MB', ''),
        row('mixed: V8 heap used at the end of the second phase', b.heap, 'MB', '', { value: b.heap / a.heap, of: 'first phase' }),
        row('mixed: V8 heap total (reserved) / external memory at the end of the second phase', b.heapTotal, 'MB', '', {
          value: b.external,
          of: 'MB external',
        }),
        row('mixed: event loop delay p99, first / second phase', a.lagP99, 'ms', '', { value: b.lagP99, of: 'ms in the second' }),
        row('mixed: event loop delay max, first / second phase', a.lagMax, 'ms', '', { value: b.lagMax, of: 'ms in the second' }),
        ...a.result.groups.map((g) => row(`mixed, first phase: ${g.name}: requests (timeouts ${g.timeouts}, errors ${g.errors})`, g.requests, '', '')),
        // A group with no answers has no percentiles (NaN, null in the JSON): shown as NaN.
        ...a.result.groups.map((g) => row(`mixed, first phase: ${g.name}: p95 (p50 ${Math.round(g.p50 ?? NaN)} ms)`, g.p95 ?? NaN, 'ms', '')),
        ...b.result.groups.map((g) => row(`mixed, second phase: ${g.name}: p95 (p50 ${Math.round(g.p50 ?? NaN)} ms)`, g.p95 ?? NaN, 'ms', '')),
      ],
    };
  } finally {
    await app?.close();
    await seeding.stop();
    rmSync(dir, { recursive: true, force: true });
    emulator.close();
  }
}
