// Shared pieces of the benches: seeding rooms and bookings fast, signing people in, the "floor" server, and the load
// generator (load-client.mjs in a child process, so process.cpuUsage() here counts the server alone).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import express from 'express';
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR } from '../../server/audit/record.ts';
import { insertBooking } from '../../server/bookings/repo.ts';
import type { AppContext } from '../../server/context.ts';
import { createRoom, type Room } from '../../server/rooms/service.ts';
import { TestBrowser } from '../../server/test/test-app.ts';
import type { BenchRow } from './run.ts';

export const ZONE = 'Europe/London';
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
export const median = (list: number[]) =>
  percentile(
    [...list].sort((a, b) => a - b),
    50,
  );
export const round = (n: number, digits = 2) => Number(n.toFixed(digits));
export const localDate = (daysAhead: number) => DateTime.now().setZone(ZONE).plus({ days: daysAhead }).toFormat('yyyy-MM-dd');

export const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  DEMO_DATA: '0',
  EMULATOR_CONTROL_API: '1',
  BOOTSTRAP_ADMIN_USERNAME: 'bench',
  BOOTSTRAP_ADMIN_EMAIL: 'bench@example.com',
  BOOTSTRAP_ADMIN_PASSWORD: 'bench-password-123',
};

/** Rooms "Room 001"… in buildings of 50, open 07:00–20:00 in London, also registered as mailboxes in the emulator. */
export async function seedRooms(ctx: AppContext, count: number, emulatorUrl: string | null): Promise<Room[]> {
  const rooms = ctx.db.transaction(() =>
    Array.from({ length: count }, (_, i) =>
      createRoom(ctx, SYSTEM_ACTOR, {
        name: `Room ${String(i + 1).padStart(4, '0')}`,
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
      }),
    ),
  )();
  if (emulatorUrl) {
    const org = (await (await fetch(`${emulatorUrl}/_emulator/org`)).json()) as { mailboxes: Record<string, unknown>[] };
    // CASE: a second app seeding the same rooms into the same emulator (the history bench): each mailbox once.
    const known = new Set(org.mailboxes.map((m) => m.alias));
    const mailboxes = rooms
      .filter((r) => !known.has(r.alias))
      .map((r) => ({ alias: r.alias, smtp: r.email, displayName: r.name, kind: 'room', autoAccept: true }));
    const res = await fetch(`${emulatorUrl}/_emulator/org`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...org, mailboxes: [...org.mailboxes, ...mailboxes] }),
    });
    if (!res.ok) throw new Error(`emulator org: ${res.status}`);
  }
  return rooms;
}

/** `perRoom` bookings a room on `date` (45 minutes every 70, from `firstStart`, 08:00 unless given), with two attendees each, as the app makes them. */
export function seedDay(
  ctx: AppContext,
  rooms: Room[],
  date: string,
  perRoom: number,
  organizerId: number,
  firstStart: (roomIndex: number) => string = () => '08:00',
): void {
  const at = DateTime.utc().toISO();
  ctx.db.transaction(() => {
    rooms.forEach((room, i) => {
      for (let b = 0; b < perRoom; b++) {
        const start = DateTime.fromISO(`${date}T${firstStart(i)}`, { zone: ZONE }).plus({ minutes: b * 70 + (i % 4) * 5 });
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
          [
            { email: 'someone@example.com', name: 'Someone', role: 'required' },
            { email: 'other@example.com', name: null, role: 'optional' },
          ],
        );
      }
    });
  })();
}

/**
 * `count` booked meetings in the past (one hour each, spread over the rooms and the years before `before`, the same
 * organizer as everything else so My bookings has the most history to skip). Raw SQL: a million rows in seconds.
 */
