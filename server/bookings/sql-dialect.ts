// The bookings feature's engine-specific SQL (repo.ts, series.repo.ts, replacement.repo.ts): everything else in those
// files is one text for SQLite and PostgreSQL (docs/scaling.md, "What changes in the repositories").
import type { Db } from '../db/connection.ts';
import { forDialect, LISTS } from '../db/dialect.ts';

interface BookingsSql {
  /** `IN` list of ids bound as one JSON text. */
  ids(p: string): string;
  /** `IN` list of texts bound as one JSON text. */
  texts(p: string): string;
  /**
   * An Outlook meeting longer than a day. On SQLite this is word for word the WHERE term of the partial index
   * external_bookings_long (0005), which the planner only uses when the query repeats it exactly.
   */
  longerThanADay: string;
}

const FRAGMENTS: Record<'sqlite' | 'postgres', BookingsSql> = {
  sqlite: { ...LISTS.sqlite, longerThanADay: 'julianday(ends_at) - julianday(starts_at) > 1' },
  postgres: { ...LISTS.postgres, longerThanADay: "CAST(ends_at AS timestamptz) - CAST(starts_at AS timestamptz) > interval '1 day'" },
};

export const bookingsSql = (db: Db): BookingsSql => forDialect(db, FRAGMENTS);
