// Issue 15: the app is SIGKILLed between the two steps of a room release (the room's cancellation sent, the attendees'
// update not yet) and started again: the release finishes without a second message to anyone.
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
import { countMeetingMessages } from '../test/meeting-messages.ts';

let emulator: RunningEmulator;
let dir: string;
let port: number;
let app: SpawnedApp | undefined;

async function startAppProcess(): Promise<SpawnedApp> {
  app = await spawnApp(port, {
    DATABASE_PATH: join(dir, 'app.db'),
    EXCHANGE_URL: emulator.url,
    EXCHANGE_AUTH: 'forms',
    EXCHANGE_USERNAME: 'booking-svc',
    EXCHANGE_PASSWORD: 'demo',
    SESSION_SECRET: 'release-crash-secret-release-crash-secret',
    DEMO_DATA: '1',
    RECONCILE_INTERVAL_SECONDS: '0',
  });
  return app;
}

/** A short-lived connection of the test's own (the app keeps running on the same WAL database). */
function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(join(dir, 'app.db'), { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const fault = (rule: Record<string, unknown>) =>
  fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });

async function inbox(alias: string, uid: string): Promise<Record<string, number>> {
  const items = (await (await fetch(`${emulator.url}/_emulator/mailboxes/${alias}/items?folder=inbox`)).json()) as { props: Record<string, string> }[];
  return countMeetingMessages(items, uid);
}

before(async () => {
  emulator = await startEmulator({ controlApi: true });
  dir = mkdtempSync(join(tmpdir(), 'roombook-release-crash-'));
  port = await freePort();
});

after(async () => {
  await app?.kill();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SIGKILL between the room cancellation and the attendees’ update: resumed, no second message', { timeout: 300_000 }, async () => {
  await startAppProcess();
  const alice = new TestBrowser(app!.url);
  assert.equal((await alice.signIn('alice')).status, 303);
  const room = withDb((db) => db.prepare("SELECT id FROM rooms WHERE mailbox_alias = 'trent'").get() as { id: number });
  const day = DateTime.now().setZone('Europe/London').plus({ days: 3 }).toFormat('yyyy-MM-dd');
  const form = await (await alice.get(`/bookings/new?roomId=${room.id}`)).text();
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
  const res = await alice.post('/bookings', {
    roomId: String(room.id),
    date: day,
    start: '10:00',
    end: '11:00',
    subject: 'Crash release',
    description: '',
    required: 'bob@example.com',
    optional: '',
    idempotencyKey: key,
  });
  assert.equal(res.status, 303);
  const id = Number(/\/bookings\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);
  const booking = () => withDb((db) => db.prepare('SELECT uid, state FROM bookings WHERE id = ?').get(id) as { uid: string; state: string });
  await waitFor('the booking booked', () => booking().state === 'booked', { timeoutMs: 60_000 });
  const { uid } = booking();

  // Step 2 starts by writing the organizer's item: hold that request, so the kill lands between the two steps (8 s:
  // far longer than the test needs to see the step and kill, short enough not to keep the emulator busy afterwards).
  await fault({ kind: 'latency', latencyMs: 8_000, method: 'PROPPATCH', path: '/exchange/alice/Calendar/' });
  // Check-in on for the room, and the meeting moved to have started 20 minutes ago without a check-in.
  withDb((db) => {
    db.prepare("INSERT INTO checkin_room_settings (room_id, required, updated_at) VALUES (?, 1, '2026-01-01T00:00:00.000Z')").run(room.id);
    const now = Date.now();
    db.prepare('UPDATE bookings SET starts_at = ?, ends_at = ? WHERE id = ?').run(
      new Date(now - 20 * 60_000).toISOString(),
      new Date(now + 40 * 60_000).toISOString(),
      id,
    );
  });
  const releaseJob = () =>
    withDb(
      (db) =>
        db.prepare("SELECT step, status FROM outbox_jobs WHERE booking_id = ? AND kind = 'release'").get(id) as { step: string; status: string } | undefined,
    );
  await waitFor('the room cancelled, the update held', () => releaseJob()?.step === 'submitted' && releaseJob()?.status === 'running', {
    timeoutMs: 60_000,
    intervalMs: 10,
  });
  assert.deepEqual(await inbox('trent', uid), { 'REQUEST 0': 1, 'CANCEL 1': 1 });
  await app!.kill();

  await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
  await startAppProcess();
  await waitFor('the release finished', () => booking().state === 'cancelled' && releaseJob()?.status === 'done', { timeoutMs: 60_000, intervalMs: 50 });
  await app!.kill();

  assert.deepEqual(await inbox('trent', uid), { 'REQUEST 0': 1, 'CANCEL 1': 1 }, 'one cancellation to the room');
  assert.deepEqual(await inbox('bob', uid), { 'REQUEST 0': 1, 'REQUEST 1': 1 }, 'one update to bob, no cancellation');
  const released = withDb((db) => db.prepare('SELECT count(*) AS n FROM outbox_jobs WHERE booking_id = ? AND kind = ?').get(id, 'release') as { n: number });
  assert.equal(released.n, 1, 'the sweep after the restart queued nothing more');
});
