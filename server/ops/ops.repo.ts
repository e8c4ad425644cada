import type { Db } from '../db/connection.ts';
import { BOOKING_STATES, type BookingState } from '../bookings/states.ts';
import type { JobStatus } from '../sync/outbox.repo.ts';

// Read-only counts for /readyz and /metrics. Each is one indexed aggregate; none writes.

export const JOB_STATUSES: readonly JobStatus[] = ['waiting', 'running', 'done', 'failed', 'skipped'];

export function countBookingsByState(db: Db): Record<BookingState, number> {
  const counts = Object.fromEntries(BOOKING_STATES.map((s) => [s, 0])) as Record<BookingState, number>;
  for (const r of db.prepare<[], { state: BookingState; n: number }>('SELECT state, count(*) AS n FROM bookings GROUP BY state').all()) counts[r.state] = r.n;
  return counts;
}

export function countJobsByStatus(db: Db): Record<JobStatus, number> {
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const r of db.prepare<[], { status: JobStatus; n: number }>('SELECT status, count(*) AS n FROM outbox_jobs GROUP BY status').all()) counts[r.status] = r.n;
  return counts;
}

/** created_at of the oldest job not yet finished (waiting or running), or null when none is. */
export function oldestPendingJobCreatedAt(db: Db): string | null {
  return db.prepare<[], { at: string | null }>(`SELECT min(created_at) AS at FROM outbox_jobs WHERE status IN ('waiting', 'running')`).get()?.at ?? null;
}

/**
 * Jobs a working worker would have taken by now: waiting and due since before `dueBefore`, or running on a lease
 * that ran out before it. Either means no worker is making progress.
 */
export function countStuckJobs(db: Db, dueBefore: string): number {
  return db
    .prepare<[string, string], { n: number }>(
      `SELECT count(*) AS n FROM outbox_jobs
       WHERE (status = 'waiting' AND next_attempt_at < ?) OR (status = 'running' AND locked_until < ?)`,
    )
    .get(dueBefore, dueBefore)!.n;
}
