// Shared set-up for the Windows sign-on integration tests: app settings for a DC and a look at helper processes.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
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
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'ntlm_auth' && ppid === process.pid) pids.push(Number(name));
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
