import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { backupDatabase, BackupError, latestSchemaVersion, restoreDatabase } from './backup.ts';
import { book, roomIds } from './ops-test-support.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
/** `npm run <script> -- <args>` as an operator would type it, with DATABASE_PATH from the environment. */
const npmRun = (script: string, args: string[], databasePath: string) =>
  run('npm', ['run', '--silent', script, '--', ...args], { cwd: root, env: { ...process.env, DATABASE_PATH: databasePath } });

interface Row {
  id: number;
  uid: string;
}

describe('backup and restore', () => {
  let app: TestApp;
  let work: string;
  before(async () => {
    app = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'roombook-backup-'));
  });
  after(async () => {
    await app.close();
    rmSync(work, { recursive: true, force: true });
  });

  test(
    'npm run backup during 50 concurrent bookings; npm run restore into a fresh folder has every booking committed before it, each with its outbox job',
    { timeout: 120_000 },
    async () => {
      const users = await Promise.all(
        ['alice', 'bob', 'rita', 'adam'].map(async (u) => {
          const b = new TestBrowser(app.url);
          await b.signIn(u);
          return b;
        }),
      );
      const rooms = [...(await roomIds(users[0]!)).values()].slice(0, 10);
      const slots = ['09:00', '10:00', '11:00', '13:00', '14:00'];
      const committed: number[] = [];
      const bookings = rooms.flatMap((room, r) =>
        slots.map(async (start, s) => {
          const res = await book(users[(r * slots.length + s) % users.length]!, room, start, `${start.slice(0, 2)}:45`);
          assert.equal(res.status, 303, `room ${room} at ${start}`);
          committed.push(Number(/\/bookings\/(\d+)/.exec(res.headers.get('location')!)![1]));
        }),
      );
      assert.equal(bookings.length, 50);

      // Start both backups while bookings are still being made: one in this process, one through the npm script.
      while (committed.length < 5) await new Promise((r) => setImmediate(r));
      const seenBeforeInProcess = [...committed];
      const inProcessFile = join(work, 'in-process.db');
      const inProcess = backupDatabase(app.ctx.config.databasePath, inProcessFile);
      const seenBeforeCli = [...committed];
      const cliFile = join(work, 'backup.db');
      const cli = npmRun('backup', [cliFile], app.ctx.config.databasePath);
      const [inProcessCheck] = await Promise.all([inProcess, Promise.all(bookings)]);
      assert.ok(seenBeforeInProcess.length < 50, 'the in-process backup started while bookings were still being made');
      assert.ok(inProcessCheck.bookings >= seenBeforeInProcess.length);
      const { stdout } = await cli;
      assert.match(stdout, /"event":"backup.done"/);
      assert.equal(committed.length, 50);

      for (const [file, seen] of [
        [cliFile, seenBeforeCli],
        [inProcessFile, seenBeforeInProcess],
      ] as const) {
        const fresh = mkdtempSync(join(work, 'restore-'));
        const restoredPath = join(fresh, 'app.db');
        const restored = await npmRun('restore', [file], restoredPath);
        assert.match(restored.stdout, /"event":"restore.done"/);
        const db = new Database(restoredPath, { readonly: true });
        try {
          assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
          assert.equal(db.pragma('user_version', { simple: true }), latestSchemaVersion());
          const ids = new Set(
            db
              .prepare<[], Row>('SELECT id, uid FROM bookings')
              .all()
              .map((r) => r.id),
          );
          for (const id of seen) assert.ok(ids.has(id), `booking ${id}, committed before the backup began, is in the restored copy`);
          const live = new Set(
            app.ctx.db
              .prepare<[], Row>('SELECT id, uid FROM bookings')
              .all()
              .map((r) => r.id),
          );
          for (const id of ids) assert.ok(live.has(id), 'nothing in the copy that the app never had');
          // Each booking and its outbox job were written in one transaction: the copy has both or neither.
          const withoutJob = db
            .prepare<[], { n: number }>(
              `SELECT count(*) AS n FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM outbox_jobs j WHERE j.booking_id = b.id AND j.kind = 'create')`,
            )
            .get()!.n;
          assert.equal(withoutJob, 0);
          const jobs = db
            .prepare<[], { booking_id: number; status: string; meeting_json: string }>('SELECT booking_id, status, meeting_json FROM outbox_jobs')
            .all();
          assert.equal(jobs.length, ids.size);
          for (const j of jobs) {
            assert.ok(ids.has(j.booking_id));
            assert.equal(j.status, 'waiting');
            assert.ok(JSON.parse(j.meeting_json));
          }
        } finally {
          db.close();
        }
      }

      // The restored database runs: the app starts on it and sends every restored booking's meeting.
      const fresh = mkdtempSync(join(work, 'run-'));
      await restoreDatabase(cliFile, join(fresh, 'app.db'));
      const again = await startTestApp({}, undefined, fresh);
      try {
        const sent = await again.worker.drain();
        assert.ok(sent >= seenBeforeCli.length);
        const states = again.ctx.db.prepare<[], { state: string; n: number }>('SELECT state, count(*) AS n FROM bookings GROUP BY state').all();
        assert.deepEqual(
          states.map((s) => s.state),
          ['booked'],
        );
      } finally {
        await again.close();
      }
    },
  );

  test('restore refuses a damaged file, a file from a newer version, and an existing database without --force', async () => {
    const good = join(work, 'good.db');
    await backupDatabase(app.ctx.config.databasePath, good);

    const garbage = join(work, 'garbage.db');
    writeFileSync(garbage, 'SQLite format 3\0' + 'x'.repeat(5000));
    await assert.rejects(restoreDatabase(garbage, join(work, 'g', 'app.db')), BackupError);
    const cli = await npmRun('restore', [garbage], join(work, 'g2', 'app.db')).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(cli?.code, 1);
    assert.match(cli!.stderr, /restore failed: .*(not an SQLite database|integrity)/);

    const newer = join(work, 'newer.db');
    await backupDatabase(app.ctx.config.databasePath, newer);
    const n = new Database(newer);
    n.pragma(`user_version = ${latestSchemaVersion() + 1}`);
    n.close();
    await assert.rejects(restoreDatabase(newer, join(work, 'n', 'app.db')), /newer than this Roombook knows/);

    const existing = join(work, 'existing', 'app.db');
    await restoreDatabase(good, existing);
    await assert.rejects(restoreDatabase(good, existing), /--force/);
    const forced = await restoreDatabase(good, existing, { force: true });
    assert.ok(forced.keptOld);
  });
});
