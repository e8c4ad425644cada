import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

test('main.ts starts the standalone emulator from the environment and stops cleanly on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))], {
    env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_CONTROL_API: '1', EMULATOR_AUTH: 'basic', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let buffer = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        buffer += chunk;
        for (const line of buffer.split('\n')) {
          if (!line.includes('"url"')) continue;
          try {
            const parsed = JSON.parse(line) as { url?: string };
            if (parsed.url) resolve(parsed.url);
          } catch {
            // a partial line; wait for more
          }
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const res = await fetch(`${url}/exchange/alice/`, {
      method: 'PROPFIND',
      headers: { Depth: '0', Authorization: `Basic ${Buffer.from('alice:demo').toString('base64')}` },
    });
    assert.equal(res.status, 207);
    const noForms = await fetch(`${url}/exchange/`, { redirect: 'manual' });
    assert.equal(noForms.status, 401, 'EMULATOR_AUTH=basic turns forms login off');
    assert.equal((await fetch(`${url}/_emulator/mailboxes`)).status, 200);
    assert.doesNotMatch(buffer, /demo/, 'no password in the logs');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
