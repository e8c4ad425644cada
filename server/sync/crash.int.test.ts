import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { startEmulator, type RunningEmulator } from '../../emulator/index.ts';
import { freePort, spawnApp, type SpawnedApp } from '../test/spawn-app.ts';
import { TestBrowser } from '../test/test-app.ts';
import { waitFor } from '../test/wait.ts';

const BOOKINGS = 20;
/** Plus one weekly series of this many dates (issue 14): its one invitation must not be sent twice either. */
const SERIES_DATES = 6;

let emulator: RunningEmulator;
let dir: string;
let port: number;

let app: SpawnedApp | undefined;

/** The app as a separate process on the same port and database each time, so it can be killed like a crashed server. */
async function startAppProcess(env: Record<string, string> = {}): Promise<SpawnedApp> {
  app = await spawnApp(port, {
    DATABASE_PATH: join(dir, 'app.db'),
    EXCHANGE_URL: emulator.url,
    EXCHANGE_AUTH: 'forms',
    EXCHANGE_USERNAME: 'booking-svc',
    EXCHANGE_PASSWORD: 'demo',
    SESSION_SECRET: 'crash-test-secret-crash-test-secret-123',
    DEMO_DATA: '1',
    RECONCILE_INTERVAL_SECONDS: '0',
    ...env,
  });
  return app;
}

function query<T>(sql: string): T[] {
  const db = new Database(join(dir, 'app.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const states = () => new Map(query<{ uid: string; state: string }>('SELECT uid, state FROM bookings').map((r) => [r.uid, r.state]));
/** Where the outbox is: changes whenever the worker records a step (the unit a crash must not repeat). */
const progress = () => JSON.stringify(query('SELECT id, step, status FROM outbox_jobs ORDER BY id'));
const submitting = () => query("SELECT id FROM outbox_jobs WHERE step = 'submitting' AND status = 'running'").length > 0;

before(async () => {
  emulator = await startEmulator({ controlApi: true });
  dir = mkdtempSync(join(tmpdir(), 'roombook-crash-'));
  port = await freePort();
});

after(async () => {
  await app?.kill();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SIGKILL between gateway steps of 20 bookings: after restarts every booking reaches Exchange exactly once', { timeout: 600_000 }, async () => {
  // The bookings are queued with the outbox off, so all twenty are still to send when the kills begin (on a loaded
  // machine the worker would otherwise send them while the form posts are still being made).
  app = await startAppProcess({ BACKGROUND_JOBS: '0' });
  const alice = new TestBrowser(app.url);
  assert.equal((await alice.signIn('alice')).status, 303);
  const rooms = query<{ id: number }>('SELECT id FROM rooms WHERE active = 1 ORDER BY id').map((r) => String(r.id));
  const day = DateTime.now().setZone('Europe/London').plus({ days: 3 }).toFormat('yyyy-MM-dd');

  // Every Exchange request is slow, so kills land inside and between the steps of each booking.
  await fetch(`${emulator.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'latency', latencyMs: 120 }),
  });
  for (let i = 0; i < BOOKINGS; i++) {
    const room = rooms[i % rooms.length]!;
    const hour = 8 + Math.floor(i / rooms.length);
    const form = await (await alice.get(`/bookings/new?roomId=${room}`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    const res = await alice.post('/bookings', {
      roomId: room,
      date: day,
      start: `${hour}:00`.padStart(5, '0'),
      end: `${hour}:30`.padStart(5, '0'),
      subject: `Crash ${i}`,
      description: '',
      required: 'bob@example.com',
      optional: 'rita@example.com',
      idempotencyKey: key,
    });
    assert.equal(res.status, 303, `booking ${i}`);
  }
  let tuesday = DateTime.now().setZone('Europe/London').plus({ days: 3 });
  while (tuesday.weekday !== 2) tuesday = tuesday.plus({ days: 1 });
  const seriesForm = await (await alice.get(`/bookings/new?roomId=${rooms[0]}`)).text();
  const seriesRes = await alice.post('/bookings', {
    roomId: rooms[0]!,
    date: tuesday.toFormat('yyyy-MM-dd'),
    start: '12:00',
    end: '12:30',
    subject: 'Crash series',
    description: '',
    required: 'bob@example.com',
    optional: 'rita@example.com',
    idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(seriesForm)![1]!,
    repeat: 'weekly',
    repeatDays: 'TU',
    repeatEnd: 'count',
    repeatCount: String(SERIES_DATES),
  });
  assert.equal(seriesRes.status, 303, 'the series');

  await app.kill();
  app = await startAppProcess();

  // Kill the app while the outbox works and start it again on the same database. Each kill waits for a state, not
  // a time: right after a step was recorded (between steps), or while a submission (MOVE) is in flight.
  const allBooked = () => [...states().values()].every((s) => s === 'booked');
  let killsMidWork = 0;
  for (const moment of ['between-steps', 'mid-submit', 'between-steps', 'mid-submit', 'between-steps'] as const) {
    const seen = progress();
    await waitFor(`the outbox to move on (${moment})`, () => progress() !== seen && (moment === 'between-steps' || submitting() || allBooked()), {
      timeoutMs: 120_000,
      intervalMs: 10,
    });
    if ([...states().values()].some((s) => s !== 'booked')) killsMidWork++;
    await app.kill();
    app = await startAppProcess();
  }
  assert.ok(killsMidWork >= 3, `only ${killsMidWork} kills landed while bookings were still on their way`);
  await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
  await waitFor('every booking booked', () => states().size === BOOKINGS + SERIES_DATES && [...states().values()].every((s) => s === 'booked'), {
    timeoutMs: 120_000,
    intervalMs: 100,
  });
  await app.kill();

  const byUid = states();
  assert.equal(byUid.size, BOOKINGS + SERIES_DATES);
  // Exchange knows the series by one UID (its dates' rows add the date to it).
  const seriesUid = query<{ uid: string }>('SELECT uid FROM booking_series')[0]!.uid;
  for (const uid of [...byUid.keys()]) if (uid.startsWith(`${seriesUid}-`)) byUid.delete(uid);
  byUid.set(seriesUid, 'booked');
  assert.deepEqual([...new Set(byUid.values())], ['booked']);
  for (const alias of ['bob', 'rita']) {
    const inbox = (await (await fetch(`${emulator.url}/_emulator/mailboxes/${alias}/items?folder=inbox`)).json()) as { props: Record<string, string> }[];
    const requests = inbox.filter((i) => i.props['http://schemas.microsoft.com/exchange/outlookmessageclass'] === 'IPM.Schedule.Meeting.Request');
    const counts = new Map<string, number>();
    for (const r of requests) counts.set(r.props['urn:schemas:calendar:uid']!, (counts.get(r.props['urn:schemas:calendar:uid']!) ?? 0) + 1);
    for (const uid of byUid.keys()) assert.equal(counts.get(uid), 1, `${alias} got ${counts.get(uid) ?? 0} invitations for ${uid}`);
  }
});
