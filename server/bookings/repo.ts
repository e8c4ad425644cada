import type { Db } from '../db/connection.ts';
import { ACTIVE_STATES, type BookingState } from './states.ts';
import { bookingsSql } from './sql-dialect.ts';

export type AttendeeRole = 'required' | 'optional';
export type Response = 'none' | 'accepted' | 'tentative' | 'declined';

export interface BookingAttendee {
  email: string;
  name: string | null;
  role: AttendeeRole;
  response: Response;
  respondedAt: string | null;
}

export interface Booking {
  id: number;
  uid: string;
  idempotencyKey: string;
  roomId: number;
  organizerId: number;
  createdById: number;
  subject: string;
  description: string;
  /** Only the organizer and attendees see the subject. */
  private: boolean;
  startsAt: string;
  endsAt: string;
  state: BookingState;
  icalSequence: number;
  exchangeMailbox: string | null;
  exchangePath: string | null;
  submittedAt: string | null;
  roomResponse: Response;
  roomResponseAt: string | null;
  reconciledAt: string | null;
  cancelMessage: string | null;
  /** The room was released (check-in) while the meeting goes on: the LOCATION it shows now (migration 0018). */
  roomReleasedLocation: string | null;
  failedReason: string | null;
  createdAt: string;
  updatedAt: string;
  attendees: BookingAttendee[];
  /** Part of a recurring series (issue 14): the series and the occurrence's original start (RECURRENCE-ID). */
  seriesId: number | null;
  recurrenceId: string | null;
}

interface BookingRow {
  id: number;
  uid: string;
  idempotency_key: string;
  room_id: number;
  organizer_id: number;
  created_by_id: number;
  subject: string;
  description: string;
  private: number;
  starts_at: string;
  ends_at: string;
  state: BookingState;
  ical_sequence: number;
  exchange_mailbox: string | null;
  exchange_path: string | null;
  submitted_at: string | null;
  room_response: Response;
  room_response_at: string | null;
  reconciled_at: string | null;
  cancel_message: string | null;
  room_released_location?: string | null;
  failed_reason: string | null;
  created_at: string;
  updated_at: string;
  series_id?: number | null;
  recurrence_id?: string | null;
}

interface AttendeeRow {
  booking_id: number;
  email: string;
  name: string | null;
  role: AttendeeRole;
  response: Response;
  responded_at: string | null;
}

// The states that hold a room, as an SQL list (the values are fixed literals from states.ts, never input).
const ACTIVE = `(${ACTIVE_STATES.map((s) => `'${s}'`).join(', ')})`;

/**
 * How far before a window's start a booking overlapping it can begin: no booking lasts longer than a room's maximum,
 * and that is at most 24 hours (server/rooms/schema.ts). Every window query bounds starts_at from below with it, so an
 * index range serves it and years of history cost nothing. Outlook meetings may be longer: see listExternalInWindow.
 */
export const WINDOW_LOOKBACK_MS = 24 * 60 * 60_000;
/** The lower bound on starts_at for a window starting at `start` (stored UTC ISO text, so text order is time order). */
export const lookbackFrom = (start: string): string => new Date(Date.parse(start) - WINDOW_LOOKBACK_MS).toISOString();

function attendeesOf(db: Db, ids: number[]): Map<number, BookingAttendee[]> {
  const map = new Map<number, BookingAttendee[]>();
  if (!ids.length) return map;
  const rows = db
    .prepare<[string], AttendeeRow>(
      `SELECT * FROM booking_attendees WHERE booking_id IN ${bookingsSql(db).ids('?')}
       ORDER BY role DESC, email`,
    )
    .all(JSON.stringify(ids));
  for (const r of rows) {
    const list = map.get(r.booking_id) ?? [];
    list.push({ email: r.email, name: r.name, role: r.role, response: r.response, respondedAt: r.responded_at });
    map.set(r.booking_id, list);
  }
  return map;
}

function toBookings(db: Db, rows: BookingRow[]): Booking[] {
  const attendees = attendeesOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    uid: r.uid,
    idempotencyKey: r.idempotency_key,
    roomId: r.room_id,
    organizerId: r.organizer_id,
    createdById: r.created_by_id,
    subject: r.subject,
    description: r.description,
    private: r.private === 1,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    state: r.state,
    icalSequence: r.ical_sequence,
    exchangeMailbox: r.exchange_mailbox,
    exchangePath: r.exchange_path,
    submittedAt: r.submitted_at,
    roomResponse: r.room_response,
    roomResponseAt: r.room_response_at,
    reconciledAt: r.reconciled_at,
    cancelMessage: r.cancel_message,
    roomReleasedLocation: r.room_released_location ?? null,
    failedReason: r.failed_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    attendees: attendees.get(r.id) ?? [],
    seriesId: r.series_id ?? null,
    recurrenceId: r.recurrence_id ?? null,
  }));
}

