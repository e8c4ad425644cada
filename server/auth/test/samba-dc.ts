// A real Samba Active Directory domain controller on 127.0.0.1 for the Windows sign-on tests.
// Provisioned once into a cached folder (about 8 s), started per test file by PID (about 4 s), stopped afterwards.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REALM = 'CORP.TEST';
export const DOMAIN = 'CORP';
export const BASE_DN = 'DC=corp,DC=test';
/** The name on the certificate Samba generates for itself (no IP address in it). */
export const TLS_SERVER_NAME = 'DC1.corp.test';

export interface DomainAccount {
  user: string;
  password: string;
  givenName?: string;
  surname?: string;
  mail?: string;
  disabled?: boolean;
}

const account = (user: string, givenName: string, surname: string, mail?: string, disabled = false): DomainAccount => ({
  user,
  password: `${givenName}-Pass!234`,
  givenName,
  surname,
  ...(mail ? { mail } : {}),
  disabled,
});

/** The directory the tests sign in against. */
export const ACCOUNTS = {
  carol: account('carol', 'Carol', 'Cooper', 'carol@corp.test'),
  dave: account('dave', 'Dave', 'Dormant', 'dave@corp.test', true),
  erin: account('erin', 'Erin', 'Nomail'),
  service: account('svc-roombook', 'Service', 'Roombook'),
};
/** Twenty more employees for the concurrency tests: user01 … user20. */
export const CROWD: DomainAccount[] = Array.from({ length: 20 }, (_, i) => {
  const n = String(i + 1).padStart(2, '0');
  return account(`user${n}`, `User${n}`, 'Crowd', `user${n}@corp.test`);
});

export const SERVICE_DN = `CN=svc-roombook,CN=Users,${BASE_DN}`; // samba names the entry after the account
const ADMIN_PASSWORD = 'Adm1n-Pass!234';
// Bump when the accounts or options above change, so a cached provision is rebuilt.
const LAYOUT = 'v1';
// openssl: the LDAPS tests make a CA the DC's certificate does not come from.
const PACKAGES = ['samba', 'samba-ad-dc', 'samba-ad-provision', 'winbind', 'smbclient', 'ldap-utils', 'openssl'];
const SAMBA_PYTHON = '/usr/bin/python3'; // Debian's samba modules live in the system Python, not in a pyenv one
const RUN_PID_FILE = '/run/samba/samba.pid';

function run(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout || r.error?.message || '').slice(-2000)}`);
  return r.stdout;
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Installs Debian's Samba AD DC packages when missing (CI runs on a fresh machine as root). */
export function ensureSambaPackages(): void {
  if (['samba', 'samba-tool', 'ntlm_auth', 'wbinfo', 'openssl'].every(has) && existsSync('/usr/share/samba/setup')) return;
  if (process.getuid?.() !== 0) throw new Error(`Samba is missing: run "sudo apt-get install -y ${PACKAGES.join(' ')}", then the tests again.`);
  run('apt-get', ['update', '-qq'], 'apt-get update');
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES], 'apt-get install samba');
}

function provision(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  run(
    'samba-tool',
    [
      'domain',
      'provision',
      `--targetdir=${dir}`,
      `--realm=${REALM}`,
      `--domain=${DOMAIN}`,
      '--server-role=dc',
      '--dns-backend=NONE',
      '--use-rfc2307',
      `--adminpass=${ADMIN_PASSWORD}`,
      '--host-name=dc1',
      '--host-ip=127.0.0.1',
      '--option=interfaces = 127.0.0.1',
      '--option=bind interfaces only = yes',
      `--option=log file = ${join(dir, 'log.%m')}`,
    ],
    'samba-tool domain provision',
  );
  // One Python process creates every account: samba-tool would start Python once per user.
  const script = `
import json, sys
from samba.samdb import SamDB
from samba.auth import system_session
from samba.param import LoadParm
lp = LoadParm(); lp.load(sys.argv[1])
db = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
for a in json.loads(sys.argv[2]):
    db.newuser(a['user'], a['password'], givenname=a.get('givenName'), surname=a.get('surname'), mailaddress=a.get('mail'))
    if a.get('disabled'):
        db.disable_account('(sAMAccountName=%s)' % a['user'])
