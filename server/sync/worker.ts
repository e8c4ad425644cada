import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { AuthFailedError, ExchangeError, InvalidMeetingError, TransientError } from '../exchange/errors.ts';
import type { ItemRef } from '../exchange/gateway.ts';
import { getBooking, recordItemRef, recordVersionFailed, recordVersionSubmitted, type Booking } from '../bookings/service.ts';
import { retryDelayMs, withRetryAfter } from './backoff.ts';
import { InvalidSnapshotError, parseSnapshot } from './meeting-snapshot.ts';
import { employeeReasonRef } from './words.ts';
import * as outbox from './outbox.repo.ts';
import type { Reconciler } from './reconciler.ts';
import { parseSeriesJob, type SeriesJob } from './series-job.ts';
import { SERIES_SEND_PATH } from './series-path.ts';
import type { JobRun, SendStep } from './send-step.ts';
import { recordSeriesFailed, recordSeriesItemRef, recordSeriesSubmitted } from '../bookings/series-service.ts';
import { storedMessage } from '../i18n/stored.ts';

const STEP_ORDER: readonly outbox.JobStep[] = ['queued', 'item-written', 'submitting', 'submitted', 'done'];
const rank = (s: outbox.JobStep) => STEP_ORDER.indexOf(s);
const itemOf = (run: JobRun): ItemRef => {
  if (!run.ref) throw new Error('the step needs the calendar item, which the job has not written');
  return run.ref;
};

/**
 * The send path, one table per job kind, read top to bottom. For each step: what is recorded before it, the gateway
 * call, what is recorded after it, and what a resume (after a crash, a timeout or a retry) does.
 *
 * | kind   | before       | gateway call        | after                       | a resume from the last record…              |
 * |--------|--------------|---------------------|-----------------------------|---------------------------------------------|
 * | create | —            | putMeetingItem      | item ref + `item-written`   | `queued`: writes again (uid-named, never overwrites) |
 * |        | `submitting` | submitMeeting       | `done`, booking booked      | `submitting`: sends with resumed (Sent Items checked) |
 * | update | —            | patchMeetingItem    | `item-written`              | `queued`: patches again (same values)        |
 * |        | `submitting` | sendMeetingUpdate   | `done`, booking booked      | `submitting`: sends with resumed             |
 * | cancel | `submitting` | sendCancellation    | `submitted`                 | `submitting`: sends with resumed             |
 * |        | —            | removeMeetingItem   | `done`, booking cancelled   | `submitted`: deletes again (gone = removed)  |
 * | release| `submitting` | cancelForRoom       | `submitted`                 | `submitting`: sends with resumed             |
 * |        | —            | sendUpdateWithoutRoom | `done`, booking cancelled | `submitted`: always resumed (Sent Items checked) |
 *
 * An update or cancel of a booking without a calendar item (its create never reached Exchange): the update runs as
 * the create, the cancel is done locally.
 */
export const SEND_PATH: Record<outbox.JobKind, readonly SendStep[]> = {
  create: [
    {
      call: async (run) => {
        run.ref = await run.gateway.putMeetingItem(run.meeting);
      },
      after: 'item-written',
      recordsItem: true,
    },
    {
      before: 'submitting',
      call: async (run) => {
        run.submission = await run.gateway.submitMeeting(itemOf(run), run.meeting, { resumed: run.resumed });
      },
      after: 'done',
    },
  ],
  update: [
    {
      call: (run) => run.gateway.patchMeetingItem(itemOf(run), run.meeting),
      after: 'item-written',
    },
    {
      before: 'submitting',
      call: async (run) => {
        const previous = {
          ...(run.previousRecipients ? { previousRecipients: run.previousRecipients } : {}),
          ...(run.quietlyDropped ? { quietlyDropped: run.quietlyDropped } : {}),
        };
        run.submission = await run.gateway.sendMeetingUpdate(itemOf(run), run.meeting, { resumed: run.resumed, ...previous });
      },
      after: 'done',
    },
  ],
  cancel: [
    {
      before: 'submitting',
      call: async (run) => {
        run.submission = await run.gateway.sendCancellation(itemOf(run), run.meeting, { resumed: run.resumed });
      },
      after: 'submitted',
    },
    {
      call: (run) => run.gateway.removeMeetingItem(itemOf(run)),
      after: 'done',
    },
  ],
  // Check-in no-show, "release the room only" (server/checkin/): the room is told, then the attendees. Step 2 has no
  // mark of its own, so it always checks Sent Items first: a crash between or inside the steps never sends twice.
  release: [
    {
      before: 'submitting',
      call: async (run) => {
        run.submission = await run.gateway.cancelForRoom(itemOf(run), run.meeting, { resumed: run.resumed });
      },
      after: 'submitted',
    },
    {
      call: async (run) => {
        run.submission = await run.gateway.sendUpdateWithoutRoom(itemOf(run), run.meeting, { resumed: true });
      },
      after: 'done',
    },
  ],
};

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway'>;

