import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { systemClock, type AppContext, type Clock } from './context.ts';
import { openDatabase } from './db/connection.ts';
import { migrate } from './db/migrate.ts';
import { seedDemoData } from './db/seed.ts';
import { createExchangeGateway } from './exchange/index.ts';
import type { Logger } from './log.ts';
import { DEFAULT_RECONCILE_GRACE_MS, Reconciler } from './sync/reconciler.ts';
import { autoReplaceAll } from './bookings/replacement.ts';
import { DEFAULT_WORKER_OPTIONS, OutboxWorker } from './sync/worker.ts';
import { releaseSweeper } from './checkin/service.ts';
import { ensureBootstrapAdmin } from './users/bootstrap.ts';
import { ExchangeProbe } from './ops/health.ts';
import { AppMetrics } from './ops/metrics.ts';
import { PurgeScheduler } from './ops/purge.ts';
import { SummaryBuilder } from './reports/summaries.ts';

export interface RunningApp {
  ctx: AppContext;
  server: Server;
  url: string;
  /** The built-in Exchange emulator in embedded mode, else null. */
  emulator: RunningEmulator | null;
  worker: OutboxWorker;
  reconciler: Reconciler;
  /** Operations: metrics, the readiness probe of Exchange, the purge jobs and the report summaries' builder. */
  ops: { metrics: AppMetrics; probe: ExchangeProbe; purge: PurgeScheduler; summaries: SummaryBuilder };
  /** Stops accepting connections, lets in-flight requests and the running outbox step finish, then closes everything. */
  stop(graceMs?: number): Promise<void>;
}

/** Composition root shared by main.ts and the tests: database, Exchange (or the emulator), workers, HTTP. */
export async function startApp(config: Config, log: Logger, clock: Clock = systemClock): Promise<RunningApp> {
  const db = openDatabase(config.databasePath);
  const version = migrate(db);
  log.info({ event: 'db.migrated', version, path: config.databasePath }, 'database ready');

  const emulator = config.embedded
    ? await startEmulator({
        port: config.emulator.port,
        persistPath: join(dirname(config.databasePath), 'exchange-emulator.json'),
        controlApi: config.emulator.controlApi,
        logger: log,
      })
    : null;
  if (emulator) log.info({ event: 'emulator.started', url: emulator.url }, 'built-in Exchange 2003 emulator running');
  const metrics = new AppMetrics({ db, clock });
  const gateway = createExchangeGateway(
    {
      url: config.exchangeUrl ?? emulator!.url,
      auth: config.exchange.auth,
      username: config.exchange.username,
      password: config.exchange.password,
      meetingRoute: config.exchange.meetingRoute,
      headersTimeoutMs: config.exchange.timeoutMs,
      bodyTimeoutMs: config.exchange.timeoutMs,
      // OWA commands ask for the organizer's language; DEFAULT_LOCALE when the organizer chose none (issue 17).
      defaultLanguage: config.defaultLocale,
    },
    log,
    () => clock.now(),
    metrics.exchangeRequest,
  );

  // Assigned once below; declared first because the context's wakeOutbox closure needs it and the worker needs the context.
  // eslint-disable-next-line prefer-const
  let worker: OutboxWorker | undefined;
  const ctx: AppContext = { config, db, clock, log, gateway, wakeOutbox: () => worker?.wake() };
  const reconciler = new Reconciler(
    { ...ctx, log: log.child({ area: 'reconcile' }) },
    {
      graceMs: DEFAULT_RECONCILE_GRACE_MS,
      onPass: metrics.reconcilePass,
      // A room that declined (or has no mailbox) is replaced at once where its building asks for it (issue 12).
      onRoomDeclined: (ids) => autoReplaceAll(ctx, ids),
    },
  );
  const ops = {
    metrics,
    probe: new ExchangeProbe(gateway, config.readinessProbeSeconds * 1000, metrics.probed),
    purge: new PurgeScheduler({ ...ctx, log: log.child({ area: 'app' }) }, metrics.purged),
    // The report's day summaries, filled in the background by the instance that leads the reconciler (one builder
    // among several instances; on SQLite the one instance leads).
    summaries: new SummaryBuilder({ ...ctx, log: log.child({ area: 'app' }) }, { leads: () => reconciler.leads(), observe: metrics.reportSummaries }),
  };
  worker = new OutboxWorker(
    { ...ctx, log: log.child({ area: 'outbox' }) },
    // After a meeting reaches Exchange, read that room's calendar soon so the room's answer shows within seconds.
    // Each pass first releases check-in no-shows (their jobs then run in the same pass): no timer of its own.
    { ...DEFAULT_WORKER_OPTIONS, roomCheck: reconciler, onFailed: (id) => void autoReplaceAll(ctx, [id]), beforePass: releaseSweeper(ctx) },
  );
  if (config.demoData) await seedDemoData(ctx);
  await ensureBootstrapAdmin(ctx);

  const built = createApp(ctx, { reconciler, ops });
  const server = built.app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  if (config.backgroundJobs) {
    worker.start();
    reconciler.start();
    ops.purge.start();
    ops.summaries.start();
  }

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000) =>
    (stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        // Keep-alive connections with no request in flight would hold close() open until they time out.
        server.closeIdleConnections();
      });
      ops.purge.stop();
      await Promise.all([worker.stop(), reconciler.stop(), ops.probe.stop(), ops.summaries.stop()]);
      built.close();
      await gateway.close();
      await emulator?.close();
      db.close();
    })());
  return { ctx, server, url, emulator, worker, reconciler, ops, stop };
}
