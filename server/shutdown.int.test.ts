import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { TestBrowser } from './test/test-app.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

test('SIGTERM lets an in-flight request finish, then the process exits 0', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'roombook-shutdown-'));
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'app.db'), EMULATOR_PORT: String(emulatorPort), EMULATOR_CONTROL_API: '1', LOG_LEVEL: 'info' },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200 && !(await fetch(`${base}/healthz`).then((r) => r.ok, () => false)); i++) await sleep(100);
    const b = new TestBrowser(base);
    assert.equal((await b.signIn('alice')).status, 303);
    // Exchange free/busy answers slowly, so the search below is still running when SIGTERM arrives.
    await fetch(`http://127.0.0.1:${emulatorPort}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'latency', latencyMs: 1500, path: 'freebusy' }) });
    const date = DateTime.now().setZone('Europe/London').plus({ days: 1 }).toFormat('yyyy-MM-dd');
    const slow = b.get(`/find?date=${date}&start=10:00&end=11:00`);
    await sleep(300);
    child.kill('SIGTERM');
    const res = await slow;
    assert.equal(res.status, 200);
    assert.match(await res.text(), /free rooms?/);
    assert.equal(await exited, 0);
    assert.match(output, /"event":"app.stopping"/);
    await assert.rejects(fetch(`${base}/healthz`), 'the port is closed after shutdown');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