export interface WorkerOptions {
  /** How often to look for due jobs when nobody woke the worker. */
  pollMs: number;
  /** A running job whose worker has not finished within this time is considered crashed and resumed. */
  leaseMs: number;
  /** After a job finished, the room's calendar is read soon, so the room's answer shows within seconds. */
  roomCheck?: Pick<Reconciler, 'checkRoomSoon'>;
  /** Told after a booking failed for good (automatic replacement rooms when its room's mailbox is unknown). */
  onFailed?: (bookingId: number) => void;
  /** Runs at the start of every pass, before jobs are claimed: the check-in release sweep queues its jobs here. */
  beforePass?: () => void;
}

// A lease longer than any single gateway step (timeouts are seconds), so a slow step is never run twice.
export const DEFAULT_WORKER_OPTIONS: WorkerOptions = { pollMs: 1_000, leaseMs: 5 * 60_000 };

/**
 * Pushes outbox jobs through the gateway, one at a time, recording each finished step before the next
 * (see CONTEXT.md). A crash at any point resumes from the last recorded step; the submit step of a job
 * that was interrupted mid-flight is retried with `resumed`, so the gateway checks before sending again.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeRequested = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly options: WorkerOptions = DEFAULT_WORKER_OPTIONS,
  ) {}

  start(): void {
    this.stopped = false;
    // Nothing else runs this database's jobs: whatever was running belonged to a process that died.
    const released = outbox.releaseAllLeases(this.ctx.db, this.now());
    if (released) this.ctx.log.warn({ event: 'outbox.resumed', jobs: released }, 'resuming jobs interrupted by a restart');
    this.schedule(0);
  }

  /** Stops claiming new jobs and waits for the one in flight (it stays resumable either way). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Run soon: a job was just queued. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.wakeRequested = true;
    else this.schedule(0);
  }

  /** Processes due jobs until none is left (tests call this directly instead of start()). */
  async drain(): Promise<number> {
    this.beforePass();
    let n = 0;
    while (await this.runOne()) n++;
    return n;
  }

  /** A failing sweep must not stop the outbox: it is logged and tried again on the next pass. */
  private beforePass(): void {
    try {
      this.options.beforePass?.();
    } catch (err) {
      this.ctx.log.error({ err, event: 'outbox.before_pass_failed' }, 'the pass hook failed');
    }
  }

  private now(): string {
    return toDbTime(this.ctx.clock.now());
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .then(() => undefined)
        .catch((err: unknown) => this.ctx.log.error({ err, event: 'outbox.loop_failed' }, 'outbox loop failed'))
        .finally(() => {
          this.running = undefined;
          const again = this.wakeRequested;
          this.wakeRequested = false;
          this.schedule(again ? 0 : this.options.pollMs);
        });
    }, ms);
    this.timer.unref();
  }

  /** Claims and runs one due job; false when none is due. */
  async runOne(): Promise<boolean> {
    const now = this.ctx.clock.now();
    const job = this.ctx.db
      .transaction(() => {
        outbox.releaseExpiredLeases(this.ctx.db, toDbTime(now));
        return outbox.claimDueJob(this.ctx.db, toDbTime(now), toDbTime(now.plus({ milliseconds: this.options.leaseMs })));
      })
      .immediate();
    if (!job) return false;
    const started = Date.now();
    try {
      await this.runJob(job);
      const roomId = getBooking(this.ctx, job.bookingId)?.roomId;
      if (roomId !== undefined) this.options.roomCheck?.checkRoomSoon(roomId);
      this.ctx.log.info({ event: 'outbox.job_done', jobId: job.id, bookingId: job.bookingId, kind: job.kind, ms: Date.now() - started }, 'job done');
    } catch (err) {
      this.handleFailure(job, err);
    }
    return true;
  }

  private async runJob(job: outbox.OutboxJob): Promise<void> {
    const booking = getBooking(this.ctx, job.bookingId);
    if (!booking) throw new Error(`booking ${job.bookingId} is missing`);
    const { meeting, previousRecipients, quietlyDropped, series } = parseSnapshot(job.meetingJson);
    const run: JobRun = { gateway: this.ctx.gateway, meeting, ref: itemRefOf(booking), resumed: false, submission: null };
    if (previousRecipients) run.previousRecipients = previousRecipients;
    if (quietlyDropped) run.quietlyDropped = quietlyDropped;
    if (series) run.series = parseSeriesJob(series);
    // A series' item is named by the series UID, not by the occurrence row's own uid.
    if (run.series && run.ref) run.ref = { ...run.ref, uid: meeting.uid };
    let kind = job.kind;
    // CASE: a series change or cancel whose create never reached Exchange is done locally.
    if (run.series && !run.ref && run.series.op !== 'create') return this.finish(job, run, job.kind);
    if (!run.ref && kind !== 'create' && !run.series) {
      // CASE: the create never reached Exchange (it failed, or a change replaced it while it ran).
      if (kind === 'cancel' || kind === 'release') return this.finish(job, run, kind);
      kind = 'create'; // an update of a meeting Exchange never got is its invitation
    }
    for (const step of run.series ? SERIES_SEND_PATH[run.series.op] : SEND_PATH[kind]) {
      if (rank(job.step) >= rank(step.after)) continue; // recorded as finished by an earlier attempt
      run.resumed = step.before !== undefined && job.step === step.before;
      if (step.before) outbox.recordStep(this.ctx.db, job.id, step.before, this.now());
      await step.call(run);
      if (step.after === 'done') return this.finish(job, run, job.kind);
      this.ctx.db
        .transaction(() => {
          if (step.recordsItem && run.ref) {
            if (run.series) recordSeriesItemRef(this.ctx, run.series, run.ref);
            else recordItemRef(this.ctx, booking.id, run.ref);
          }
          outbox.recordStep(this.ctx.db, job.id, step.after, this.now());
        })
        .immediate();
    }
    throw new Error(`job ${job.id} (${kind}) has no final step`);
  }

  /** The job is done and the booking says so, in one transaction; a state the booking cannot take is shown as a problem. */
  private finish(job: outbox.OutboxJob, run: JobRun, kind: outbox.JobKind): void {
    const { db } = this.ctx;
    db.transaction(() => {
      outbox.finishJob(db, job.id, this.now());
      const sent = run.submission ? { submittedAt: this.now(), sequence: run.submission.sequence } : { submittedAt: null };
      const change = run.series ? recordSeriesSubmitted(this.ctx, run.series, sent) : recordVersionSubmitted(this.ctx, job.bookingId, kind, sent);
      if (!change.ok) outbox.recordProblem(db, job.id, change.problem, this.now());
    }).immediate();
  }

  private handleFailure(job: outbox.OutboxJob, err: unknown): void {
    const { db, log } = this.ctx;
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof TransientError || err instanceof AuthFailedError) {
      const delay = withRetryAfter(retryDelayMs(job.attempts), err instanceof TransientError ? err.retryAfterSeconds : null);
      const next = this.ctx.clock.now().plus({ milliseconds: delay });
      outbox.scheduleRetry(db, job.id, toDbTime(next), message, this.now());
      log.warn(
        { event: 'outbox.retry_scheduled', jobId: job.id, bookingId: job.bookingId, attempt: job.attempts, delayMs: delay, error: message },
        'Exchange failed; will retry',
      );
      return;
    }
    if (err instanceof InvalidSnapshotError) {
      log.error({ event: 'outbox.job_invalid', jobId: job.id, bookingId: job.bookingId, error: message }, 'outbox job holds no valid meeting');
    } else if (err instanceof InvalidMeetingError)
      log.error({ event: 'outbox.job_invalid', jobId: job.id, bookingId: job.bookingId, fields: Object.keys(err.fields) }, 'meeting cannot be sent as it is');
    else if (!(err instanceof ExchangeError)) log.error({ err, event: 'outbox.job_crashed', jobId: job.id }, 'outbox job failed with a bug');
    else log.error({ event: 'outbox.job_failed', jobId: job.id, bookingId: job.bookingId, error: message }, 'Exchange refused the job');
    db.transaction(() => {
      outbox.failJob(db, job.id, message, this.now());
      const series = seriesOf(job);
      const reason = employeeReasonRef(err, roomAliasOf(job));
      const change = series ? recordSeriesFailed(this.ctx, series, reason) : recordVersionFailed(this.ctx, job.bookingId, job.kind, reason);
      if (!change.ok) outbox.recordProblem(db, job.id, storedMessage('sync.problem.after_error', { error: message, problem: change.problem }), this.now());
    }).immediate();
    this.options.onFailed?.(job.bookingId);
  }
}

function itemRefOf(b: Booking): ItemRef | null {
  return b.exchangeMailbox && b.exchangePath ? { mailbox: b.exchangeMailbox, path: b.exchangePath, uid: b.uid } : null;
}

/** The series part of a job's snapshot, if it is a series job that can be read. */
function seriesOf(job: outbox.OutboxJob): SeriesJob | undefined {
  try {
    const { series } = parseSnapshot(job.meetingJson);
    return series ? parseSeriesJob(series) : undefined;
  } catch {
    return undefined;
  }
}

/** The room's alias from the job's snapshot, if it can be read (a broken snapshot is itself the failure). */
function roomAliasOf(job: outbox.OutboxJob): string | undefined {
  try {
    return parseSnapshot(job.meetingJson).meeting.room.alias;
  } catch {
    return undefined;
  }
}
