// Shared set-up for the Windows sign-on integration tests: app settings for a DC and a look at helper processes.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { loadConfig } from '../../config.ts';
import { startApp, type RunningApp } from '../../start.ts';
import { DOMAIN, SERVICE_DN, ACCOUNTS, BASE_DN, TLS_SERVER_NAME, type SambaDc } from './samba-dc.ts';

/** AUTH_MODE and the variables the Windows methods need, pointed at the test DC. */
export function windowsEnv(dc: SambaDc, modes: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUTH_MODE: modes,
    AUTH_DOMAIN: DOMAIN,
    AUTH_EMAIL_PATTERN: '{user}@example.com',
    NTLM_AUTH_CONFIG: dc.conf,
    LDAP_URL: dc.ldapsUrl,
    LDAP_BIND_DN: SERVICE_DN,
    LDAP_BIND_PASSWORD: ACCOUNTS.service.password,
    LDAP_SEARCH_BASE: BASE_DN,
    LDAP_CA_FILE: dc.caFile,
    LDAP_TLS_SERVERNAME: TLS_SERVER_NAME,
    ...extra,
  };
}

/** ntlm_auth processes this test process started (through the app it runs in-process). */
export function helperProcesses(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A killed helper stays a zombie (Z) until Node reaps it: it is gone as far as the app is concerned.
      if (comm === 'ntlm_auth' && Number(ppid) === process.pid && state !== 'Z') pids.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

/** Waits (up to 10 s) until `check` holds; returns whether it did. Not a timing assertion: only an upper bound. */
export async function eventually(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

/**
 * Starts the app with every log line at trace level kept in memory and no redaction at all,
 * so a test can prove that the sign-on code itself never writes a message, token or password.
 */
export async function startAppWithLogs(env: Record<string, string>): Promise<{ app: RunningApp; logs(): string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'roombook-logs-'));
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'app.db'), LOG_LEVEL: 'trace', ...env });
  const app = await startApp(config, pino({ level: 'trace' }, sink));
  return {
    app,
    logs: () => lines.join(''),
    async close() {
      await app.stop(1000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
