// The report's own read-only SQL over bookings and external_bookings. Why not the bookings service's
// listBookingSummaries/listExternalMeetings: a year of 500 rooms is ~500k bookings, and building a 12-field object per
// row (subject, uid, sequence, ...) took 12 s of a 15 s report in the bench; these queries return four columns as raw
// arrays, filter states and duplicates in SQL, and take ~3.5 s. Nothing here writes.
import type { Db } from '../db/connection.ts';
import { reportsSql } from './sql-dialect.ts';
import { ACTIVE_STATES } from '../bookings/states.ts';

// The states as SQL literals (fixed strings from code, never user input): the planner then uses the covering index's
// state column directly instead of probing a json_each list per row.
const ACTIVE = `(${ACTIVE_STATES.map((s) => `'${s}'`).join(', ')})`;
/** An app booking is never longer than a day (the longest room limit), so nothing starting earlier reaches in. */
const LOOKBACK_MS = 24 * 60 * 60_000;

/**
 * [room id, starts_at, ends_at, attendee count, checked_in_at, exempt] of bookings holding the room (pending, booked,
 * updating); the last two from check-in (NULL, 0 when nothing was recorded; exempt also when the organizer is exempt
 * by name, migration 0016).
 */
export type BookingRow = [number, string, string, number, string | null, number];
/** [room id, starts_at, ends_at] of meetings booked in Outlook. */
export type ExternalRow = [number, string, string];

export function listHeldBookings(db: Db, roomIds: number[], start: string, end: string): BookingRow[] {
  // A lower bound on starts_at, so the index range skips the years before the period (issue 13: history must not
  // slow anything down).
  const from = new Date(Date.parse(start) - LOOKBACK_MS).toISOString();
  return db
    .prepare<[string, string, string, string], BookingRow>(
      `SELECT b.room_id, b.starts_at, b.ends_at, (SELECT count(*) FROM booking_attendees a WHERE a.booking_id = b.id),
            c.checked_in_at,
            CASE WHEN coalesce(c.exempt, 0) = 1 OR EXISTS (SELECT 1 FROM checkin_exempt_people e WHERE e.user_id = b.organizer_id) THEN 1 ELSE 0 END
     FROM bookings b LEFT JOIN booking_checkins c ON c.booking_id = b.id
     WHERE b.room_id IN ${reportsSql(db).ids('?')} AND b.state IN ${ACTIVE}
       AND b.starts_at >= ? AND b.starts_at < ? AND b.ends_at > ?`,
    )
    .raw()
    .all(JSON.stringify(roomIds), from, end, start);
}

/** Outlook meetings, except the reconciler's copies of the app's own bookings (same uid, any state). */
export function listOutlookOnly(db: Db, roomIds: number[], start: string, end: string): ExternalRow[] {
  return db
    .prepare<[string, string, string], ExternalRow>(
      `SELECT x.room_id, x.starts_at, x.ends_at
     FROM external_bookings x
     WHERE x.room_id IN ${reportsSql(db).ids('?')} AND x.starts_at < ? AND x.ends_at > ?
       AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.uid = x.uid)`,
    )
    .raw()
    .all(JSON.stringify(roomIds), end, start);
}

/** [room id, starts_at, ends_at, attendee count] of no-shows whose room was released (cancelled underneath). */
export function listReleased(db: Db, roomIds: number[], start: string, end: string): BookingRow[] {
  return db
    .prepare<[string, string, string], BookingRow>(
      `SELECT b.room_id, b.starts_at, b.ends_at, (SELECT count(*) FROM booking_attendees a WHERE a.booking_id = b.id), NULL, 0
       FROM booking_checkins c JOIN bookings b ON b.id = c.booking_id
       WHERE c.released_at IS NOT NULL AND b.room_id IN ${reportsSql(db).ids('?')} AND b.starts_at < ? AND b.ends_at > ?`,
    )
    .raw()
    .all(JSON.stringify(roomIds), end, start);
}

/**
 * Stored day summaries (migration 0015) of `roomIds` for local days in [fromDay, toDay]: [room id, day, booked_ms,
 * booked_open_ms, bookable_ms, bookings, held, held_ended, held_no_shows, held_used_ms, released, released_ended,
 * heat, people].
 */