export function seedPast(
  ctx: AppContext,
  rooms: Room[],
  count: number,
  organizerId: number,
  before = Date.now() - 2 * 86_400_000,
): { firstId: number; lastId: number } {
  const firstId = ((ctx.db.prepare('SELECT max(id) AS id FROM bookings').get() as { id: number | null }).id ?? 0) + 1;
  const insert = ctx.db.prepare(
    `INSERT INTO bookings (uid, idempotency_key, room_id, organizer_id, created_by_id, subject, description, private, starts_at, ends_at, state, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'Past meeting', '', 0, ?, ?, 'booked', ?, ?)`,
  );
  const tag = randomBytes(4).toString('hex');
  const BATCH = 50_000;
  for (let done = 0; done < count; done += BATCH) {
    ctx.db.transaction(() => {
      for (let i = done; i < Math.min(count, done + BATCH); i++) {
        // Ten bookings a room a day, going back in time from `before`.
        const room = rooms[i % rooms.length]!;
        const slot = Math.floor(i / rooms.length);
        const start = before - Math.floor(slot / 10) * 86_400_000 - (slot % 10) * 3_600_000;
        const s = new Date(start).toISOString();
        insert.run(`rb-past-${tag}-${i}`, `past-${tag}-${i}`, room.id, organizerId, organizerId, s, new Date(start + 3_600_000).toISOString(), s, s);
      }
    })();
  }
  ctx.db.pragma('optimize');
  return { firstId, lastId: firstId + count - 1 };
}

/** The booking form a bench create posts: `slot` picks one of 40 quarter hours from 08:00; a fresh idempotency key. */
export function benchBookingForm(roomId: number, date: string, slot: number): Record<string, string> {
  const minutes = 8 * 60 + 15 * (slot % 40);
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return {
    roomId: String(roomId),
    date,
    start: hhmm(minutes),
    end: hhmm(minutes + 15),
    subject: 'Bench booking',
    description: '',
    required: '',
    optional: '',
    idempotencyKey: randomBytes(16).toString('base64url'),
  };
}

export function userId(ctx: AppContext, username: string): number {
  return (ctx.db.prepare('SELECT id FROM users WHERE username = ?').get(username) as { id: number }).id;
}

/**
 * People for the mixed load: `count` users bench-u1… with the bench admin's password (its hash copied: no scrypt per
 * user), receptionists (they may open schedules and book like anyone).
 */
export function seedUsers(ctx: AppContext, count: number): string[] {
  const hash = (ctx.db.prepare("SELECT password_hash AS h FROM users WHERE username = 'bench'").get() as { h: string }).h;
  const insert = ctx.db.prepare(
    "INSERT INTO users (username, display_name, email, password_hash, role, source, created_at) VALUES (?, ?, ?, ?, 'receptionist', 'local', ?)",
  );
  const at = new Date().toISOString();
  return ctx.db.transaction(() =>
    Array.from({ length: count }, (_, i) => (insert.run(`bench-u${i + 1}`, `Bench User ${i + 1}`, `bench-u${i + 1}@example.com`, hash, at), `bench-u${i + 1}`)),
  )();
}

/** Signs in `count` separate sessions (of the bench admin, or of these users in turn); each gets its cookie and CSRF token (read from a form). */
export async function signInSessions(url: string, count: number, usernames: string[] = ['bench']): Promise<{ cookie: string; csrf: string }[]> {
  let n = 0;
  const one = async () => {
    const b = new TestBrowser(url);
    const res = await b.signIn(usernames[n++ % usernames.length]!, 'bench-password-123');
    if (res.status !== 303) throw new Error(`bench sign-in answered ${res.status}`);
    const form = await (await b.get('/bookings/new')).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
    return { cookie: `roombook.sid=${b.cookie('roombook.sid')}`, csrf };
  };
  const out: { cookie: string; csrf: string }[] = [];
  // scrypt runs on the thread pool: four at a time.
  for (let i = 0; i < count; i += 4) out.push(...(await Promise.all(Array.from({ length: Math.min(4, count - i) }, one))));
  return out;
}

