import type { SqlClient } from '../db/sql.ts';
import { BOOKING_STATES, type BookingState } from '../bookings/states.ts';
import type { JobStatus } from '../sync/outbox.repo.ts';

// Read-only counts for /readyz and /metrics. Each is one indexed aggregate; none writes. The same text runs on
// SQLite and PostgreSQL (ops-repos.test.ts runs it on both).

export const JOB_STATUSES: readonly JobStatus[] = ['waiting', 'running', 'done', 'failed', 'skipped'];

export async function countBookingsByState(db: SqlClient): Promise<Record<BookingState, number>> {
  const counts = Object.fromEntries(BOOKING_STATES.map((s) => [s, 0])) as Record<BookingState, number>;
  for (const r of await db.all<{ state: BookingState; n: number }>('SELECT state, count(*) AS n FROM bookings GROUP BY state')) counts[r.state] = r.n;
  return counts;
}

export async function countJobsByStatus(db: SqlClient): Promise<Record<JobStatus, number>> {
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const r of await db.all<{ status: JobStatus; n: number }>('SELECT status, count(*) AS n FROM outbox_jobs GROUP BY status')) counts[r.status] = r.n;
  return counts;
}

/** created_at of the oldest job not yet finished (waiting or running), or null when none is. */
export async function oldestPendingJobCreatedAt(db: SqlClient): Promise<string | null> {
  return (await db.get<{ at: string | null }>(`SELECT min(created_at) AS at FROM outbox_jobs WHERE status IN ('waiting', 'running')`))?.at ?? null;
}

/**
 * Jobs a working worker would have taken by now: waiting and due since before `dueBefore`, or running on a lease
 * that ran out before it. Either means no worker is making progress.
 */
export async function countStuckJobs(db: SqlClient, dueBefore: string): Promise<number> {
  return (await db.get<{ n: number }>(
    `SELECT count(*) AS n FROM outbox_jobs
     WHERE (status = 'waiting' AND next_attempt_at < ?) OR (status = 'running' AND locked_until < ?)`,
    [dueBefore, dueBefore],
  ))!.n;
}
