// Scheduling's engine-specific SQL (repo.ts).
import type { Db } from '../db/connection.ts';
import { forDialect } from '../db/dialect.ts';

interface SchedulingSql {
  /**
   * `IN` list of addresses bound as one JSON text, compared without case with work_hours.email (COLLATE NOCASE on
   * SQLite, citext on PostgreSQL — where the list must be citext too, or text = text would compare with case).
   */
  emails(p: string): string;
}

const FRAGMENTS: Record<'sqlite' | 'postgres', SchedulingSql> = {
  sqlite: { emails: (p) => `(SELECT value FROM json_each(${p}))` },
  postgres: { emails: (p) => `(SELECT CAST(value AS citext) FROM json_array_elements_text(CAST(${p} AS json)))` },
};

export const schedulingSql = (db: Db): SchedulingSql => forDialect(db, FRAGMENTS);
