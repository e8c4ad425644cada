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
 * Jobs a working worker would have taken by now: waiting, due since before `dueBefore` and free to run (no earlier
 * unfinished job of the same booking, the rule claimDueJob() follows), or running on a lease that ran out before
 * it. Either means no worker is making progress. A job held back behind a failed one is not counted: that is one
 * booking's problem, shown on /admin/sync, not a reason to take the instance out of service.
 */
export async function countStuckJobs(db: SqlClient, dueBefore: string): Promise<number> {
  return (await db.get<{ n: number }>(
    `SELECT count(*) AS n FROM outbox_jobs j
     WHERE (j.status = 'waiting' AND j.next_attempt_at < ?
            AND NOT EXISTS (SELECT 1 FROM outbox_jobs e WHERE e.booking_id = j.booking_id AND e.id < j.id
                            AND e.status IN ('waiting', 'running', 'failed')))
        OR (j.status = 'running' AND j.locked_until < ?)`,
    [dueBefore, dueBefore],
  ))!.n;
}
