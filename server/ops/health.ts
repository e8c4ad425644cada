import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { isDatabaseHealthy } from '../db/connection.ts';
import type { ExchangeGateway } from '../exchange/gateway.ts';
import { sqliteClient } from '../db/sql.ts';
import { countStuckJobs } from './ops.repo.ts';

/** What the last real probe of Exchange found. */
export interface ProbeResult {
  ok: boolean;
  /** Epoch ms when the probe finished. */
  at: number;
  ms: number;
  error: string | null;
}

/**
 * Probes Exchange for /readyz with a real request (a PROPFIND of the service account's mailbox root), at most once
 * per interval, in the background: a health check never waits for Exchange, and load-balancer polling does not
 * multiply requests to Exchange. It starts on the first readiness check, so an instance nobody asks sends nothing.
 */
export class ExchangeProbe {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private inFlightSince: number | null = null;
  private stopped = false;
  last: ProbeResult | null = null;

  constructor(
    private readonly gateway: Pick<ExchangeGateway, 'probe'>,
    private readonly intervalMs: number,
    private readonly onResult: (r: ProbeResult) => void = () => undefined,
  ) {}

  /** Starts the schedule if needed and returns the latest result; waits up to `firstWaitMs` for the very first. */
  async current(firstWaitMs = 3_000): Promise<ProbeResult | null> {
    if (!this.timer && !this.inFlight && !this.stopped) this.run();
    if (!this.last && this.inFlight) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([this.inFlight, new Promise<void>((r) => (t = setTimeout(r, firstWaitMs)))]);
      clearTimeout(t);
    }
    return this.last;
  }

  /** How long the probe now in flight has waited for Exchange (0 when none is in flight). */
  waitingMs(): number {
    return this.inFlightSince === null ? 0 : Date.now() - this.inFlightSince;
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.inFlight ?? Promise.resolve();
  }

  private run(): void {
    this.timer = undefined;
    const started = performance.now();
    this.inFlightSince = Date.now();
    this.inFlight = this.gateway
      .probe()
      .then(
        () => ({ ok: true, error: null }),
        (err: unknown) => ({ ok: false, error: err instanceof Error ? err.message : String(err) }),
      )
      .then((r) => {
        this.last = { ...r, at: Date.now(), ms: Math.round(performance.now() - started) };
        this.onResult(this.last);
      })
      .finally(() => {
        this.inFlight = undefined;
        this.inFlightSince = null;
        if (this.stopped) return;
        this.timer = setTimeout(() => this.run(), this.intervalMs);
        this.timer.unref();
      });
  }
}

export interface Check {
  ok: boolean;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: 'ok' | 'fail';
  checks: Record<string, Check>;
  /** One line per failing check, for a person reading the answer. */
  problems: string[];
}

function report(checks: Record<string, Check>, problems: string[]): HealthReport {
  return { status: Object.values(checks).every((c) => c.ok) ? 'ok' : 'fail', checks, problems };
}

/** Liveness: the process answers and the database does. Reads only (SELECT 1). */
export function liveness(ctx: Pick<AppContext, 'db'>): HealthReport {
  const db = isDatabaseHealthy(ctx.db);
  return report({ database: { ok: db } }, db ? [] : ['database: does not answer']);
}

/** Readiness: liveness, plus Exchange answered the last probe recently, plus the outbox is moving. Reads only. */
export async function readiness(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>, probe: ExchangeProbe): Promise<HealthReport> {
  const live = liveness(ctx);
  const checks: Record<string, Check> = { ...live.checks };
  const problems = [...live.problems];

  const result = await probe.current();
  const intervalMs = ctx.config.readinessProbeSeconds * 1000;
  const ageMs = result ? Date.now() - result.at : null;
  // A result older than two intervals plus the request timeout means the probe itself is stuck: not fresh, not fine.
  const fresh = ageMs !== null && ageMs <= 2 * intervalMs + ctx.config.exchange.timeoutMs;
  // An Exchange that accepts connections and then does not answer: the probe in flight says so long before it times
  // out (a real answer takes well under a second; the interval, at most 10 s, is the limit).
  const waitingMs = probe.waitingMs();
  const hanging = waitingMs > Math.min(intervalMs, 10_000);
  const exchangeOk = !!result?.ok && fresh && !hanging;
  checks.exchange = {
    ok: exchangeOk,
    probe: 'PROPFIND of the service account mailbox root',
    ageSeconds: ageMs === null ? null : Math.round(ageMs / 100) / 10,
    latencyMs: result?.ms ?? null,
    waitingSeconds: waitingMs ? Math.round(waitingMs / 100) / 10 : null,
    error: result?.error ?? null,
  };
  if (hanging) problems.push(`exchange: no answer to the probe for ${Math.round(waitingMs / 1000)} s`);
  else if (!result) problems.push('exchange: not probed yet');
  else if (!result.ok) problems.push(`exchange: ${result.error ?? 'probe failed'}`);
  else if (!fresh) problems.push(`exchange: last successful probe is ${Math.round(ageMs! / 1000)} s old`);

  if (checks.database!.ok) {
    const stuckFor = ctx.config.outboxStuckMinutes;
    const stuck = await countStuckJobs(sqliteClient(ctx.db), toDbTime(ctx.clock.now().minus({ minutes: stuckFor })));
    checks.outbox = { ok: stuck === 0, stuckJobs: stuck, stuckAfterMinutes: stuckFor };
    if (stuck) problems.push(`outbox: ${stuck} job(s) due for more than ${stuckFor} minutes and not taken by a worker`);
  }
  return report(checks, problems);
}
