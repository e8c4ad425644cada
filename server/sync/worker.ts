import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { AuthFailedError, ExchangeError, InvalidMeetingError, TransientError } from '../exchange/errors.ts';
import type { ItemRef } from '../exchange/gateway.ts';
import { getBooking, markJobFailed, markSendSucceeded, recordItemRef, type Booking } from '../bookings/service.ts';
import { retryDelayMs, withRetryAfter } from './backoff.ts';
import { parseSnapshot, toMeeting } from './meeting-snapshot.ts';
import * as outbox from './outbox.repo.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway'>;

export interface WorkerOptions {
  /** How often to look for due jobs when nobody woke the worker. */
  pollMs: number;
  /** A running job whose worker has not finished within this time is considered crashed and resumed. */
  leaseMs: number;
  /** Called after a job finished (e.g. to read the room's calendar for its answer). */
  onJobDone?: (bookingId: number) => void;
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
    let n = 0;
    while (await this.runOne()) n++;
    return n;
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
      this.options.onJobDone?.(job.bookingId);
      this.ctx.log.info({ event: 'outbox.job_done', jobId: job.id, bookingId: job.bookingId, kind: job.kind, ms: Date.now() - started }, 'job done');
    } catch (err) {
      this.handleFailure(job, err);
    }
    return true;
  }

  private async runJob(job: outbox.OutboxJob): Promise<void> {
    const { db, gateway } = this.ctx;
    const booking = getBooking(this.ctx, job.bookingId);
    if (!booking) throw new Error(`booking ${job.bookingId} is missing`);
    const snapshot = parseSnapshot(job.meetingJson);
    const meeting = toMeeting(snapshot);
    const step = (s: outbox.JobStep) => outbox.recordStep(db, job.id, s, this.now());

    let ref = itemRefOf(booking);
    if (job.kind === 'create') {
      if (job.step === 'queued' || !ref) {
        ref = await gateway.putMeetingItem(meeting);
        const written = ref;
        db.transaction(() => {
          recordItemRef(this.ctx, booking.id, written);
          step('item-written');
        }).immediate();
      }
      await this.submit(job, () => gateway.submitMeeting(ref!, meeting, { resumed: job.step === 'submitting' }));
      return;
    }
    if (!ref) {
      // CASE: the create never reached Exchange (e.g. it failed permanently); there is nothing to change or cancel there.
      db.transaction(() => {
        outbox.finishJob(db, job.id, this.now());
        markSendSucceeded(this.ctx, booking.id, job.kind, null);
      }).immediate();
      return;
    }
    if (job.kind === 'update') {
      if (job.step === 'queued') {
        await gateway.patchMeetingItem(ref, meeting);
        step('item-written');
      }
      const options = { resumed: job.step === 'submitting', ...(snapshot.previousRecipients ? { previousRecipients: snapshot.previousRecipients } : {}) };
      await this.submit(job, () => gateway.sendMeetingUpdate(ref, meeting, options));
      return;
    }
    // cancel: send the cancellation, record it, then remove the organizer's item.
    if (job.step !== 'submitted') {
      step('submitting');
      await gateway.sendCancellation(ref, meeting, { resumed: job.step === 'submitting' });
      step('submitted');
    }
    await gateway.removeMeetingItem(ref);
    db.transaction(() => {
      outbox.finishJob(db, job.id, this.now());
      markSendSucceeded(this.ctx, booking.id, 'cancel', this.now());
    }).immediate();
  }

  /** The step that sends mail: marked before it starts, so an interrupted send is retried as `resumed`. */
  private async submit(job: outbox.OutboxJob, send: () => Promise<unknown>): Promise<void> {
    const { db } = this.ctx;
    outbox.recordStep(db, job.id, 'submitting', this.now());
    await send();
    db.transaction(() => {
      outbox.finishJob(db, job.id, this.now());
      markSendSucceeded(this.ctx, job.bookingId, job.kind, this.now());
    }).immediate();
  }

  private handleFailure(job: outbox.OutboxJob, err: unknown): void {
    const { db, log } = this.ctx;
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof TransientError || err instanceof AuthFailedError) {
      const delay = withRetryAfter(retryDelayMs(job.attempts), err instanceof TransientError ? err.retryAfterSeconds : null);
      const next = this.ctx.clock.now().plus({ milliseconds: delay });
      outbox.scheduleRetry(db, job.id, toDbTime(next), message, this.now());
      log.warn({ event: 'outbox.retry_scheduled', jobId: job.id, bookingId: job.bookingId, attempt: job.attempts, delayMs: delay, error: message }, 'Exchange failed; will retry');
      return;
    }
    if (err instanceof InvalidMeetingError) log.error({ event: 'outbox.job_invalid', jobId: job.id, bookingId: job.bookingId, fields: Object.keys(err.fields) }, 'meeting cannot be sent as it is');
    else if (!(err instanceof ExchangeError)) log.error({ err, event: 'outbox.job_crashed', jobId: job.id }, 'outbox job failed with a bug');
    else log.error({ event: 'outbox.job_failed', jobId: job.id, bookingId: job.bookingId, error: message }, 'Exchange refused the job');
    db.transaction(() => {
      outbox.failJob(db, job.id, message, this.now());
      markJobFailed(this.ctx, job.bookingId, job.kind, friendlyReason(err));
    }).immediate();
  }
}

function itemRefOf(b: Booking): ItemRef | null {
  return b.exchangeMailbox && b.exchangePath ? { mailbox: b.exchangeMailbox, path: b.exchangePath, uid: b.uid } : null;
}

function friendlyReason(err: unknown): string {
  if (err instanceof InvalidMeetingError) return `The meeting cannot be sent as it is: ${Object.values(err.fields).join(' ')}`;
  if (err instanceof ExchangeError) {
    switch (err.code) {
      case 'exchange.forbidden':
        return 'Exchange did not allow the booking service to act for this mailbox (no delegate access).';
      case 'exchange.not_found':
        return 'Exchange does not know this mailbox or item.';
      case 'exchange.conflict':
        return 'Exchange already has a different item with this name.';
      default:
        return `Exchange refused the request: ${err.message}`;
    }
  }
  return 'The booking could not be sent to Exchange because of an internal error.';
}
