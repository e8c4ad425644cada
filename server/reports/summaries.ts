// The report's stored day summaries built in the background (issue 15): the first report after start-up or after a
// write forgot some days used to build them inside the user's request (5.7 s quiet, 55 s under load for 500 rooms ×
// a year). This job fills the settled days of the last year room by room, each room in its own short write
// transaction, yielding to the event loop between rooms, so requests keep being answered while it works. It runs on
// the leading instance only (the caller passes `leads`, the reconciler's lead). A report never waits for it: whatever
// is still missing when a report asks is built by that report, as before (service.ts computeReport).
import type { AppContext } from '../context.ts';
import { listRooms } from '../rooms/service.ts';
import { countRoomDays, roomDayVersions } from './repo.ts';
import { backgroundRange, fillRoomDays } from './service.ts';
import { dayPlus } from '../time/zone-day.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log'>;

/** Where a pass stands (the metrics show it; see ops/metrics.ts). */
export interface SummaryProgress {
  /** Rooms of the current pass still to look at (0 when idle). */
  roomsPending: number;
  /** Room-days missing in the rooms still to look at, as counted when the pass started (0 when idle). */
  daysMissing: number;
  /** Room-days written since the last progress report. */
  daysBuilt: number;
  /** True on the report that ends a pass. */
  passDone: boolean;
}

export interface SummaryBuilderOptions {
  /** Time between passes; a pass looks only at rooms whose summaries a write deleted, or all rooms on a new day. */
  everyMs: number;
  /** The first pass this long after start(). */
  firstAfterMs: number;
  /** Settled days kept filled, counting back from the last settled one (a report covers at most 366 days). */
  horizonDays: number;
  /**
   * Days built in one transaction (one step between two yields to the event loop). 92 (a quarter): in the bench (100
   * rooms × a year) a pass took 3.2 s CPU with 31 days a step, 1.7 s with 92 and 1.5 s with 366, and a 92-day step
   * held the loop no longer than a 31-day one (fixed costs per step dominate below a quarter).
   */
  chunkDays: number;
  /** Whether this instance leads (only the leader builds; others read what it stored). */
  leads: () => boolean;
  observe: (p: SummaryProgress) => void;
}

export const DEFAULT_SUMMARY_OPTIONS: Omit<SummaryBuilderOptions, 'leads' | 'observe'> = {
  everyMs: 30_000,
  firstAfterMs: 1_000,
  horizonDays: 366,
  chunkDays: 92,
};

export interface PassResult {
  roomsBuilt: number;
  daysBuilt: number;
  /** The longest single step (one span of one room, ms): how long the pass held the event loop at most. */
  longestStepMs: number;
}

/** Lets timers and I/O callbacks run between two rooms. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class SummaryBuilder {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PassResult> | null = null;
  private stopped = true;
  /** Set by stop(): a running pass ends after its current room. */
  private halted = false;
  /** The last settled day of the previous pass, and each room's counter when that pass last saw it complete. */
  private lastTo: string | null = null;
  private readonly seen = new Map<number, number>();
  private readonly options: SummaryBuilderOptions;

  constructor(
    private readonly ctx: Ctx,
    options: Partial<SummaryBuilderOptions> = {},
  ) {
    this.options = { ...DEFAULT_SUMMARY_OPTIONS, leads: () => true, observe: () => undefined, ...options };
  }

  start(): void {
    this.stopped = false;
    this.halted = false;
    this.schedule(this.options.firstAfterMs);
  }

  /** Stops the timer and waits for a running pass to stop after its current room. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass now (or the one running): what it built. Tests and the bench call it directly. */
  runPass(): Promise<PassResult> {
    return (this.running ??= this.pass().finally(() => (this.running = null)));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runPass()
        .catch((err: unknown) => this.ctx.log.error({ err, event: 'report.summaries.failed' }, 'building report summaries failed'))
        .finally(() => this.schedule(this.options.everyMs));
    }, ms);
    this.timer.unref();
  }

  private async pass(): Promise<PassResult> {
    const result: PassResult = { roomsBuilt: 0, daysBuilt: 0, longestStepMs: 0 };
    if (!this.options.leads()) return result;
    const { from, to } = backgroundRange(this.ctx.clock.now(), this.options.horizonDays);
    const need = this.options.horizonDays;
    const versions = roomDayVersions(this.ctx.db);
    // On a new settled day every room has one to add; otherwise only rooms whose counter moved (a write deleted some
    // of their days) or that this builder has not seen complete yet.
    const newDay = this.lastTo !== to;
    const candidates = listRooms(this.ctx).filter((r) => newDay || this.seen.get(r.id) !== (versions.get(r.id) ?? 0));
    const counts = countRoomDays(this.ctx.db, from, to);
    let daysMissing = candidates.reduce((n, r) => n + need - (counts.get(r.id) ?? 0), 0);
    let pending = candidates.length;
    this.options.observe({ roomsPending: pending, daysMissing, daysBuilt: 0, passDone: false });
    for (const room of candidates) {
      // A complete room is only read (into this process's memory, for its reports); a room with days missing is
      // built in spans of chunkDays, each its own transaction, so no one step holds the event loop for long.
      let built = 0;
      for (let f = from; f <= to; f = dayPlus(f, this.options.chunkDays)) {
        await yieldToLoop();
        if (this.halted) break;
        const started = performance.now();
        const last = dayPlus(f, this.options.chunkDays - 1);
        built += fillRoomDays(this.ctx, room, f, last < to ? last : to);
        result.longestStepMs = Math.max(result.longestStepMs, performance.now() - started);
      }
      if (this.halted) break;
      // The counter read when the pass started: a delete since then moved it, so the next pass looks again.
      this.seen.set(room.id, versions.get(room.id) ?? 0);
      if (built) result.roomsBuilt++;
      result.daysBuilt += built;
      daysMissing = Math.max(0, daysMissing - (need - (counts.get(room.id) ?? 0)));
      pending--;
      this.options.observe({ roomsPending: pending, daysMissing, daysBuilt: built, passDone: false });
    }
    if (pending === 0) this.lastTo = to;
    this.options.observe({ roomsPending: 0, daysMissing: 0, daysBuilt: 0, passDone: pending === 0 });
    if (result.daysBuilt)
      this.ctx.log.info(
        { event: 'report.summaries.built', rooms: result.roomsBuilt, days: result.daysBuilt, longestStepMs: Math.round(result.longestStepMs) },
        'report day summaries built',
      );
    return result;
  }
}
