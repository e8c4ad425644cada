import type { Db } from '../db/connection.ts';
import { outboxSql } from './sql-dialect.ts';

export type JobKind = 'create' | 'update' | 'cancel' | 'release';
/** The last gateway step that finished (see CONTEXT.md). */
export type JobStep = 'queued' | 'item-written' | 'submitting' | 'submitted' | 'done';
export type JobStatus = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

export interface OutboxJob {
  id: number;
  bookingId: number;
  kind: JobKind;
  step: JobStep;
  status: JobStatus;
  meetingJson: string;
  attempts: number;
  nextAttemptAt: string;
  lockedUntil: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

interface JobRow {
  id: number;
  booking_id: number;
  kind: JobKind;
  step: JobStep;
  status: JobStatus;
  meeting_json: string;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

const toJob = (r: JobRow): OutboxJob => ({
  id: r.id,
  bookingId: r.booking_id,
  kind: r.kind,
  step: r.step,
  status: r.status,
  meetingJson: r.meeting_json,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lockedUntil: r.locked_until,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function enqueueJob(db: Db, bookingId: number, kind: JobKind, meetingJson: string, at: string): number {
  // RETURNING id: both engines (lastInsertRowid is SQLite's only).
  const row = db
    .prepare<unknown[], { id: number }>(
      `INSERT INTO outbox_jobs (booking_id, kind, meeting_json, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .get(bookingId, kind, meetingJson, at, at, at)!;
  return Number(row.id);
}

export function findJob(db: Db, id: number): OutboxJob | undefined {
  const row = db.prepare<[number], JobRow>('SELECT * FROM outbox_jobs WHERE id = ?').get(id);
  return row && toJob(row);
}

/**
 * Takes the oldest due job whose booking has no earlier unfinished job (a booking's jobs run in order),
 * marks it running with a lease, and returns it. Runs inside the caller's IMMEDIATE transaction.
 */
export function claimDueJob(db: Db, now: string, leaseUntil: string): OutboxJob | undefined {
  const row = db
    .prepare<[string], JobRow>(
      `SELECT j.* FROM outbox_jobs j
       WHERE j.status = 'waiting' AND j.next_attempt_at <= ?
         AND NOT EXISTS (SELECT 1 FROM outbox_jobs e WHERE e.booking_id = j.booking_id AND e.id < j.id
                         AND e.status IN ('waiting', 'running', 'failed'))
         -- A series split from another ("this and following") waits for the old series' earlier jobs (its shortening):
         -- the room must see the old dates go before the new ones arrive, or it declines them as clashes.
         AND NOT EXISTS (SELECT 1 FROM bookings nb JOIN booking_series ns ON ns.id = nb.series_id
                           JOIN bookings ob ON ob.series_id = ns.split_from_id
                           JOIN outbox_jobs e ON e.booking_id = ob.id
                         WHERE nb.id = j.booking_id AND ns.split_from_id IS NOT NULL AND e.id < j.id
                           AND e.status IN ('waiting', 'running', 'failed'))
       ORDER BY j.next_attempt_at, j.id LIMIT 1 ${outboxSql(db).claimLock}`,
    )
    .get(now);
  if (!row) return undefined;
  db.prepare(`UPDATE outbox_jobs SET status = 'running', locked_until = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?`).run(leaseUntil, now, row.id);
  return { ...toJob(row), status: 'running', lockedUntil: leaseUntil, attempts: row.attempts + 1 };
}

/** Jobs whose worker died (lease expired) go back to waiting; their recorded step is kept, so they resume. */
export function releaseExpiredLeases(db: Db, now: string): number {
  return db
    .prepare(`UPDATE outbox_jobs SET status = 'waiting', locked_until = NULL, updated_at = ? WHERE status = 'running' AND locked_until < ?`)
    .run(now, now).changes;
}

/** Releases every running job at start-up: nothing else runs jobs of this database. */
export function releaseAllLeases(db: Db, now: string): number {
  return db.prepare(`UPDATE outbox_jobs SET status = 'waiting', locked_until = NULL, updated_at = ? WHERE status = 'running'`).run(now).changes;
}

export function recordStep(db: Db, id: number, step: JobStep, at: string): void {
  db.prepare('UPDATE outbox_jobs SET step = ?, updated_at = ? WHERE id = ?').run(step, at, id);
}

export function finishJob(db: Db, id: number, at: string): void {
  db.prepare(`UPDATE outbox_jobs SET status = 'done', step = 'done', locked_until = NULL, last_error = NULL, updated_at = ? WHERE id = ?`).run(at, id);
}

export function scheduleRetry(db: Db, id: number, nextAttemptAt: string, error: string, at: string): void {
  db.prepare(`UPDATE outbox_jobs SET status = 'waiting', locked_until = NULL, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?`).run(
    nextAttemptAt,
    error,
    at,
    id,
  );
}

export function failJob(db: Db, id: number, error: string, at: string): void {
  db.prepare(`UPDATE outbox_jobs SET status = 'failed', locked_until = NULL, last_error = ?, updated_at = ? WHERE id = ?`).run(error, at, id);
}

/** Every job of a booking, oldest first. */
export function listJobsOfBooking(db: Db, bookingId: number): OutboxJob[] {
  return db.prepare<[number], JobRow>('SELECT * FROM outbox_jobs WHERE booking_id = ? ORDER BY id').all(bookingId).map(toJob);
}

/** Marks jobs skipped: a newer version of the booking replaces them. Only waiting or failed jobs; never a running one. */
export function skipJobs(db: Db, ids: readonly number[], at: string): number {
  if (!ids.length) return 0;
  return db
    .prepare<[string, string]>(
      `UPDATE outbox_jobs SET status = 'skipped', locked_until = NULL, updated_at = ?
       WHERE id IN ${outboxSql(db).ids('?')} AND status IN ('waiting', 'failed')`,
    )
    .run(at, JSON.stringify(ids)).changes;
}

/** A finished job whose effect on the booking could not be applied (shown on the admin page as a problem). */
export function recordProblem(db: Db, id: number, problem: string, at: string): void {
  db.prepare('UPDATE outbox_jobs SET last_error = ?, updated_at = ? WHERE id = ?').run(problem, at, id);
}

/** Finished jobs that left a problem behind (see recordProblem), newest first. */
export function listJobsWithProblems(db: Db, limit = 100): OutboxJob[] {
  return db
    .prepare<[number], JobRow>(`SELECT * FROM outbox_jobs WHERE status = 'done' AND last_error IS NOT NULL ORDER BY id DESC LIMIT ?`)
    .all(limit)
    .map(toJob);
}

export function hasUnfinishedJobs(db: Db, bookingId: number): boolean {
  return (
    db
      .prepare<[number], { n: number }>(`SELECT count(*) AS n FROM outbox_jobs WHERE booking_id = ? AND status IN ('waiting', 'running', 'failed')`)
      .get(bookingId)!.n > 0
  );
}

/** Puts a failed job back in the queue now (the admin's retry button). */
export function requeueJob(db: Db, id: number, at: string): boolean {
  return (
    db.prepare(`UPDATE outbox_jobs SET status = 'waiting', next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'failed'`).run(at, at, id).changes > 0
  );
}

/** Brings a waiting job's next try forward to now (the admin's "retry now"); false if it is not waiting. */
export function retryWaitingNow(db: Db, id: number, at: string): boolean {
  return db.prepare(`UPDATE outbox_jobs SET next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'waiting'`).run(at, at, id).changes > 0;
}

export function listJobs(db: Db, statuses: JobStatus[], limit = 200): OutboxJob[] {
  return db
    .prepare<[string, number], JobRow>(`SELECT * FROM outbox_jobs WHERE status IN ${outboxSql(db).texts('?')} ORDER BY id DESC LIMIT ?`)
    .all(JSON.stringify(statuses), limit)
    .map(toJob);
}

export function countJobs(db: Db): Record<JobStatus, number> {
  const counts: Record<JobStatus, number> = { waiting: 0, running: 0, done: 0, failed: 0, skipped: 0 };
  for (const r of db.prepare<[], { status: JobStatus; n: number }>('SELECT status, count(*) AS n FROM outbox_jobs GROUP BY status').all())
    counts[r.status] = r.n;
  return counts;
}