export function findBooking(db: Db, id: number): Booking | undefined {
  const row = db.prepare<[number], BookingRow>('SELECT * FROM bookings WHERE id = ?').get(id);
  return row && toBookings(db, [row])[0];
}

export function findBookingByIdempotencyKey(db: Db, key: string): Booking | undefined {
  const row = db.prepare<[string], BookingRow>('SELECT * FROM bookings WHERE idempotency_key = ?').get(key);
  return row && toBookings(db, [row])[0];
}

/** Does an active booking (other than `exceptId`) or a meeting booked in Outlook hold the room at any moment of [start, end)? */
export function isRoomTaken(db: Db, roomId: number, start: string, end: string, exceptId: number | null): boolean {
  const row = db
    .prepare<[{ roomId: number; start: string; end: string; from: string; exceptId: number }], { taken: number }>(
      `SELECT EXISTS (SELECT 1 FROM bookings WHERE room_id = @roomId AND state IN ${ACTIVE}
                      AND starts_at >= @from AND starts_at < @end AND ends_at > @start AND id != @exceptId)
         OR EXISTS (SELECT 1 FROM external_bookings WHERE room_id = @roomId
                      AND starts_at >= @from AND starts_at < @end AND ends_at > @start
                      AND uid NOT IN (SELECT uid FROM bookings WHERE id = @exceptId))
         OR EXISTS (SELECT 1 FROM external_bookings WHERE ${bookingsSql(db).longerThanADay}
                      AND room_id = @roomId AND starts_at < @from AND ends_at > @start
                      AND uid NOT IN (SELECT uid FROM bookings WHERE id = @exceptId)) AS taken`,
    )
    .get({ roomId, start, end, from: lookbackFrom(start), exceptId: exceptId ?? -1 })!;
  return row.taken === 1;
}

export type NewBooking = Pick<
  Booking,
  'uid' | 'idempotencyKey' | 'roomId' | 'organizerId' | 'createdById' | 'subject' | 'description' | 'private' | 'startsAt' | 'endsAt'
> & { at: string };

export function insertBooking(db: Db, b: NewBooking, attendees: Pick<BookingAttendee, 'email' | 'name' | 'role'>[]): number {
  // RETURNING id (SQLite ≥ 3.35 and PostgreSQL) rather than lastInsertRowid, which PostgreSQL does not have.
  const row = db
    .prepare<[Record<string, unknown>], { id: number }>(
      `INSERT INTO bookings (uid, idempotency_key, room_id, organizer_id, created_by_id, subject, description, private,
                             starts_at, ends_at, state, created_at, updated_at)
       VALUES (@uid, @idempotencyKey, @roomId, @organizerId, @createdById, @subject, @description, @private,
               @startsAt, @endsAt, 'pending', @at, @at) RETURNING id`,
    )
    .get({ ...b, private: b.private ? 1 : 0 })!;
  const id = Number(row.id);
  // A new booking has no attendees to keep or remove: only the upserts (the DELETE cost a create ~30 µs, issue 13).
  upsertAttendees(db, id, attendees);
  return id;
}

/** Sets the attendee list; people who stay keep their recorded response. */
export function replaceAttendees(db: Db, bookingId: number, attendees: Pick<BookingAttendee, 'email' | 'name' | 'role'>[]): void {
  const emails = JSON.stringify(attendees.map((a) => a.email.toLowerCase()));
  db.prepare<[number, string], unknown>(`DELETE FROM booking_attendees WHERE booking_id = ? AND lower(email) NOT IN ${bookingsSql(db).texts('?')}`).run(
    bookingId,
    emails,
  );
  upsertAttendees(db, bookingId, attendees);
}

