import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { freePort, spawnApp } from './test/spawn-app.ts';
import { TestBrowser } from './test/test-app.ts';
import { waitFor } from './test/wait.ts';

test('SIGTERM lets an in-flight request finish, then the process exits 0', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'roombook-shutdown-'));
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const app = await spawnApp(port, { DATABASE_PATH: join(dir, 'app.db'), EMULATOR_PORT: String(emulatorPort), EMULATOR_CONTROL_API: '1', LOG_LEVEL: 'info' });
  const faults = `http://127.0.0.1:${emulatorPort}/_emulator/faults`;
  try {
    const b = new TestBrowser(app.url);
    assert.equal((await b.signIn('alice')).status, 303);
    // Exchange free/busy answers slowly (one request), so the search below is still running when SIGTERM arrives.
    await fetch(faults, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'latency', latencyMs: 3000, path: 'freebusy', count: 1 }),
    });
    const date = DateTime.now().setZone('Europe/London').plus({ days: 1 }).toFormat('yyyy-MM-dd');
    let answered = false;
    const slow = b.get(`/find?date=${date}&start=10:00&end=11:00`).finally(() => (answered = true));
    // The emulator used up the rule: the app's free/busy request has arrived and waits. Now stop the app.
    await waitFor('the free/busy request to reach Exchange', async () => ((await (await fetch(faults)).json()) as { rules: unknown[] }).rules.length === 0);
    assert.equal(answered, false, 'the request is in flight when SIGTERM arrives');
    app.child.kill('SIGTERM');
    const res = await slow;
    assert.equal(res.status, 200);
    assert.match(await res.text(), /free rooms?/);
    assert.equal(await app.exited, 0);
    assert.match(app.output(), /"event":"app.stopping"/);
    await assert.rejects(fetch(`${app.url}/healthz`), 'the port is closed after shutdown');
  } finally {
    await app.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