`;
  run(SAMBA_PYTHON, ['-c', script, confOf(dir), JSON.stringify([...Object.values(ACCOUNTS), ...CROWD])], 'creating the test accounts');
}

const confOf = (dir: string) => join(dir, 'etc', 'smb.conf');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// CASE: a test run that crashed may have left its DC running; it holds the ports and /run/samba, so stop it first.
async function stopLeftover(conf: string): Promise<void> {
  if (!existsSync(RUN_PID_FILE)) return;
  const pid = Number(readFileSync(RUN_PID_FILE, 'utf8').trim());
  // CASE: samba leaves its pid file behind; the number may belong to an unrelated process by now.
  if (!pid || !isAlive(pid) || statOf(pid)?.comm !== 'samba') return;
  const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  if (!cmdline.includes(conf)) throw new Error(`another Samba (pid ${pid}) is running on this machine; stop it before the sign-on tests`);
  // A DC whose test process still runs belongs to a concurrent test run: leave it alone and say so.
  const parent = statOf(pid)?.ppid ?? 1;
  if (parent !== 1 && statOf(parent)?.comm === 'node')
    throw new Error(`the test DC (pid ${pid}) is in use by another test run (pid ${parent}); run the sign-on tests one at a time`);
  await killGroup(pid);
}

async function killGroup(pid: number): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      /* already gone */
    }
  };
  signalTree(pid, 'SIGCONT');
  signal('SIGTERM');
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) signal('SIGKILL');
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
}

function statOf(pid: number): { comm: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) };
  } catch {
    return undefined;
  }
}

/** The DC's process tree: smbd and winbindd lead process groups of their own, so a group signal misses them. */
function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i]!) ?? []));
  return out;
}

function signalTree(root: number, signal: NodeJS.Signals): void {
  for (const pid of processTree(root)) {
    try {
      process.kill(pid, signal);
    } catch {
      /* exited meanwhile */
    }
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface SambaDc {
  /** The DC's smb.conf: `ntlm_auth --configfile` reads the domain from it. */
  conf: string;
  /** PEM of the CA that signed the DC's LDAPS certificate. */
  caFile: string;
  ldapsUrl: string;
  /** Seconds the provision took (0 when a cached one was reused) and the last start took. */
  timings: { provisionSeconds: number; startSeconds: number };
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Freezes every DC process (SIGSTOP): the DC is there but never answers. */
  pause(): void;
  resume(): void;
}

/** Provisions (once, cached in the temp folder) and starts the DC; `stop()` it in `after()`. */
export async function startSambaDc(): Promise<SambaDc> {
  ensureSambaPackages();
  const version = run('samba', ['--version'], 'samba --version')
    .trim()
    .replace(/[^\w.-]+/g, '_');
  const dir = join(tmpdir(), `roombook-samba-dc-${LAYOUT}-${version}`);
  const conf = confOf(dir);
  const marker = join(dir, 'provisioned');
  const timings = { provisionSeconds: 0, startSeconds: 0 };
  if (!existsSync(marker)) {
    const t0 = performance.now();
    try {
      provision(dir);
    } catch (err) {
      // CASE: a first provision right after the packages were installed has failed once here; a second one worked.
      console.error(`provisioning the test DC failed, trying once more: ${(err as Error).message.slice(-2000)}`);
      provision(dir);
    }
    writeFileSync(marker, new Date().toISOString());
    timings.provisionSeconds = (performance.now() - t0) / 1000;
  }
  let child: ChildProcess | undefined;
  const stopOnExit = () => child?.pid && isAlive(child.pid) && process.kill(-child.pid, 'SIGKILL');

  const dc: SambaDc = {
    conf,
    caFile: join(dir, 'private', 'tls', 'ca.pem'),
    ldapsUrl: 'ldaps://127.0.0.1:636',
    timings,
    async start() {
      await stopLeftover(conf);
      const t0 = performance.now();
      const log = openSync(join(dir, 'samba.out'), 'a');
      // detached: samba leads its own process group, so stop() can signal all of its children at once.
      child = spawn('samba', ['-s', conf, '-F', '--no-process-group'], { detached: true, stdio: ['ignore', log, log] });
      process.once('exit', stopOnExit);
      for (let i = 0; i < 300; i++) {
        if (child.exitCode !== null) throw new Error(`samba exited with ${child.exitCode}; see ${join(dir, 'samba.out')}`);
        const ready = existsSync(dc.caFile) && (await canConnect(636)) && spawnSync('wbinfo', ['-P']).status === 0;
        if (ready) {
          timings.startSeconds = (performance.now() - t0) / 1000;
          return;
        }
        await sleep(100);
      }
      throw new Error('the Samba DC did not become ready within 30 s');
    },
    async stop() {
      process.removeListener('exit', stopOnExit);
      if (child?.pid) await killGroup(child.pid);
      child = undefined;
    },
    pause() {
      if (child?.pid) signalTree(child.pid, 'SIGSTOP');
    },
    resume() {
      if (child?.pid) signalTree(child.pid, 'SIGCONT');
    },
  };
  await dc.start();
  return dc;
}
