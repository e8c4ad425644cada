import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/index.ts';
import { countSessions } from '../auth/session.repo.ts';
import { sqliteClient } from '../db/sql.ts';
import { toDbTime } from '../context.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { book, roomIds, waitFor } from './ops-test-support.ts';

interface Health {
  status: string;
  problems: string[];
  checks: Record<string, { ok: boolean; ageSeconds?: number | null; error?: string | null }>;
}

describe('/healthz and /readyz tell the truth', () => {
  let emulator: RunningEmulator;
  let port: number;
  let app: TestApp;
  const get = async (path: string) => {
    const res = await fetch(`${app.url}${path}`);
    return { status: res.status, body: (await res.json()) as Health, cookies: res.headers.getSetCookie() };
  };

  before(async () => {
    emulator = await startEmulator({ controlApi: true });
    port = emulator.port;
    app = await startTestApp({
      EXCHANGE_URL: emulator.url,
      EXCHANGE_AUTH: 'forms',
      EXCHANGE_USERNAME: 'booking-svc',
      EXCHANGE_PASSWORD: 'demo',
      SESSION_SECRET: 'x'.repeat(40),
      DEMO_DATA: '1',
      // Fast probes so the test sees a stopped Exchange in well under the 30 s a deployment would take.
      READINESS_PROBE_SECONDS: '0.2',
      OUTBOX_STUCK_MINUTES: '5',
    });
  });
  after(async () => {
    await app?.close();
    await emulator?.close();
  });

  test('/readyz is 200 with the probe age while Exchange answers, 503 within 30 s of it stopping, 200 after it returns', async () => {
    const ready = await waitFor('ready', async () => {
      const r = await get('/readyz');
      return r.status === 200 ? r : undefined;
    });
    assert.equal(ready.body.status, 'ok');
    assert.equal(ready.body.checks.exchange!.ok, true);
    assert.equal(typeof ready.body.checks.exchange!.ageSeconds, 'number');
    assert.deepEqual(ready.body.problems, []);

    await emulator.close();
    const started = Date.now();
    const down = await waitFor('not ready', async () => {
      const r = await get('/readyz');
      return r.status === 503 ? r : undefined;
    });
    assert.ok(Date.now() - started < 30_000);
    assert.equal(down.body.status, 'fail');
    assert.equal(down.body.checks.exchange!.ok, false);
    assert.match(down.body.problems.join('\n'), /^exchange: /m);
    // Liveness does not depend on Exchange: restarting the app would not bring Exchange back.
    assert.equal((await get('/healthz')).status, 200);

    emulator = await startEmulator({ controlApi: true, port });
    await waitFor('ready again', async () => ((await get('/readyz')).status === 200 ? true : undefined));
  });

  test('/readyz is 503 while Exchange accepts connections but does not answer, and 200 once it answers again', async () => {
    await waitFor('ready', async () => ((await get('/readyz')).status === 200 ? true : undefined));
    const control = (path: string, init?: RequestInit) =>
      fetch(`${emulator.url}/_emulator${path}`, { headers: { 'content-type': 'application/json' }, ...init });
    // Every probe now waits 5 s for its answer: far longer than the 0.2 s between probes.
    await control('/faults', { method: 'POST', body: JSON.stringify({ kind: 'latency', latencyMs: 5000, method: 'PROPFIND' }) });
    try {
      const slow = await waitFor('not ready', async () => {
        const r = await get('/readyz');
        return r.status === 503 ? r : undefined;
      });
      assert.match(slow.body.problems.join('\n'), /exchange: no answer to the probe/);
    } finally {
      await control('/faults', { method: 'DELETE' });
    }
    await waitFor('ready again', async () => ((await get('/readyz')).status === 200 ? true : undefined));
  });

  test('100 probes create no session, set no cookie and write nothing to the database', async () => {
    const watcher = new Database(join(app.dir, 'app.db'), { readonly: true });
    try {
      const sessions = await countSessions(sqliteClient(app.ctx.db));
      const version = watcher.pragma('data_version', { simple: true });
      for (let i = 0; i < 100; i++) {
        const r = await get(i % 2 ? '/healthz' : '/readyz');
        assert.deepEqual(r.cookies, []);
      }
      assert.equal(await countSessions(sqliteClient(app.ctx.db)), sessions);
      assert.equal(watcher.pragma('data_version', { simple: true }), version, 'another connection committed a write');
    } finally {
      watcher.close();
    }
  });

  test('/readyz is 503 naming the outbox when a due job is left untaken', async () => {
    const alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    const res = await book(alice, (await roomIds(alice)).get('trent')!, '09:00', '10:00');
    assert.equal(res.status, 303);
    // No worker runs in this test app: pretend the job has been due for an hour.
    app.ctx.db.prepare(`UPDATE outbox_jobs SET next_attempt_at = ? WHERE status = 'waiting'`).run(toDbTime(app.ctx.clock.now().minus({ hours: 1 })));
    const r = await get('/readyz');
    assert.equal(r.status, 503);
    assert.equal(r.body.checks.outbox!.ok, false);
    assert.match(r.body.problems.join('\n'), /outbox: 1 job/);
    await app.worker.drain();
    // Polled: on a loaded machine a probe may be in flight past this test's tiny 0.2 s interval for a moment.
    await waitFor('ready once the job went out', async () => ((await get('/readyz')).status === 200 ? true : undefined));
  });
});
