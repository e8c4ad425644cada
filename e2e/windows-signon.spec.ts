// Windows single sign-on in a real browser: Chromium answers the app's NTLM challenge with Playwright's
// httpCredentials, winbind checks it against a real Samba AD DC. The spec runs its own app with AUTH_MODE=ntlm
// (the shared webServer stays in local mode for the other specs).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import { ACCOUNTS, DOMAIN, startSambaDc, type SambaDc } from '../server/auth/test/samba-dc.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

test.describe('Windows single sign-on', () => {
  test.describe.configure({ mode: 'serial' });
  let dc: SambaDc;
  let app: ChildProcess;
  let url: string;
  let dir: string;

  test.beforeAll(async () => {
    test.setTimeout(180_000); // a first run provisions the domain (about 10 s); later runs only start it
    dc = await startSambaDc();
    dir = mkdtempSync(join(tmpdir(), 'roombook-e2e-sso-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_PATH: join(dir, 'app.db'),
        LOG_LEVEL: 'warn',
        AUTH_MODE: 'ntlm',
        AUTH_DOMAIN: DOMAIN,
        AUTH_EMAIL_PATTERN: '{user}@example.com',
        NTLM_AUTH_CONFIG: dc.conf,
      },
    });
    for (let i = 0; i < 600; i++) {
      if (app.exitCode !== null) throw new Error(`the app exited with ${app.exitCode}`);
      const up = await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
      await sleep(100);
    }
    throw new Error('the app did not start within 60 s');
  });

  test.afterAll(async () => {
    if (app && app.exitCode === null) {
      const exited = new Promise((resolve) => app.once('exit', resolve));
      app.kill('SIGTERM');
      await exited;
    }
    await dc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Chromium opens the app and lands signed in as the domain user without any form', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: url, httpCredentials: { username: ACCOUNTS.carol.user, password: ACCOUNTS.carol.password } });
    const page = await context.newPage();
    await page.goto('/rooms');
    await expect(page).toHaveURL(`${url}/rooms`);
    await expect(page.locator('.who-name')).toHaveText('carol');
    await expect(page.getByLabel('Password')).toHaveCount(0);
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome, carol');
    await context.close();
  });

  test('Chromium with a wrong Windows password is refused and stays signed out', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: url, httpCredentials: { username: `${DOMAIN}\\${ACCOUNTS.carol.user}`, password: 'Wrong-Pass!234' } });
    const page = await context.newPage();
    const response = await page.goto('/login/windows');
    expect(response?.status()).toBe(401);
    await expect(page.getByRole('alert')).toContainText('Windows did not accept these credentials');
    await expect(page.locator('.who-name')).toHaveCount(0);
    await context.close();
  });
});
