// The app as a child process (server/main.ts), for tests that need a real process: SIGKILL, SIGTERM, exit codes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A port that was free a moment ago (for a child that must keep its port across restarts). Taken at random below the
 * kernel's ephemeral range: a port the kernel handed out (listen(0)) and took back could be handed to another test's
 * server in the moment before the child binds it, and then /healthz and the sign-in were answered by that other app.
 */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  const high = Math.min(ephemeralLow ?? 32768, 32768);
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (high - 10_000));
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface SpawnedApp {
  child: ChildProcess;
  url: string;
  /** Everything the app wrote to stdout so far (its JSON log lines). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGKILL, like a crashed server; resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Starts `node --import tsx server/main.ts` (or `node ...entry`, e.g. a compiled main.js) with the given environment on
 * 127.0.0.1:`port` and resolves once /healthz answers (fails if the process exits first). LOG_LEVEL defaults to silent.
 */
export async function spawnApp(port: number, env: Record<string, string>, entry = ['--import', 'tsx', 'server/main.ts']): Promise<SpawnedApp> {
  const child = spawn(process.execPath, entry, {
    cwd: root,
    // stderr is piped and passed on, not inherited: an app left running must not hold the test runner's output open.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'silent', ...env, PORT: String(port), HOST: '127.0.0.1' },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  // A test that fails before its cleanup must not leave the app running after the test process.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.removeListener('exit', reap);
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const app: SpawnedApp = {
    child,
    url,
    output: () => out,
    exited,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await waitFor(
      'the app to answer /healthz',
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) return `exited with ${child.exitCode ?? child.signalCode}`;
        return (await fetch(`${url}/healthz`)).ok && 'up';
      },
      { timeoutMs: 180_000, intervalMs: 50 },
    ).then((state) => {
      if (state !== 'up') throw new Error(`the app ${state} before it answered /healthz`);
    });
  } catch (err) {
    await app.kill();
    throw err;
  }
  return app;
}
