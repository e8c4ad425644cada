import type { Db } from '../db/connection.ts';

// Retention SQL. It lives with the purge job rather than in audit/repo.ts and sync/outbox.repo.ts because it
// deletes by age across features and nothing else may call it.

/** Audit events recorded before `cutoff` (UTC ISO text, like every *_at column). */
export function deleteAuditEventsBefore(db: Db, cutoff: string): number {
  return db.prepare('DELETE FROM audit_events WHERE at < ?').run(cutoff).changes;
}

/**
 * Outbox jobs that finished (done or skipped) before `cutoff`. Failed jobs stay until someone retries or cancels
 * them: they are what /admin/sync shows, and claimDueJob() orders a booking's later jobs behind them.
 */
export function deleteFinishedJobsBefore(db: Db, cutoff: string): number {
  return db.prepare(`DELETE FROM outbox_jobs WHERE status IN ('done', 'skipped') AND updated_at < ?`).run(cutoff).changes;
}
