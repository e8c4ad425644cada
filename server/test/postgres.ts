// A real PostgreSQL (Debian's package) on 127.0.0.1 for the repository tests that run on both engines.
// Installed with apt-get when missing (CI runs as root on a fresh machine), a throw-away cluster per test file on a
// free loopback port, stopped and deleted afterwards. Like the Samba suite, nothing is shared between files.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  pool: pg.Pool;
  port: number;
  /** Runs a schema file (e.g. db/postgres/0001-sessions.sql). */
  exec(sqlFile: string): Promise<void>;
  stop(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;

function run(cmd: string, args: string[], what: string): string {
  // PostgreSQL refuses to run as root: as root, run its programs as the postgres user the package creates.
  const [c, a] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' } });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout || r.error?.message || '').slice(-2000)}`);
  return r.stdout;
}

function binDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

/**
 * Installs Debian's PostgreSQL server when missing. Test files run in parallel lanes and several start PostgreSQL,
 * so the install holds a machine-wide lock (flock) and looks again once it has it: one lane installs, the others
 * wait and find it there. apt-get also waits for a dpkg lock someone else holds instead of failing.
 */
export function ensurePostgresPackages(): string {
  let bin = binDir();
  if (bin) return bin;
  if (!asRoot) throw new Error('PostgreSQL is missing: run "sudo apt-get install -y postgresql", then the tests again.');
  const apt = 'apt-get -o DPkg::Lock::Timeout=600 -qq';
  const script = `ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { ${apt} update && ${apt} install -y --no-install-recommends postgresql; }`;
  const r = spawnSync('flock', ['-w', '900', join(tmpdir(), 'roombook-postgres-install.lock'), 'sh', '-c', script], {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) throw new Error(`installing postgresql failed (exit ${r.status}): ${(r.stderr || r.stdout || r.error?.message || '').slice(-2000)}`);
  bin = binDir();
  if (!bin) throw new Error('apt-get installed postgresql but no initdb was found under /usr/lib/postgresql');
  return bin;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = ensurePostgresPackages();
  const dir = mkdtempSync(join(tmpdir(), 'roombook-pg-'));
  if (asRoot) {
    const ids = /^postgres:x:(\d+):(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'));
    if (!ids) throw new Error('no postgres user in /etc/passwd (the postgresql package creates it)');
    chownSync(dir, Number(ids[1]), Number(ids[2]));
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'roombook', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], 'initdb');
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'], 'pg_ctl start');
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'roombook', database: 'postgres', max: 4 });
  return {
    pool,
    port,
    async exec(sqlFile) {
      await pool.query(readFileSync(sqlFile, 'utf8'));
    },
    async stop() {
      await pool.end();
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], 'pg_ctl stop');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
