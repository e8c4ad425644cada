import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { startEmulator, type RunningEmulator } from '../../emulator/index.ts';
import { TestBrowser } from '../test/test-app.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const BOOKINGS = 20;

let emulator: RunningEmulator;
let dir: string;
let port: number;

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** The app as a separate process, so it can be killed with SIGKILL like a crashed server. */
async function startAppProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: join(dir, 'app.db'),
      EXCHANGE_URL: emulator.url,
      EXCHANGE_AUTH: 'forms',
      EXCHANGE_USERNAME: 'booking-svc',
      EXCHANGE_PASSWORD: 'demo',
      SESSION_SECRET: 'crash-test-secret-crash-test-secret-123',
      DEMO_DATA: '1',
      RECONCILE_INTERVAL_SECONDS: '0',
      LOG_LEVEL: 'silent',
    },
  });
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) return child;
    await sleep(100);
  }
  throw new Error('app did not start');
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

function states(): Map<string, string> {
  const db = new Database(join(dir, 'app.db'), { readonly: true, fileMustExist: true });
  try {
    return new Map((db.prepare('SELECT uid, state FROM bookings').all() as { uid: string; state: string }[]).map((r) => [r.uid, r.state]));
  } finally {
    db.close();
  }
}

before(async () => {
  emulator = await startEmulator({ controlApi: true });
  dir = mkdtempSync(join(tmpdir(), 'roombook-crash-'));
  port = await freePort();
});

after(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SIGKILL between gateway steps of 20 bookings: after restarts every booking reaches Exchange exactly once', { timeout: 240_000 }, async () => {
  let app = await startAppProcess();
  const alice = new TestBrowser(`http://127.0.0.1:${port}`);
  assert.equal((await alice.signIn('alice')).status, 303);
  const rooms = [...(await (await alice.get('/rooms')).text()).matchAll(/href="\/rooms\/(\d+)">/g)].map((m) => m[1]!);
  const day = DateTime.now().setZone('Europe/London').plus({ days: 3 }).toFormat('yyyy-MM-dd');

  // Every Exchange request is slow, so kills land inside and between the steps of each booking.
  await fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'latency', latencyMs: 120 }) });
  for (let i = 0; i < BOOKINGS; i++) {
    const room = rooms[i % rooms.length]!;
    const hour = 8 + Math.floor(i / rooms.length);
    const form = await (await alice.get(`/bookings/new?roomId=${room}`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    const res = await alice.post('/bookings', {
      roomId: room, date: day, start: `${hour}:00`.padStart(5, '0'), end: `${hour}:30`.padStart(5, '0'),
      subject: `Crash ${i}`, description: '', required: 'bob@example.com', optional: 'rita@example.com', idempotencyKey: key,
    });
    assert.equal(res.status, 303, `booking ${i}`);
  }

  // Kill the app at uneven moments while the outbox works, and start it again on the same database.
  let killsMidWork = 0;
  for (const pause of [450, 700, 300, 900, 550]) {
    await sleep(pause);
    if ([...states().values()].some((s) => s !== 'booked')) killsMidWork++;
    await kill(app);
    app = await startAppProcess();
  }
  assert.ok(killsMidWork >= 3, `only ${killsMidWork} kills landed while bookings were still on their way`);
  await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
  for (let i = 0; i < 300 && [...states().values()].some((s) => s !== 'booked'); i++) await sleep(100);
  await kill(app);

  const byUid = states();
  assert.equal(byUid.size, BOOKINGS);
  assert.deepEqual([...new Set(byUid.values())], ['booked']);
  for (const alias of ['bob', 'rita']) {
    const inbox = (await (await fetch(`${emulator.url}/_emulator/mailboxes/${alias}/items?folder=inbox`)).json()) as { props: Record<string, string> }[];
    const requests = inbox.filter((i) => i.props['http://schemas.microsoft.com/exchange/outlookmessageclass'] === 'IPM.Schedule.Meeting.Request');
    const counts = new Map<string, number>();
    for (const r of requests) counts.set(r.props['urn:schemas:calendar:uid']!, (counts.get(r.props['urn:schemas:calendar:uid']!) ?? 0) + 1);
    for (const uid of byUid.keys()) assert.equal(counts.get(uid), 1, `${alias} got ${counts.get(uid) ?? 0} invitations for ${uid}`);
  }
});
