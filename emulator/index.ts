// Public entry: start an Exchange 2003 emulator in this process. The app's server/main.ts imports this to
// run the embedded default; tests import it to get a server on a free loopback port.
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import { defaultOrg, loadOrgFile, parseOrg, type Org, type OrgConfig } from './org.ts';
import { Store } from './store/store.ts';
import { Persistence, loadStore } from './store/persist.ts';
import { SessionStore } from './http/sessions.ts';
import { FaultState } from './faults/faults.ts';
import { Transport } from './transport/transport.ts';
import { createRequestHandler } from './http/server.ts';
import type { EmulatorState } from './http/context.ts';

export type { OrgConfig } from './org.ts';

export interface EmulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free port). */
  port?: number;
  /** The organisation (default: the demo organisation in default-org.json). */
  org?: OrgConfig;
  /** Path of an organisation JSON file (used when `org` is absent). */
  orgPath?: string;
  /** Keep the mailboxes in this JSON file across restarts (default: memory only). */
  persistPath?: string;
  /** Serve the /_emulator/ control API (default false). */
  controlApi?: boolean;
  logger?: Logger;
  /** Sign-in schemes (default: all three on). */
  auth?: { basic?: boolean; ntlm?: boolean; forms?: boolean };
  /** Largest request body accepted before 413 (default 10 MiB). */
  maxBodyBytes?: number;
  /** Serve https with this PEM key and certificate (forms login then marks `cadata` secure, as Exchange did). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** The emulator's clock (default: the system clock); tests pass a fake one to age sessions and free/busy. */
  clock?: () => Date;
}

export interface RunningEmulator {
  /** `http://host:port` (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

function resolveOrg(opts: EmulatorOptions): Org {
  if (opts.org) return parseOrg(opts.org);
  if (opts.orgPath) return loadOrgFile(opts.orgPath);
  return defaultOrg();
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const log = (opts.logger ?? pino({ level: 'silent' })).child({ area: 'emulator' });
  const org = resolveOrg(opts);
  const clock = opts.clock ?? (() => new Date());
  let persistence: Persistence | undefined;
  const state: EmulatorState = {
    org,
    store: opts.persistPath ? loadStore(org, opts.persistPath, log, clock) : new Store(org, clock),
    log,
    auth: { basic: opts.auth?.basic ?? true, ntlm: opts.auth?.ntlm ?? true, forms: opts.auth?.forms ?? true },
    sessions: new SessionStore(() => clock().getTime()),
    faults: new FaultState(),
    transport: new Transport(() => state),
    controlApi: opts.controlApi ?? false,
    maxBodyBytes: opts.maxBodyBytes ?? 10 * 1024 * 1024,
    freeBusyDelayMs: 0,
    reset(next?: Org) {
      if (next) state.org = next;
      state.store = new Store(state.org, clock);
      state.store.onChange = () => persistence?.schedule();
      state.sessions.clear();
      state.faults.clear();
      state.freeBusyDelayMs = 0;
      state.transport.outbound.length = 0;
      persistence?.schedule();
    },
  };
  if (opts.persistPath) {
    persistence = new Persistence(opts.persistPath, () => state.store, log);
    state.store.onChange = () => persistence?.schedule();
  }

  const handler = createRequestHandler(state);
  const server: Server = opts.tls
    ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert, keepAliveTimeout: 60_000 }, handler)
    : createServer({ keepAliveTimeout: 60_000 }, handler);
  const sockets = new Set<Socket>();
  server.on(opts.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const url = `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info(
    { event: 'emulator.started', url, mailboxes: org.mailboxes.length, auth: state.auth, controlApi: state.controlApi },
    'Exchange 2003 emulator listening',
  );

  return {
    url,
    port,
    close: async () => {
      persistence?.flush();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      log.info({ event: 'emulator.stopped' }, 'emulator stopped');
    },
  };
}