export type RoomDayRow = [number, string, number, number, number, number, number, number, number, number, number, number, string | null, string | null];

export function listRoomDays(db: Db, roomIds: number[], fromDay: string, toDay: string): RoomDayRow[] {
  return db
    .prepare<[string, string, string], RoomDayRow>(
      `SELECT room_id, day, booked_ms, booked_open_ms, bookable_ms, bookings, held, held_ended, held_no_shows, held_used_ms,
            released, released_ended, heat, people
     FROM report_room_days WHERE room_id IN ${reportsSql(db).ids('?')} AND day >= ? AND day <= ?`,
    )
    .raw()
    .all(JSON.stringify(roomIds), fromDay, toDay);
}

/** Saves day summaries (a rebuilt row replaces the one a concurrent report may have written: they are equal). */
export function saveRoomDays(db: Db, rows: RoomDayRow[]): void {
  const insert = db.prepare<
    RoomDayRow,
    unknown
  >(`INSERT INTO report_room_days (room_id, day, booked_ms, booked_open_ms, bookable_ms, bookings, held, held_ended,
       held_no_shows, held_used_ms, released, released_ended, heat, people)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (room_id, day) DO UPDATE SET booked_ms = excluded.booked_ms, booked_open_ms = excluded.booked_open_ms,
       bookable_ms = excluded.bookable_ms, bookings = excluded.bookings, held = excluded.held, held_ended = excluded.held_ended,
       held_no_shows = excluded.held_no_shows, held_used_ms = excluded.held_used_ms, released = excluded.released,
       released_ended = excluded.released_ended, heat = excluded.heat, people = excluded.people`);
  for (const r of rows) insert.run(...r);
}

/**
 * How many stored summaries each room has for local days in [fromDay, toDay] (rooms with none are absent): the
 * background builder (summaries.ts) looks closer only at rooms with fewer than the days of the range.
 */
export function countRoomDays(db: Db, fromDay: string, toDay: string): Map<number, number> {
  return new Map(
    db
      .prepare<[string, string], [number, number]>('SELECT room_id, count(*) FROM report_room_days WHERE day >= ? AND day <= ? GROUP BY room_id')
      .raw()
      .all(fromDay, toDay)
      .map(([room, n]) => [Number(room), Number(n)]),
  );
}

/** Each room's summary counter (migration 0015); a room without a row is at 0. */
export function roomDayVersions(db: Db): Map<number, number> {
  return new Map(db.prepare<[], [number, number]>('SELECT room_id, version FROM report_room_versions').raw().all());
}

/** One room's summary counter (0 without a row). */
export function roomDayVersion(db: Db, roomId: number): number {
  const row = db.prepare<[number], [number]>('SELECT version FROM report_room_versions WHERE room_id = ?').raw().get(roomId);
  return row ? Number(row[0]) : 0;
}

/**
 * Released no-shows of these rooms starting in [start, end): [room id, released_at, ends_at] (the hours given back),
 * and for one of them, the held app bookings and Outlook meetings of its room overlapping what was given back.
 */
export function listReleasedSpans(db: Db, roomIds: number[], start: string, end: string): [number, string, string][] {
  return db
    .prepare<[string, string, string], [number, string, string]>(
      `SELECT b.room_id, c.released_at, b.ends_at FROM booking_checkins c JOIN bookings b ON b.id = c.booking_id
     WHERE c.released_at IS NOT NULL AND b.room_id IN ${reportsSql(db).ids('?')} AND b.starts_at >= ? AND b.starts_at < ?`,
    )
    .raw()
    .all(JSON.stringify(roomIds), start, end);
}

export function listTakenDuring(db: Db, roomId: number, start: string, end: string): [string, string][] {
  return db
    .prepare<[number, string, string, string, number, string, string], [string, string]>(
      `SELECT starts_at, ends_at FROM bookings WHERE room_id = ? AND state IN ${ACTIVE} AND starts_at >= ? AND starts_at < ? AND ends_at > ?
     UNION ALL
     SELECT x.starts_at, x.ends_at FROM external_bookings x WHERE x.room_id = ? AND x.starts_at < ? AND x.ends_at > ?
       AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.uid = x.uid)`,
    )
    .raw()
    .all(roomId, new Date(Date.parse(start) - LOOKBACK_MS).toISOString(), end, start, roomId, end, start);
}