function upsertAttendees(db: Db, bookingId: number, attendees: Pick<BookingAttendee, 'email' | 'name' | 'role'>[]): void {
  if (!attendees.length) return;
  const upsert = db.prepare<
    [number, string, string | null, AttendeeRole],
    unknown
  >(`INSERT INTO booking_attendees (booking_id, email, name, role) VALUES (?, ?, ?, ?)
     ON CONFLICT (booking_id, email) DO UPDATE SET name = excluded.name, role = excluded.role`);
  for (const a of attendees) upsert.run(bookingId, a.email, a.name, a.role);
}

export interface BookingChanges {
  roomId?: number;
  subject?: string;
  description?: string;
  private?: boolean;
  startsAt?: string;
  endsAt?: string;
  state?: BookingState;
  icalSequence?: number;
  exchangeMailbox?: string | null;
  exchangePath?: string | null;
  submittedAt?: string | null;
  roomResponse?: Response;
  roomResponseAt?: string | null;
  reconciledAt?: string | null;
  cancelMessage?: string | null;
  roomReleasedLocation?: string | null;
  failedReason?: string | null;
}

const COLUMN: Record<keyof BookingChanges, string> = {
  roomId: 'room_id',
  subject: 'subject',
  description: 'description',
  private: 'private',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  state: 'state',
  icalSequence: 'ical_sequence',
  exchangeMailbox: 'exchange_mailbox',
  exchangePath: 'exchange_path',
  submittedAt: 'submitted_at',
  roomResponse: 'room_response',
  roomResponseAt: 'room_response_at',
  reconciledAt: 'reconciled_at',
  cancelMessage: 'cancel_message',
  roomReleasedLocation: 'room_released_location',
  failedReason: 'failed_reason',
};

export function updateBookingRow(db: Db, id: number, changes: BookingChanges, at: string): void {
  const keys = (Object.keys(changes) as (keyof BookingChanges)[]).filter((k) => k in COLUMN && changes[k] !== undefined);
  // Column names come from the fixed COLUMN table, never from input; values are bound.
  const sets = keys.map((k) => `${COLUMN[k]} = @${k}`);
  const values = Object.fromEntries(keys.map((k) => [k, typeof changes[k] === 'boolean' ? Number(changes[k]) : changes[k]]));
  // Prepared once per set of columns (a handful of shapes: the reconciler's, the worker's, a change's).
  db.prepare<[Record<string, unknown>], unknown>(`UPDATE bookings SET ${[...sets, 'updated_at = @at'].join(', ')} WHERE id = @id`).run({ ...values, at, id });
}

/**
 * Records an answer unless one at least as recent is recorded. The time check keeps an answer to an earlier time
 * (still in the organizer's Inbox) from coming back after `resetAttendeeResponses`.
 */
export function setAttendeeResponse(db: Db, bookingId: number, email: string, response: Response, at: string): boolean {
  return (
    db
      .prepare<[Response, string, number, string, Response, string], unknown>(
        `UPDATE booking_attendees SET response = ?, responded_at = ?
          WHERE booking_id = ? AND email = ? AND response != ? AND (responded_at IS NULL OR responded_at <= ?)`,
      )
      .run(response, at, bookingId, email, response, at).changes > 0
  );
}

/**
 * The time or room changed: earlier answers no longer hold (Exchange resets them too). The answer is cleared and
 * `responded_at` becomes the change's time, so the row reads "answered the old time" (response 'none' with a time)
 * and only answers received after the change replace it.
 */
export function resetAttendeeResponses(db: Db, bookingId: number, at: string): void {
  db.prepare<[string, number], unknown>("UPDATE booking_attendees SET response = 'none', responded_at = ? WHERE booking_id = ? AND response != 'none'").run(
    at,
    bookingId,
  );
}

export function listBookingsForOrganizer(db: Db, organizerId: number, now: string, upcoming: boolean, limit = 200): Booking[] {
  // Both read an index range of bookings_by_organizer (organizer_id, starts_at): upcoming ones start at most the
  // look-back before now; past ones started before now (read newest first, so only `limit` rows are touched).
  const rows = upcoming
    ? db
        .prepare<[number, string, string, number], BookingRow>(
          `SELECT * FROM bookings WHERE organizer_id = ? AND starts_at >= ? AND ends_at > ? ORDER BY starts_at LIMIT ?`,
        )
        .all(organizerId, lookbackFrom(now), now, limit)
    : db
        .prepare<[number, string, string, number], BookingRow>(
          `SELECT * FROM bookings WHERE organizer_id = ? AND starts_at < ? AND ends_at <= ? ORDER BY starts_at DESC LIMIT ?`,
        )
        .all(organizerId, now, now, limit);
  return toBookings(db, rows);
}

