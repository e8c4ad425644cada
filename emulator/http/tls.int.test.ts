import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../index.ts';

function get(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('startEmulator() with tls', () => {
  let emu: RunningEmulator;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emulator-tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    emu = await startEmulator({ tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) } });
  });
  after(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the emulator serves https, with https hrefs and a secure cadata cookie', async () => {
    assert.match(emu.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const login = await get(`${emu.url}/exchweb/bin/auth/owaauth.dll`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ destination: `${emu.url}/exchange/`, username: 'alice', password: 'demo', trusted: '4', flags: '4' }).toString(),
    });
    assert.equal(login.status, 302);
    const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    assert.ok(cookies.some((c) => /^cadata=.*; HttpOnly; secure/.test(c)));
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    const page = await get(`${emu.url}/exchange/`, { headers: { Cookie: cookie } });
    assert.match(page.text, new RegExp(`<BASE href="${emu.url.replace(/[.:/]/g, '\\$&')}/exchange/alice/">`));
  });
});
