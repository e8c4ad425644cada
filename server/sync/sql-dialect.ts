// The outbox's engine-specific SQL (outbox.repo.ts); the rest of its statements are one text for both engines.
import type { Db } from '../db/connection.ts';
import { forDialect, LISTS } from '../db/dialect.ts';

interface OutboxSql {
  ids(p: string): string;
  texts(p: string): string;
  /**
   * The end of the claim's SELECT. SQLite: nothing — the caller's BEGIN IMMEDIATE already makes it the only writer.
   * PostgreSQL: lock the chosen job row and step over rows another instance's worker has locked, so two workers
   * never take the same job and neither waits for the other (docs/scaling.md).
   */
  claimLock: string;
  /** Try to become the reconciler (`?`: the lock key); answers `ok` 1 or 0. */
  tryLead: string;
  /** Step down (`?`: the lock key). */
  resign: string;
}

const FRAGMENTS: Record<'sqlite' | 'postgres', OutboxSql> = {
  // SQLite: one process owns the database file (one instance), so it always leads; the key is bound and ignored.
  sqlite: { ...LISTS.sqlite, claimLock: '', tryLead: 'SELECT ? IS NOT NULL AS ok', resign: 'SELECT ? IS NOT NULL AS ok' },
  // PostgreSQL: a session-level advisory lock. Whoever holds it leads; it goes with the session, so when that
  // instance dies (or its connection drops) the next instance to try takes over.
  postgres: {
    ...LISTS.postgres,
    claimLock: 'FOR UPDATE OF j SKIP LOCKED',
    tryLead: 'SELECT pg_try_advisory_lock(CAST(? AS bigint)) AS ok',
    resign: 'SELECT pg_advisory_unlock(CAST(? AS bigint)) AS ok',
  },
};

export const outboxSql = (db: Db): OutboxSql => forDialect(db, FRAGMENTS);
