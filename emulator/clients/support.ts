// Helpers for the real-clients level: installs Debian's packages when missing (as root, like the Samba suite),
// finds free loopback ports, runs DavMail with its listeners on such ports, and speaks just enough IMAP to
// drive DavMail's IMAP side. Nothing here is imported by the emulator itself.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The binaries this level drives and the Debian package that ships each. */
const PACKAGES: Record<string, string> = {
  '/usr/bin/davmail': 'davmail',
  '/usr/bin/cadaver': 'cadaver',
  '/usr/bin/litmus': 'litmus',
  '/usr/bin/ldapsearch': 'ldap-utils',
};

/** Installs whatever is missing with apt-get (root only; otherwise says what to install). */
export function ensurePackages(): void {
  const missing = Object.entries(PACKAGES)
    .filter(([bin]) => !existsSync(bin))
    .map(([, pkg]) => pkg);
  if (!missing.length) return;
  if (process.getuid?.() !== 0) throw new Error(`missing clients: run "sudo apt-get install -y ${missing.join(' ')}", then the tests again.`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...missing],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status})`);
  }
  for (const [bin] of Object.entries(PACKAGES)) if (!existsSync(bin)) throw new Error(`${bin} still missing after apt-get`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port (polling, with a deadline). */
export async function waitForPort(port: number, deadlineMs = 60_000, alive: () => boolean = () => true): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive()) throw new Error(`the process meant to listen on ${port} exited`);
    if (Date.now() > until) throw new Error(`nothing listens on ${port} after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Davmail {
  caldav: number;
  imap: number;
  ldap: number;
  logFile: string;
  stop(): Promise<void>;
}

/** Starts DavMail 6 in server mode, WebDav mode, on free loopback ports, against the emulator's /exchange/. */
export async function startDavmail(exchangeUrl: string): Promise<Davmail> {
  const dir = mkdtempSync(join(tmpdir(), 'davmail-'));
  const [caldav, imap, ldap] = [await freePort(), await freePort(), await freePort()];
  const logFile = join(dir, 'davmail.log');
  const props = [
    'davmail.server=true',
    'davmail.mode=WebDav',
    `davmail.url=${exchangeUrl}`,
    `davmail.caldavPort=${caldav}`,
    `davmail.imapPort=${imap}`,
    `davmail.ldapPort=${ldap}`,
    // Empty ports switch those listeners off.
    'davmail.popPort=',
    'davmail.smtpPort=',
    'davmail.bindAddress=127.0.0.1',
    'davmail.allowRemote=false',
    'davmail.disableUpdateCheck=true',
    'davmail.enableProxy=false',
    'davmail.useSystemProxies=false',
    'davmail.showStartupBanner=false',
    'davmail.disableGuiNotifications=true',
    'davmail.caldavPastDelay=0',
    `davmail.logFilePath=${logFile}`,
    'log4j.rootLogger=WARN',
    'log4j.logger.davmail=DEBUG',
  ];
  const propsFile = join(dir, 'davmail.properties');
  writeFileSync(propsFile, props.join('\n') + '\n');
  const child: ChildProcess = spawn('/usr/bin/davmail', [propsFile], { cwd: dir, stdio: 'ignore', env: { ...process.env, HOME: dir } });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    for (const port of [caldav, imap, ldap]) await waitForPort(port, 90_000, () => !exited);
  } catch (err) {
    await stop();
    throw err;
  }
  return { caldav, imap, ldap, logFile, stop };
}

/** A minimal IMAP4rev1 client: tagged commands, literals in answers, one APPEND literal. */
export class Imap {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private n = 0;
  closed = false;

  private constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    sock.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async open(port: number): Promise<{ imap: Imap; greeting: string }> {
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    const imap = new Imap(sock);
    return { imap, greeting: await imap.readUntil((text) => /\r\n/.test(text)) };
  }

  /** Waits (with a deadline) until the text received so far satisfies `done`; returns and consumes it. */
  private async readUntil(done: (text: string) => boolean, deadlineMs = 60_000): Promise<string> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const text = this.buf.toString('utf8');
      if (done(text)) {
        this.buf = Buffer.alloc(0);
        return text;
      }
      if (this.closed) throw new Error(`IMAP connection closed; got: ${text.slice(-500)}`);
      if (Date.now() > until) throw new Error(`IMAP answer incomplete after ${deadlineMs} ms: ${text.slice(-500)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 500);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a command; resolves with everything up to and including its tagged completion. */
  async command(cmd: string): Promise<{ ok: boolean; text: string }> {
    const tag = `T${++this.n}`;
    this.sock.write(`${tag} ${cmd}\r\n`);
    const done = new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n$`);
    const text = await this.readUntil((t) => done.test(t));
    return { ok: new RegExp(`(^|\\r\\n)${tag} OK`).test(text), text };
  }

  /** APPEND with a synchronising literal. */
  async append(mailbox: string, message: string): Promise<{ ok: boolean; text: string }> {
    const tag = `T${++this.n}`;
    const bytes = Buffer.from(message, 'utf8');
    this.sock.write(`${tag} APPEND ${mailbox} (\\Seen) {${bytes.length}}\r\n`);
    await this.readUntil((t) => /^\+/m.test(t));
    this.sock.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
    const done = new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n$`);
    const text = await this.readUntil((t) => done.test(t));
    return { ok: new RegExp(`(^|\\r\\n)${tag} OK`).test(text), text };
  }

  close(): void {
    this.sock.destroy();
  }
}

/** Runs a program to completion (asynchronously, so the in-process emulator keeps answering). */
export function run(
  cmd: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
