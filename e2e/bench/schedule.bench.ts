// The reception day view at scale: 200 rooms with 10 bookings each, served by the real app (production view cache,
// gzip) on 127.0.0.1 with a temp database. Server time is measured inside the process, from the request event to the
// response's 'finish' (so it includes rendering and gzip, not the client). Steady-state requests are served from the
// schedule's cache (kept until bookings, rooms or users change); the cold line shows a request right after a change.
import { request, Agent } from 'node:http';
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR } from '../../server/audit/record.ts';
import { insertBooking } from '../../server/bookings/repo.ts';
import { createRoom } from '../../server/rooms/service.ts';
import { startTestApp, TestBrowser } from '../../server/test/test-app.ts';
import type { BenchReport } from './run.ts';

const ROOMS = 200;
const BOOKINGS_PER_ROOM = 10;
const WARMUP = 20;
const COLD_REQUESTS = 15;
/** Each load phase stops at whichever comes first, so the bench stays bounded on a slow machine. */
const PHASE_MS = 5_000;
const PHASE_MAX_REQUESTS = 3_000;
const ZONE = 'Europe/London';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

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
    const date = DateTime.now().setZone(ZONE).plus({ days: 1 }).toFormat('yyyy-MM-dd');
    const organizerId = (ctx.db.prepare("SELECT id FROM users WHERE username = 'bench'").get() as { id: number }).id;
    const at = DateTime.utc().toISO();
    ctx.db.transaction(() => {
      for (let i = 0; i < ROOMS; i++) {
        const room = createRoom(ctx, SYSTEM_ACTOR, {
          name: `Room ${String(i + 1).padStart(3, '0')}`,
          alias: `bench${i + 1}`,
          email: `bench${i + 1}@example.com`,
          capacity: 2 + (i % 20),
          building: `Building ${1 + Math.floor(i / 50)}`,
          floor: String(1 + (Math.floor(i / 10) % 5)),
          timeZone: ZONE,
          opensAt: '07:00',
          closesAt: '20:00',
          maxDurationMinutes: 240,
          horizonDays: 180,
          active: true,
          equipment: i % 3 ? ['projector', 'whiteboard'] : ['video'],
        });
        for (let b = 0; b < BOOKINGS_PER_ROOM; b++) {
          const start = DateTime.fromISO(`${date}T08:00`, { zone: ZONE }).plus({ minutes: b * 70 + (i % 4) * 5 });
          insertBooking(
            ctx.db,
            {
              uid: `rb-${randomBytes(12).toString('hex')}`,
              idempotencyKey: randomBytes(16).toString('base64url'),
              roomId: room.id,
              organizerId,
              createdById: organizerId,
              subject: `Weekly sync ${b + 1} of team ${i + 1}`,
              description: '',
              private: b % 5 === 4,
              startsAt: start.toUTC().toISO()!,
              endsAt: start.plus({ minutes: 45 }).toUTC().toISO()!,
              at,
            },
            [{ email: 'someone@example.com', name: 'Someone', role: 'required' }, { email: 'other@example.com', name: null, role: 'optional' }],
          );
        }
      }
    })();

    const browser = new TestBrowser(app.url);
    const signedIn = await browser.signIn('bench', 'bench-password-123');
    if (signedIn.status !== 303) throw new Error(`bench sign-in answered ${signedIn.status}`);
    const cookie = `roombook.sid=${browser.cookie('roombook.sid')}`;
    const url = new URL(`/schedule?date=${date}`, app.url);

    const serverMs: number[] = [];
    let recording = false;
    app.server.on('request', (req, res) => {
      if (!req.url?.startsWith('/schedule')) return;
      const t0 = process.hrtime.bigint();
      res.on('finish', () => recording && serverMs.push(Number(process.hrtime.bigint() - t0) / 1e6));
    });

    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const get = (gzip: boolean) =>
      new Promise<{ status: number; bytes: number }>((resolve, reject) => {
        const req = request(url, { agent, headers: { cookie, accept: 'text/html', ...(gzip ? { 'accept-encoding': 'gzip' } : {}) } }, (res) => {
          let bytes = 0;
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        });
        req.on('error', reject);
        req.end();
      });

    const raw = await get(false);
    const zipped = await get(true);
    if (raw.status !== 200) throw new Error(`/schedule answered ${raw.status}`);
    for (let i = 0; i < WARMUP; i++) await get(true);

    async function phase(concurrency: number): Promise<{ rps: number; ms: number[]; cpuMs: number }> {
      serverMs.length = 0;
      recording = true;
      let sent = 0;
      const started = performance.now();
      const cpu = process.cpuUsage();
      const worker = async () => {
        while (sent < PHASE_MAX_REQUESTS && performance.now() - started < PHASE_MS) {
          sent++;
          const r = await get(true);
          if (r.status !== 200) throw new Error(`/schedule answered ${r.status}`);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const seconds = (performance.now() - started) / 1000;
      recording = false;
      const used = process.cpuUsage(cpu);
      // CPU time per request (server and this in-process client together) does not grow when other work shares the
      // cores, unlike wall-clock times: it is the number to compare between machines.
      return { rps: sent / seconds, ms: [...serverMs].sort((a, b) => a - b), cpuMs: (used.user + used.system) / 1000 / sent };
    }
    // Cold: the first request after a change (a booking's subject edited), which rebuilds and re-renders the day.
    const cold: number[] = [];
    const touch = ctx.db.prepare("UPDATE bookings SET subject = subject || '.' WHERE id = (SELECT min(id) FROM bookings)");
    for (let i = 0; i < COLD_REQUESTS; i++) {
      touch.run();
      serverMs.length = 0;
      recording = true;
      await get(true);
      recording = false;
      cold.push(serverMs[0] ?? NaN);
    }
    cold.sort((a, b) => a - b);

    const one = await phase(1);
    const eight = await phase(8);
    agent.destroy();

    return {
      name: `Reception day view: ${ROOMS} rooms × ${BOOKINGS_PER_ROOM} bookings (GET /schedule, production mode)`,
      results: {
        'server ms median, cold (first after a change)': round(percentile(cold, 50)),
        'server ms median (concurrency 1)': round(percentile(one.ms, 50)),
        'server ms p99 (concurrency 1)': round(percentile(one.ms, 99)),
        'server ms median (concurrency 8)': round(percentile(eight.ms, 50)),
        'server ms p99 (concurrency 8)': round(percentile(eight.ms, 99)),
        'requests/s (concurrency 1)': round(one.rps, 1),
        'requests/s (concurrency 8)': round(eight.rps, 1),
        'requests measured (c1 / c8)': `${one.ms.length} / ${eight.ms.length}`,
        'CPU ms per request, server + client (c1)': round(one.cpuMs),
        'load average (1 min) during the run': round(loadavg()[0]!, 1),
        'HTML KB (uncompressed)': round(raw.bytes / 1024, 1),
        'HTML KB (gzip)': round(zipped.bytes / 1024, 1),
      },
      targets: {
        'server ms median': '< 10 (classic PHP peer: ~110 ms)',
        'requests/s at concurrency 8': '>= 300',
        'HTML size with gzip': '< 250 KB (classic PHP peer: ~870 KB)',
      },
    };
  } finally {
    await app.close();
  }
}