/**
 * Bookings this address is an attendee of (not the organizer's own) that end after `now` and start before `until`,
 * earliest first: home's "my day" lists meetings I am invited to (issue 16). booking_attendees_by_email (0014).
 */
export function listBookingsForAttendee(db: Db, email: string, organizerId: number, now: string, until: string, limit = 50): Booking[] {
  const rows = db
    .prepare<[string, number, string, string, string, number], BookingRow>(
      `SELECT b.* FROM booking_attendees a JOIN bookings b ON b.id = a.booking_id
     WHERE a.email = ? AND b.organizer_id != ? AND b.starts_at >= ? AND b.ends_at > ? AND b.starts_at < ?
     ORDER BY b.starts_at LIMIT ?`,
    )
    .all(email, organizerId, lookbackFrom(now), now, until, limit);
  return toBookings(db, rows);
}

/** Active bookings of these rooms overlapping [start, end). */
export function listActiveInWindow(db: Db, roomIds: number[], start: string, end: string): Booking[] {
  const rows = db
    .prepare<[string, string, string, string], BookingRow>(
      `SELECT * FROM bookings WHERE room_id IN ${bookingsSql(db).ids('?')} AND state IN ${ACTIVE}
       AND starts_at >= ? AND starts_at < ? AND ends_at > ? ORDER BY starts_at`,
    )
    .all(JSON.stringify(roomIds), lookbackFrom(start), end, start);
  return toBookings(db, rows);
}

/** Just the times of active bookings of these rooms overlapping [start, end): find-a-room needs nothing else. */
export function listActiveTimesInWindow(db: Db, roomIds: number[], start: string, end: string): { roomId: number; startsAt: string; endsAt: string }[] {
  return db
    .prepare<[string, string, string, string], { roomId: number; startsAt: string; endsAt: string }>(
      `SELECT room_id AS "roomId", starts_at AS "startsAt", ends_at AS "endsAt" FROM bookings
     WHERE room_id IN ${bookingsSql(db).ids('?')} AND state IN ${ACTIVE} AND starts_at >= ? AND starts_at < ? AND ends_at > ?`,
    )
    .all(JSON.stringify(roomIds), lookbackFrom(start), end, start);
}

/** Bookings in any state whose time overlaps [start, end) (for schedules and the reconciler). */
export function listAllInWindow(db: Db, roomIds: number[], start: string, end: string): Booking[] {
  const rows = db
    .prepare<[string, string, string, string], BookingRow>(
      `SELECT * FROM bookings WHERE room_id IN ${bookingsSql(db).ids('?')} AND starts_at >= ? AND starts_at < ? AND ends_at > ?
     ORDER BY starts_at`,
    )
    .all(JSON.stringify(roomIds), lookbackFrom(start), end, start);
  return toBookings(db, rows);
}

export interface ExternalBooking {
  id: number;
  roomId: number;
  uid: string;
  subject: string;
  organizer: string;
  startsAt: string;
  endsAt: string;
}

/**
 * Outlook meetings of these rooms overlapping [start, end). Two index ranges, disjoint by starts_at: meetings that
 * started within the look-back (external_bookings_by_room_time), and the rare longer ones that started earlier
 * (the partial index external_bookings_long, whose WHERE term the second branch repeats word for word).
 */
export function listExternalInWindow(db: Db, roomIds: number[], start: string, end: string): ExternalBooking[] {
  return db
    .prepare<
      [{ rooms: string; from: string; start: string; end: string }],
      { id: number; room_id: number; uid: string; subject: string; organizer: string; starts_at: string; ends_at: string }
    >(
      `SELECT * FROM (
       SELECT * FROM external_bookings WHERE room_id IN ${bookingsSql(db).ids('@rooms')}
         AND starts_at >= @from AND starts_at < @end AND ends_at > @start
       UNION ALL
       SELECT * FROM external_bookings WHERE ${bookingsSql(db).longerThanADay}
         AND room_id IN ${bookingsSql(db).ids('@rooms')} AND starts_at < @from AND ends_at > @start
     ) AS x ORDER BY starts_at`,
    )
    .all({ rooms: JSON.stringify(roomIds), from: lookbackFrom(start), start, end })
    .map((r) => ({ id: r.id, roomId: r.room_id, uid: r.uid, subject: r.subject, organizer: r.organizer, startsAt: r.starts_at, endsAt: r.ends_at }));
}

