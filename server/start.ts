import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { systemClock, type AppContext, type Clock } from './context.ts';
import { openDatabase } from './db/connection.ts';
import { migrate } from './db/migrate.ts';
import { seedDemoData } from './db/seed.ts';
import type { Logger } from './log.ts';
import { ensureBootstrapAdmin } from './users/bootstrap.ts';

export interface RunningApp {
  ctx: AppContext;
  server: Server;
  url: string;
  /** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then closes the DB. */
  stop(graceMs?: number): Promise<void>;
}

/** Opens and migrates the database, seeds, builds the app and listens: shared by main.ts and the tests. */
export async function startApp(config: Config, log: Logger, clock: Clock = systemClock): Promise<RunningApp> {
  const db = openDatabase(config.databasePath);
  const version = migrate(db);
  log.info({ event: 'db.migrated', version, path: config.databasePath }, 'database ready');
  const ctx: AppContext = { config, db, clock, log };
  if (config.demoData) await seedDemoData(ctx);
  await ensureBootstrapAdmin(ctx);

  const built = createApp(ctx);
  const server = built.app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000) =>
    (stopping ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      server.close(() => {
        clearTimeout(force);
        built.close();
        db.close();
        resolve();
      });
      // Keep-alive connections with no request in flight would hold close() open until they time out.
      server.closeIdleConnections();
    }));
  return { ctx, server, url, stop };
}
