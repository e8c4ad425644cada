import { BlockList, isIPv4 } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { sqliteClient } from '../db/sql.ts';
import type { ExchangeRequestEvent } from '../exchange/index.ts';
import type { ReconcileSummary } from '../sync/reconciler.ts';
import { countBookingsByState, countJobsByStatus, oldestPendingJobCreatedAt } from './ops.repo.ts';
import type { ProbeResult } from './health.ts';
import type { PurgeResult } from './purge.ts';
import type { SummaryProgress } from '../reports/summaries.ts';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

// Latency buckets in seconds: page views are milliseconds, Exchange answers up to the 20 s timeout.
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const EXCHANGE_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
const RECONCILE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * The app's Prometheus metrics, one registry per app instance (tests run several in one process). Database-backed
 * gauges (bookings, outbox) are read when scraped, so they cost nothing between scrapes.
 */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  private readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  private readonly exchangeRequests: Counter<'operation' | 'status'>;
  private readonly exchangeDuration: Histogram<'operation' | 'status'>;
  private readonly reconcileDuration: Histogram<'result'>;
  private readonly reconcileLastSuccess: Gauge;
  private readonly purgedRows: Counter<'table'>;
  private readonly purgeLastRun: Gauge<'table'>;
  private readonly probeUp: Gauge;
  private readonly probeLatency: Gauge;
  private readonly summaryRoomsPending: Gauge;
  private readonly summaryDaysMissing: Gauge;
  private readonly summaryDaysBuilt: Counter;
  private readonly summaryLastPass: Gauge;

  constructor(ctx: Ctx) {
    const registers = [this.registry];
    const db = sqliteClient(ctx.db);
    collectDefaultMetrics({ register: this.registry, prefix: 'roombook_' });
    this.httpRequests = new Counter({
      name: 'roombook_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'roombook_http_request_duration_seconds',
      help: 'Time to answer HTTP requests.',
      labelNames: ['route', 'method', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.exchangeRequests = new Counter({
      name: 'roombook_exchange_requests_total',
      help: 'HTTP requests to Exchange, by operation (method or OWA command) and status (0 = no answer).',
      labelNames: ['operation', 'status'],
      registers,
    });
    this.exchangeDuration = new Histogram({
      name: 'roombook_exchange_request_duration_seconds',
      help: 'Time Exchange took to answer.',
      labelNames: ['operation', 'status'],
      buckets: EXCHANGE_BUCKETS,
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: 'roombook_reconcile_pass_duration_seconds',
      help: 'Duration of full reconciler passes over every room calendar.',
      labelNames: ['result'],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.reconcileLastSuccess = new Gauge({
      name: 'roombook_reconcile_last_success_timestamp_seconds',
      help: 'End of the last full reconciler pass in which every room calendar was read (0 = none yet).',
      registers,
    });
    this.purgedRows = new Counter({ name: 'roombook_purged_rows_total', help: 'Rows deleted by the retention purges.', labelNames: ['table'], registers });
    this.purgeLastRun = new Gauge({ name: 'roombook_purge_last_run_timestamp_seconds', help: 'When each purge last ran.', labelNames: ['table'], registers });
    this.probeUp = new Gauge({
      name: 'roombook_exchange_probe_up',
      help: '1 when the last readiness probe of Exchange succeeded, 0 when it failed, -1 before the first.',
      registers,
    });
    this.probeLatency = new Gauge({ name: 'roombook_exchange_probe_latency_seconds', help: 'Duration of the last readiness probe of Exchange.', registers });
    this.probeUp.set(-1);
    this.summaryRoomsPending = new Gauge({
      name: 'roombook_report_summary_rooms_pending',
      help: 'Rooms the report summaries builder still has to look at in its current pass (0 when idle).',
      registers,
    });
    this.summaryDaysMissing = new Gauge({
      name: 'roombook_report_summary_days_missing',
      help: "Room-days of the last year's settled days the builder has still to store in its current pass (0 when idle).",
      registers,
    });
    this.summaryDaysBuilt = new Counter({
      name: 'roombook_report_summary_days_built_total',
      help: 'Report day summaries (room-days) stored by the background builder.',
      registers,
    });
    this.summaryLastPass = new Gauge({
      name: 'roombook_report_summary_last_pass_timestamp_seconds',
      help: 'End of the last complete pass of the report summaries builder (0 = none yet; only the leading instance builds).',
      registers,
    });

    new Gauge({
      name: 'roombook_bookings',
      help: 'Bookings by state.',
      labelNames: ['state'],
      registers,
      async collect() {
        for (const [state, n] of Object.entries(await countBookingsByState(db))) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'roombook_outbox_jobs',
      help: 'Outbox jobs by status (waiting and running are the depth; done and skipped are history).',
      labelNames: ['status'],
      registers,
      async collect() {
        for (const [status, n] of Object.entries(await countJobsByStatus(db))) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'roombook_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest outbox job not yet finished (0 when none is waiting or running).',
      registers,
      async collect() {
        const at = await oldestPendingJobCreatedAt(db);
        this.set(at ? Math.max(0, ctx.clock.now().toMillis() - Date.parse(at)) / 1000 : 0);
      },
    });
  }

  /** Express middleware: counts every answered request under its route pattern (never the raw URL). */
  http(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const end = this.httpDuration.startTimer();
      res.once('finish', () => {
        const labels = { route: routeOf(req, res.statusCode, req.method), method: req.method, status: String(res.statusCode) };
        this.httpRequests.inc(labels);
        end(labels);
      });
      next();
    };
  }

  readonly exchangeRequest = (e: ExchangeRequestEvent): void => {
    const labels = { operation: e.operation, status: String(e.status) };
    this.exchangeRequests.inc(labels);
    this.exchangeDuration.observe(labels, e.durationMs / 1000);
  };

  readonly reconcilePass = (summary: ReconcileSummary, durationMs: number): void => {
    const ok = summary.failedRooms.length === 0;
    this.reconcileDuration.observe({ result: ok ? 'ok' : 'partial' }, durationMs / 1000);
    if (ok) this.reconcileLastSuccess.set(Date.now() / 1000);
  };

  readonly purged = (r: PurgeResult): void => {
    this.purgedRows.inc({ table: r.table }, r.deleted);
    this.purgeLastRun.set({ table: r.table }, Date.now() / 1000);
  };

  readonly reportSummaries = (p: SummaryProgress): void => {
    this.summaryRoomsPending.set(p.roomsPending);
    this.summaryDaysMissing.set(p.daysMissing);
    if (p.daysBuilt) this.summaryDaysBuilt.inc(p.daysBuilt);
    if (p.passDone) this.summaryLastPass.set(Date.now() / 1000);
  };

  readonly probed = (r: ProbeResult): void => {
    this.probeUp.set(r.ok ? 1 : 0);
    this.probeLatency.set(r.ms / 1000);
  };
}

/**
 * The matched route pattern (`/bookings/:id`), `static` for assets, `unmatched` for 404s: bounded label values.
 * The mount path is taken from the original URL, not req.baseUrl: Express resets that when an error leaves the
 * router, so a 422 from /bookings/:id would otherwise be counted as `/:id`. Mount paths here have no parameters.
 */
export function routeOf(req: Pick<Request, 'originalUrl'> & { route?: { path?: unknown } }, status: number, method: string): string {
  const route = req.route;
  const path = req.originalUrl.split('?')[0] ?? '/';
  if (route && typeof route.path === 'string') {
    const own = route.path.split('/').filter(Boolean);
    const segments = path.split('/').filter(Boolean);
    const mount = segments.slice(0, Math.max(0, segments.length - own.length));
    return '/' + [...mount, ...own].join('/');
  }
  if (status === 304 || (status === 200 && method === 'GET' && /\.[a-z0-9]+$/i.test(path))) return 'static';
  return 'unmatched';
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Who may read /metrics: a request with `Authorization: Bearer <METRICS_TOKEN>`, or from a METRICS_ALLOW network.
 * With neither configured, nobody (404, as if there were no such page): metrics name rooms' activity and timings.
 */
export function metricsAccess(config: { token: string | null; allow: string[] }): (req: Request) => 'ok' | 'unauthorized' | 'hidden' {
  const list = new BlockList();
  for (const net of config.allow) {
    const [addr, bits] = net.split('/') as [string, string | undefined];
    const type = isIPv4(addr) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return (req) => {
    if (!config.token && config.allow.length === 0) return 'hidden';
    const auth = req.get('authorization') ?? '';
    if (config.token && auth.startsWith('Bearer ') && sameSecret(auth.slice(7).trim(), config.token)) return 'ok';
    // The TCP peer, or the client named by a trusted proxy (req.ip follows TRUST_PROXY).
    const ip = (req.ip ?? '').replace(/^::ffff:/, '');
    if (ip && config.allow.length && list.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6')) return 'ok';
    return 'unauthorized';
  };
}
