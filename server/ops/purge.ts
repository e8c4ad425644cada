import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { deleteExpiredSessions } from '../auth/session-store.ts';
import { sqliteClient } from '../db/sql.ts';
import { deleteAuditEventsBefore, deleteFinishedJobsBefore } from './purge.repo.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'config'>;

export type PurgedTable = 'sessions' | 'audit_events' | 'outbox_jobs';

export interface PurgeResult {
  table: PurgedTable;
  deleted: number;
  ms: number;
}

/** Told about every purge (the metrics count rows and time). */
export type PurgeObserver = (result: PurgeResult) => void;

async function timed(table: PurgedTable, fn: () => Promise<number>): Promise<PurgeResult> {
  const started = performance.now();
  const deleted = await fn();
  return { table, deleted, ms: performance.now() - started };
}

/** Deletes sessions whose idle time ran out. Sessions expire by the wall clock (cookies do too), not ctx.clock. */
export function purgeExpiredSessions(ctx: Ctx, now = Date.now()): Promise<PurgeResult> {
  return timed('sessions', () => deleteExpiredSessions(sqliteClient(ctx.db), now));
}

/** Deletes audit events and finished outbox jobs older than RETENTION_DAYS. */
export async function purgeHistory(ctx: Ctx): Promise<PurgeResult[]> {
  const cutoff = toDbTime(ctx.clock.now().minus({ days: ctx.config.retentionDays }));
  const db = sqliteClient(ctx.db);
  return [await timed('audit_events', () => deleteAuditEventsBefore(db, cutoff)), await timed('outbox_jobs', () => deleteFinishedJobsBefore(db, cutoff))];
}

/**
 * Runs the purges on a schedule: expired sessions every SESSION_PURGE_MINUTES, history once a day (and both soon
 * after start). Every run is logged with what it deleted. Each instance may run it; the deletes are idempotent.
 */
export class PurgeScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: Ctx,
    private readonly observe: PurgeObserver = () => undefined,
  ) {}

  start(): void {
    const sessionsEvery = this.ctx.config.sessionPurgeMinutes * 60_000;
    this.every('sessions', sessionsEvery, () => this.runSessions());
    this.every('history', 24 * 60 * 60_000, () => this.runHistory());
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  async runSessions(): Promise<PurgeResult> {
    const r = await purgeExpiredSessions(this.ctx);
    this.report([r]);
    return r;
  }

  async runHistory(): Promise<PurgeResult[]> {
    const results = await purgeHistory(this.ctx);
    this.report(results);
    return results;
  }

  private report(results: PurgeResult[]): void {
    for (const r of results) {
      this.observe(r);
      this.ctx.log.info(
        {
          event: 'purge.done',
          table: r.table,
          deleted: r.deleted,
          ms: Math.round(r.ms),
          retentionDays: r.table === 'sessions' ? undefined : this.ctx.config.retentionDays,
        },
        'purged old rows',
      );
    }
  }

  private every(name: string, ms: number, run: () => unknown): void {
    const tick = async () => {
      try {
        await run();
      } catch (err) {
        this.ctx.log.error({ err, event: 'purge.failed' }, 'purge failed');
      }
      if (!this.timers.has(name)) return; // stopped meanwhile
      const t = setTimeout(() => void tick(), ms);
      t.unref();
      this.timers.set(name, t);
    };
    // A first run shortly after start, so a process restarted more often than daily still purges.
    const first = setTimeout(() => void tick(), Math.min(ms, 60_000));
    first.unref();
    this.timers.set(name, first);
  }
}
