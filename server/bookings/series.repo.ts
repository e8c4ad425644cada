// The series table (migration 0008) and the series columns of bookings. Occurrences are ordinary booking rows
// (repo.ts); this file only adds what ties them together.
import type { Db } from '../db/connection.ts';
import { bookingsSql } from './sql-dialect.ts';

export interface Series {
  id: number;
  uid: string;
  rrule: string;
  firstDate: string;
  startTime: string;
  endTime: string;
  timeZone: string;
  roomId: number;
  organizerId: number;
  words: string;
  subject: string;
  description: string;
  private: boolean;
  icalSequence: number;
  splitFromId: number | null;
  createdAt: string;
  updatedAt: string;
}

interface SeriesRow {
  id: number;
  uid: string;
  rrule: string;
  first_date: string;
  start_time: string;
  end_time: string;
  time_zone: string;
  room_id: number;
  organizer_id: number;
  words: string;
  subject: string;
  description: string;
  private: number;
  ical_sequence: number;
  split_from_id: number | null;
  created_at: string;
  updated_at: string;
}

const toSeries = (r: SeriesRow): Series => ({
  id: r.id,
  uid: r.uid,
  rrule: r.rrule,
  firstDate: r.first_date,
  startTime: r.start_time,
  endTime: r.end_time,
  timeZone: r.time_zone,
  roomId: r.room_id,
  organizerId: r.organizer_id,
  words: r.words,
  subject: r.subject,
  description: r.description,
  private: r.private === 1,
  icalSequence: r.ical_sequence,
  splitFromId: r.split_from_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type NewSeries = Omit<Series, 'id' | 'icalSequence' | 'createdAt' | 'updatedAt'> & { at: string };

export function insertSeries(db: Db, s: NewSeries): number {
  // RETURNING id: both engines (lastInsertRowid is SQLite's only).
  const row = db
    .prepare<[Record<string, unknown>], { id: number }>(
      `INSERT INTO booking_series (uid, rrule, first_date, start_time, end_time, time_zone, room_id, organizer_id, words,
                                   subject, description, private, split_from_id, created_at, updated_at)
       VALUES (@uid, @rrule, @firstDate, @startTime, @endTime, @timeZone, @roomId, @organizerId, @words,
               @subject, @description, @private, @splitFromId, @at, @at) RETURNING id`,
    )
    .get({ ...s, private: s.private ? 1 : 0 })!;
  return Number(row.id);
}

export function findSeries(db: Db, id: number): Series | undefined {
  const row = db.prepare<[number], SeriesRow>('SELECT * FROM booking_series WHERE id = ?').get(id);
  return row && toSeries(row);
}

export function findSeriesByUid(db: Db, uid: string): Series | undefined {
  const row = db.prepare<[string], SeriesRow>('SELECT * FROM booking_series WHERE uid = ?').get(uid);
  return row && toSeries(row);
}

/** Which of these UIDs are series the app booked (the reconciler tells our series from Outlook's by this). */
export function knownSeriesUids(db: Db, uids: readonly string[]): Set<string> {
  if (!uids.length) return new Set();
  const rows = db
    .prepare<[string], { uid: string }>(`SELECT uid FROM booking_series WHERE uid IN ${bookingsSql(db).texts('?')}`)
    .all(JSON.stringify([...new Set(uids)]));
  return new Set(rows.map((r) => r.uid));
}

export function updateSeries(db: Db, id: number, changes: { rrule?: string; icalSequence?: number; words?: string }, at: string): void {
  const sets: string[] = [];
  const values: Record<string, string | number> = { id, at };
  // Column names are fixed here, never from input; values are bound.
  if (changes.rrule !== undefined) {
    sets.push('rrule = @rrule');
    values.rrule = changes.rrule;
  }
  if (changes.icalSequence !== undefined) {
    sets.push('ical_sequence = @icalSequence');
    values.icalSequence = changes.icalSequence;
  }
  if (changes.words !== undefined) {
    sets.push('words = @words');
    values.words = changes.words;
  }
  db.prepare(`UPDATE booking_series SET ${[...sets, 'updated_at = @at'].join(', ')} WHERE id = @id`).run(values);
}

/** "Change the whole series" (issue 14): the series' own times, room and texts; columns fixed here, values bound. */
export function updateSeriesFields(
  db: Db,
  id: number,
  f: { startTime: string; endTime: string; roomId: number; subject: string; description: string; words: string },
  at: string,
): void {
  db.prepare(
    `UPDATE booking_series SET start_time = @startTime, end_time = @endTime, room_id = @roomId, subject = @subject,
            description = @description, words = @words, updated_at = @at WHERE id = @id`,
  ).run({ ...f, id, at });
}

/** Ties an inserted booking row to its series and occurrence. */
export function markOccurrence(db: Db, bookingId: number, seriesId: number, recurrenceId: string): void {
  db.prepare('UPDATE bookings SET series_id = ?, recurrence_id = ? WHERE id = ?').run(seriesId, recurrenceId, bookingId);
}

/** Moves occurrences from `recurrenceFrom` on into another series ("this and following"). */
export function moveOccurrences(db: Db, fromSeriesId: number, toSeriesId: number, recurrenceFrom: string): number[] {
  const ids = db
    .prepare<[number, string], { id: number }>('SELECT id FROM bookings WHERE series_id = ? AND recurrence_id >= ? ORDER BY recurrence_id')
    .all(fromSeriesId, recurrenceFrom)
    .map((r) => r.id);
  db.prepare(`UPDATE bookings SET series_id = ? WHERE id IN ${bookingsSql(db).ids('?')}`).run(toSeriesId, JSON.stringify(ids));
  return ids;
}

/** The booking ids of a series' occurrences, in date order. */
export function occurrenceIds(db: Db, seriesId: number): number[] {
  return db
    .prepare<[number], { id: number }>('SELECT id FROM bookings WHERE series_id = ? ORDER BY recurrence_id')
    .all(seriesId)
    .map((r) => r.id);
}

/** The series' first booking row: its outbox jobs hang on it, so a series' jobs run in order (one booking, one queue). */
export function anchorBookingId(db: Db, seriesId: number): number | undefined {
  return db.prepare<[number], { id: number }>('SELECT min(id) AS id FROM bookings WHERE series_id = ?').get(seriesId)?.id ?? undefined;
}

/**
 * Like repo.isRoomTaken, but the dates of one series do not count: a "this and following" split books the new series
 * while the old one's dates (cancelled by the same change) still hold the room.
 */
export function isRoomTakenBesides(db: Db, roomId: number, start: string, end: string, seriesId: number): boolean {
  const from = new Date(Date.parse(start) - 24 * 60 * 60_000).toISOString();
  const row = db
    .prepare<[{ roomId: number; start: string; end: string; from: string; seriesId: number }], { taken: number }>(
      `SELECT EXISTS (SELECT 1 FROM bookings WHERE room_id = @roomId AND state IN ('pending', 'booked', 'updating')
                        AND starts_at >= @from AND starts_at < @end AND ends_at > @start AND (series_id IS NULL OR series_id != @seriesId))
           OR EXISTS (SELECT 1 FROM external_bookings WHERE room_id = @roomId
                        AND starts_at >= @from AND starts_at < @end AND ends_at > @start) AS taken`,
    )
    .get({ roomId, start, end, from, seriesId })!;
  return row.taken === 1;
}