/** The floor: a minimal Express 5 route sending fixed bytes (the same gzipped page), nothing else in the stack. */
export async function startFloor(body: Buffer, gzip: boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.get('/floor', (_req, res) => {
    res.type('html');
    if (gzip) res.set('Content-Encoding', 'gzip');
    res.end(body);
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface LoadGroup {
  name: string;
  url: string;
  connections: number;
  rate?: number;
  cookies?: { cookie: string; csrf: string }[];
  gzip?: boolean;
  paths?: string[];
  kind?: 'get' | 'book';
  book?: { rooms: number[]; dates: string[] };
}
export interface LoadResult {
  groups: { name: string; requests: number; errors: number; timeouts: number; non2xx: number; p50: number | null; p95: number | null; p99: number | null }[];
  statuses: Record<string, number>;
  errors: number;
  responses: number;
  p50: number;
  p95: number;
  p99: number;
  /** Server CPU (this process, all threads) per response, ms. */
  cpuMsPerRequest: number;
  rps: number;
}

/** The mean of load phases' figures (CPU per request, latency percentiles, req/s); counts are summed. */
export function meanOf(runs: LoadResult[]): LoadResult {
  const mean = (f: (r: LoadResult) => number) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
  return {
    groups: runs.flatMap((r) => r.groups),
    statuses: {},
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    responses: runs.reduce((sum, r) => sum + r.responses, 0),
    p50: mean((r) => r.p50),
    p95: mean((r) => r.p95),
    p99: mean((r) => r.p99),
    cpuMsPerRequest: mean((r) => r.cpuMsPerRequest),
    rps: mean((r) => r.rps),
  };
}

const CLIENT = fileURLToPath(new URL('./load-client.mjs', import.meta.url));

/**
 * Runs the load generator in a child process and measures the server's CPU while it runs: this process's, or, given
 * `serverPid`, that process's (an app started with startAppProcess).
 */
export async function load(length: number | { amount: number }, groups: LoadGroup[], serverPid?: number): Promise<LoadResult> {
  const plan = typeof length === 'number' ? { durationSec: length } : { amount: length.amount };
  const cpu = process.cpuUsage();
  const childCpu = serverPid === undefined ? 0 : processCpuMs(serverPid);
  const started = performance.now();
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [CLIENT, JSON.stringify({ ...plan, groups })], { maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const r = JSON.parse(out) as Omit<LoadResult, 'cpuMsPerRequest' | 'rps'>;
  const cpuMs = serverPid === undefined ? (used.user + used.system) / 1000 : processCpuMs(serverPid) - childCpu;
  return { ...r, cpuMsPerRequest: cpuMs / Math.max(1, r.responses), rps: r.responses / seconds };
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux everywhere but a few old architectures). */
const CLOCK_TICKS = 100;

/** User + system CPU of a process so far, ms (Linux /proc; 10 ms resolution). */
export function processCpuMs(pid: number): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the line (utime, stime) are 12 and 13 after the name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** A process's resident set size now, MB (Linux /proc). */
export function processRssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/**
 * The app in its own process, started as `npm start` starts it (scripts/start.mjs: compiled, no TypeScript loader, the
 * same heap cap) in production mode on a database
 * the bench prepared, so its CPU and memory are its own, not the bench's (seeding, the test client). Background jobs
 * run as in a deployment unless `env` turns them off.
 */
export async function startAppProcess(env: Record<string, string>): Promise<{ url: string; pid: number; close: () => Promise<void> }> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  // BENCH_APP_PROFILE=dir: the app writes a CPU profile there when it stops.
  const profile = process.env.BENCH_APP_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_APP_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, `--max-old-space-size=${process.env.HEAP_LIMIT_MB ?? 1024}`, 'scripts/start.mjs'], {
    cwd: root,
    // BENCH_APP_NODE_OPTIONS: Node options for the app alone (heap limits, --expose-gc) in experiments.
    env: { ...process.env, ...PRODUCTION_ENV, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /"event":"app.listening".*?"url":"http:\/\/localhost:(\d+)"/.exec(buffered);
      if (m) {
        child.stdout.off('data', onData);
        resolve(m[1]!);
      } else if (buffered.length > 1 << 20) buffered = buffered.slice(-4096);
    };
    child.stdout.on('data', onData);
    void exited.then(() => reject(new Error(`the app exited with ${child.exitCode}`)));
  });
  // Its access log is read and dropped, as a log shipper would: a full pipe would stall the app.
  child.stdout.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU and wall time of one async call, here in this process (server and in-process emulator alike). */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - t0, cpuMs: (used.user + used.system) / 1000, value };
}

