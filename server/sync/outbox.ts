// The outbox's public face for other features (bookings queues versions here; the admin page reads it). It imports
// nothing of bookings, so bookings → sync/outbox.ts and sync/worker.ts → bookings/service.ts never form a cycle
// (CONTEXT.md "Who imports whom"). Every function runs inside the caller's transaction.
import type { Db } from '../db/connection.ts';
import type { Meeting } from '../exchange/gateway.ts';
import { parseSnapshot, serializeSnapshot, type MeetingSnapshot } from './meeting-snapshot.ts';
import * as repo from './outbox.repo.ts';
import { retryingText } from './words.ts';
import { readStored } from '../i18n/stored.ts';
import { t } from '../i18n/context.ts';
import { formatDate, formatTimeRange } from '../i18n/format.ts';

export type { JobKind, JobStatus, OutboxJob } from './outbox.repo.ts';

/** Queues one version of a booking for Exchange; the worker runs a booking's jobs in order. */
export function queueVersion(db: Db, bookingId: number, kind: repo.JobKind, snapshot: MeetingSnapshot, at: string): number {
  return repo.enqueueJob(db, bookingId, kind, serializeSnapshot(snapshot), at);
}

/** What Exchange holds of a booking, as far as its jobs tell, once the jobs a new version replaces are dropped. */
export interface ExchangeCopy {
  /** Some job may have written to Exchange (or is running now): the meeting exists there, or may. */
  inExchange: boolean;
  /** The highest SEQUENCE Exchange's item has or will have once the jobs still queued ran; null when none. */
  sequence: number | null;
  /** The last create or update Exchange may have received: who it went to and what its item says. */
  version: Meeting | null;
}

/**
 * Did this job possibly reach Exchange? Done, running, past its first step, or retried after a failure whose outcome is
 * unknown (a timeout). A job that failed for good at its first step did not: Exchange refused it.
 */
function mayHaveReachedExchange(j: repo.OutboxJob): boolean {
  if (j.status === 'skipped') return j.step !== 'queued';
  if (j.status === 'done' || j.status === 'running' || j.step !== 'queued') return true;
  return j.status === 'waiting' && j.attempts > 0;
}

/**
 * A new version of the booking (a change or its cancellation) replaces every job that did not reach Exchange, and
 * every failed job (it can never block the new version; its effect, if any, is kept in the answer). Jobs that may
 * have reached Exchange and are still to run (a retry after a timeout) stay, so Exchange's item and SEQUENCE move in
 * order.
 */
export function supersedeUnsent(db: Db, bookingId: number, at: string): ExchangeCopy {
  const jobs = repo.listJobsOfBooking(db, bookingId);
  const reached = jobs.filter(mayHaveReachedExchange);
  repo.skipJobs(
    db,
    jobs.filter((j) => j.status === 'failed' || (j.status === 'waiting' && !mayHaveReachedExchange(j))).map((j) => j.id),
    at,
  );
  const versions = reached.filter((j) => j.kind !== 'cancel' && j.kind !== 'release').map((j) => parseSnapshot(j.meetingJson).meeting);
  const sequences = reached.map((j) => parseSnapshot(j.meetingJson).meeting.sequence);
  return {
    inExchange: reached.length > 0,
    sequence: sequences.length ? Math.max(...sequences) : null,
    version: versions.reduce<Meeting | null>((last, m) => (!last || m.sequence >= last.sequence ? m : last), null),
  };
}

export function hasUnfinishedJobs(db: Db, bookingId: number): boolean {
  return repo.hasUnfinishedJobs(db, bookingId);
}

/** What the booking page says while one of its versions waits for another try after Exchange failed; else null. */
export function retryNote(db: Db, bookingId: number): string | null {
  return repo.listJobsOfBooking(db, bookingId).some((j) => j.status === 'waiting' && j.lastError) ? retryingText() : null;
}

/** A job as the admin page lists it: which booking it carries, named by subject, room and time (from the version it sends). */
export type JobView = repo.OutboxJob & { booking: string; kindText: string; stepText: string; lastErrorText: string };

function describeJob(job: repo.OutboxJob): JobView {
  let booking = t('sync.job_booking', { id: job.bookingId });
  try {
    const { meeting: m } = parseSnapshot(job.meetingJson);
    const start = m.start.setZone(m.timeZone);
    // A private booking keeps its subject to its people, here too.
    const subject = m.private ? t('booking.private_meeting') : m.subject;
    booking = `${subject} · ${m.room.name} · ${formatDate(start, 'day')}, ${formatTimeRange(start, m.end.setZone(m.timeZone))}`;
  } catch {
    // An unreadable snapshot fails its job with that reason; the page still lists it by booking number.
  }
  return {
    ...job,
    booking,
    // The admin page's words for the job's codes, and its last error in the reader's language where the app wrote
    // it (problems are catalog references); Exchange's own technical answer (method, path, status) stays verbatim.
    kindText: t('sync.kind', { kind: job.kind }),
    stepText: t('sync.step', { step: job.step.replace(/-/g, '_') }),
    lastErrorText: job.lastError ? readStored(job.lastError) : '',
  };
}

/** What the admin page shows. */
export function outboxOverview(db: Db) {
  return {
    counts: repo.countJobs(db),
    failed: repo.listJobs(db, ['failed'], 100).map(describeJob),
    pending: repo.listJobs(db, ['waiting', 'running'], 100).map(describeJob),
    problems: repo.listJobsWithProblems(db, 50).map(describeJob),
  };
}
