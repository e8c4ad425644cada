import type { SqlClient } from '../db/sql.ts';

// Retention SQL. It lives with the purge job rather than in audit/repo.ts and sync/outbox.repo.ts because it
// deletes by age across features and nothing else may call it. The same text runs on SQLite and PostgreSQL
// (ops-repos.test.ts runs it on both).

/** Audit events recorded before `cutoff` (UTC ISO text, like every *_at column). */
export async function deleteAuditEventsBefore(db: SqlClient, cutoff: string): Promise<number> {
  return (await db.run('DELETE FROM audit_events WHERE at < ?', [cutoff])).changes;
}

/**
 * Outbox jobs that finished (done or skipped) before `cutoff`. Failed jobs stay until someone retries or cancels
 * them: they are what /admin/sync shows, and claimDueJob() orders a booking's later jobs behind them.
 */
export async function deleteFinishedJobsBefore(db: SqlClient, cutoff: string): Promise<number> {
  return (await db.run(`DELETE FROM outbox_jobs WHERE status IN ('done', 'skipped') AND updated_at < ?`, [cutoff])).changes;
}