export const row = (figure: string, value: number, unit: string, target: string, ratio?: { value: number; of: string }): BenchRow => ({
  figure,
  value,
  unit,
  target,
  ratio,
});

/**
 * The Exchange emulator in its own process (control API on), so this process's CPU is the app's alone. The app then
 * talks to it as to a real Exchange (EXCHANGE_URL, NTLM, the demo service account).
 */
export async function startEmulatorProcess(): Promise<{ url: string; appEnv: Record<string, string>; close: () => void }> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  // BENCH_EMULATOR_PROFILE=dir: the emulator writes a CPU profile there when it stops (its part of a search).
  const profile = process.env.BENCH_EMULATOR_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_EMULATOR_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'emulator/main.ts'], {
    cwd: root,
    env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_CONTROL_API: '1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    // Removed once the address is read: left on, it kept every later log line and searched the whole growing text
    // on each chunk, in the app's process (quadratic in the emulator's log: it showed as "app CPU" growing with history).
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /"url":"(http:[^"]+)"/.exec(buffered);
      if (m) {
        child.stdout.off('data', onData);
        buffered = '';
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  // BENCH_EMULATOR_LOG=file: the emulator's log lines (one per request) go there, to count what the app asked.
  if (process.env.BENCH_EMULATOR_LOG) child.stdout.pipe(createWriteStream(process.env.BENCH_EMULATOR_LOG));
  else child.stdout.resume();
  return {
    url,
    appEnv: {
      EXCHANGE_URL: url,
      EXCHANGE_AUTH: 'ntlm',
      EXCHANGE_USERNAME: 'booking-svc',
      EXCHANGE_PASSWORD: 'demo',
      SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789',
    },
    close: () => void child.kill('SIGTERM'),
  };
}

/**
 * Before a figure taken one request at a time: a full garbage collection and a short pause, so that it starts from
 * the same heap whatever ran before. Right after a 5 s load phase the same day-view rebuild took 12.4 ms; after the
 * collector had caught up, 7.2 ms (the history bench's A-B-A runs). A figure is then the request's, not the garbage
 * of the previous phase's 4,000.
 */
export async function settle(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/**
 * The time the database's statements take while `recording`, summed (ms). History can only slow a page through its
 * queries (nothing in the process keeps past bookings), and a page's few-millisecond total moves by more than that
 * between runs; the queries' own time does not. Wraps the statements `prepare` hands out from now on (the connection
 * keeps one per SQL text, so each is wrapped once). Bench only.
 */
export function statementClock(db: AppContext['db']): { ms: number; recording: boolean } {
  const clock = { ms: 0, recording: false };
  const wrapped = new WeakSet<object>();
  const handle = db as unknown as { prepare: (sql: string) => Record<string, unknown> };
  const prepare = handle.prepare.bind(handle);
  handle.prepare = (sql: string) => {
    const statement = prepare(sql);
    if (wrapped.has(statement)) return statement;
    wrapped.add(statement);
    for (const method of ['all', 'get', 'run', 'iterate']) {
      const original = statement[method];
      if (typeof original !== 'function') continue;
      statement[method] = function (this: unknown, ...args: unknown[]) {
        if (!clock.recording) return (original as (...a: unknown[]) => unknown).apply(this, args);
        const t0 = performance.now();
        try {
          return (original as (...a: unknown[]) => unknown).apply(this, args);
        } finally {
          clock.ms += performance.now() - t0;
        }
      };
    }
    return statement;
  };
  return clock;
}

/** BENCH_PROFILE=dir: a CPU profile of just `fn` (the measured phase, not the seeding) is written there. */
export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return fn();
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // BENCH_PROFILE_INTERVAL_US: V8 samples every 1 ms by default, a handful of samples in a 5 ms request.
  await session.post('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 1000) });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}
