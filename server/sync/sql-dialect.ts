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
}

const FRAGMENTS: Record<'sqlite' | 'postgres', OutboxSql> = {
  sqlite: { ...LISTS.sqlite, claimLock: '' },
  postgres: { ...LISTS.postgres, claimLock: 'FOR UPDATE OF j SKIP LOCKED' },
};

export const outboxSql = (db: Db): OutboxSql => forDialect(db, FRAGMENTS);
