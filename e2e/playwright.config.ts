import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// Worker processes load this file again; the env carries the runner's choices to them unchanged.
const freePort = () =>
  execFileSync(process.execPath, [
    '-e',
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ]).toString();
process.env.E2E_PORT ??= freePort();
// The embedded emulator listens on a known port so specs can read mailboxes through its control API.
process.env.E2E_EMULATOR_PORT ??= freePort();
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'roombook-e2e-'));

const port = Number(process.env.E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  // Hang guards, not performance limits: specs wait for the state they assert, and on a busy 2-core machine (CI, or
  // the stress proof with CPU burners) a whole user journey with axe checks can take several times its idle time.
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  globalTeardown: './global-teardown.ts',
  outputDir: join(process.env.E2E_DATA_DIR, 'results'),
  use: {
    baseURL,
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    // As `npm start` runs it: compiled, no TypeScript loader.
    command: 'node scripts/start.mjs',
    cwd: join(import.meta.dirname, '..'),
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: join(process.env.E2E_DATA_DIR, 'app.db'),
      LOG_LEVEL: 'warn',
      EMULATOR_PORT: process.env.E2E_EMULATOR_PORT,
      EMULATOR_CONTROL_API: '1',
    },
  },
});