/**
 * Replaces what the reconciler knows of one room's Outlook meetings inside [start, end), writing only what changed: a
 * pass that finds the room as it was writes nothing. Deleting and re-inserting every row on every pass bumped the
 * schedule's versions (their triggers) each time, so each pass threw away the day views and report days of every room
 * with an Outlook meeting (issue 13). `seen_at` is when this version of the meeting was first seen.
 */
export function replaceExternalBookings(
  db: Db,
  roomId: number,
  start: string,
  end: string,
  items: Omit<ExternalBooking, 'id' | 'roomId'>[],
  seenAt: string,
): void {
  const key = (uid: string, startsAt: string) => `${uid}\u0000${startsAt}`;
  // The last of several items with the same uid and start wins, as the upsert below did for each in turn.
  const wanted = new Map(items.map((i) => [key(i.uid, i.startsAt), i]));
  const held = db
    .prepare<[number, string, string], { id: number; uid: string; subject: string; organizer: string; starts_at: string; ends_at: string }>(
      'SELECT id, uid, subject, organizer, starts_at, ends_at FROM external_bookings WHERE room_id = ? AND starts_at < ? AND ends_at > ?',
    )
    .all(roomId, end, start);
  const remove = db.prepare<[number], unknown>('DELETE FROM external_bookings WHERE id = ?');
  for (const row of held) {
    const k = key(row.uid, row.starts_at);
    const w = wanted.get(k);
    if (!w) remove.run(row.id);
    else if (w.subject === row.subject && w.organizer === row.organizer && w.endsAt === row.ends_at) wanted.delete(k);
  }
  const upsert = db.prepare<
    [number, string, string, string, string, string, string],
    unknown
  >(`INSERT INTO external_bookings (room_id, uid, subject, organizer, starts_at, ends_at, seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (room_id, uid, starts_at) DO UPDATE SET subject = excluded.subject, organizer = excluded.organizer,
       ends_at = excluded.ends_at, seen_at = excluded.seen_at`);
  for (const i of wanted.values()) upsert.run(roomId, i.uid, i.subject, i.organizer, i.startsAt, i.endsAt, seenAt);
}

/** A booking as schedules show it: no attendee rows, only their number. */
export interface BookingSummary {
  id: number;
  roomId: number;
  uid: string;
  subject: string;
  private: boolean;
  state: BookingState;
  organizerId: number;
  attendeeCount: number;
  startsAt: string;
  endsAt: string;
  icalSequence: number;
  updatedAt: string;
  /** One date of a recurring series (issue 14); null for a single booking. */
  seriesId: number | null;
  /** A series date's original start (Exchange's RECURRENCE-ID); null for a single booking. */
  recurrenceId: string | null;
}

/** Bookings in any state overlapping [start, end), lean: one query, attendees counted in SQL. */
export function listSummariesInWindow(db: Db, roomIds: number[], start: string, end: string): BookingSummary[] {
  return db
    .prepare<
      [string, string, string, string],
      {
        id: number;
        room_id: number;
        uid: string;
        subject: string;
        private: number;
        state: BookingState;
        organizer_id: number;
        attendee_count: number;
        starts_at: string;
        ends_at: string;
        ical_sequence: number;
        updated_at: string;
        series_id: number | null;
        recurrence_id: string | null;
      }
    >(
      `SELECT b.id, b.room_id, b.uid, b.subject, b.private, b.state, b.organizer_id, b.starts_at, b.ends_at, b.ical_sequence, b.updated_at, b.series_id, b.recurrence_id,
              (SELECT count(*) FROM booking_attendees a WHERE a.booking_id = b.id) AS attendee_count
       FROM bookings b WHERE b.room_id IN ${bookingsSql(db).ids('?')} AND b.starts_at >= ? AND b.starts_at < ? AND b.ends_at > ?
       ORDER BY b.starts_at`,
    )
    .all(JSON.stringify(roomIds), lookbackFrom(start), end, start)
    .map((r) => ({
      id: r.id,
      roomId: r.room_id,
      uid: r.uid,
      subject: r.subject,
      private: r.private === 1,
      state: r.state,
      organizerId: r.organizer_id,
      attendeeCount: r.attendee_count,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      icalSequence: r.ical_sequence,
      updatedAt: r.updated_at,
      seriesId: r.series_id,
      recurrenceId: r.recurrence_id,
    }));
}
