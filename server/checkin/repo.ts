// Check-in's own tables (migration 0009): settings per building and room, and the facts of each booking.
import type { Db } from '../db/connection.ts';
import { ACTIVE_STATES } from '../bookings/states.ts';
import { checkinSql } from './sql-dialect.ts';
import type { CheckinSettings, ReleaseAction, SettingsChoice } from './rules.ts';

interface SettingsRow {
  required: number | null;
  opens_before_min: number | null;
  closes_after_min: number | null;
  release_action: ReleaseAction | null;
}

const toChoice = (r: SettingsRow): SettingsChoice => ({
  required: r.required === null ? null : r.required === 1,
  opensBeforeMin: r.opens_before_min,
  closesAfterMin: r.closes_after_min,
  releaseAction: r.release_action,
});

const bit = (v: boolean | null | undefined) => (v === null || v === undefined ? null : v ? 1 : 0);

export function findBuildingDefault(db: Db, building: string): SettingsChoice | undefined {
  const row = db
    .prepare<[string], SettingsRow>('SELECT required, opens_before_min, closes_after_min, release_action FROM checkin_building_defaults WHERE building = ?')
    .get(building);
  return row && toChoice(row);
}

export function upsertBuildingDefault(db: Db, building: string, s: CheckinSettings & { seriesMisses?: number }, at: string): void {
  db.prepare(
    `INSERT INTO checkin_building_defaults (building, required, opens_before_min, closes_after_min, release_action, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (building) DO UPDATE SET required = excluded.required, opens_before_min = excluded.opens_before_min,
       closes_after_min = excluded.closes_after_min, release_action = excluded.release_action, updated_at = excluded.updated_at`,
  ).run(building, s.required ? 1 : 0, s.opensBeforeMin, s.closesAfterMin, s.releaseAction, at);
  if (s.seriesMisses !== undefined) db.prepare('UPDATE checkin_building_defaults SET series_misses = ? WHERE building = ?').run(s.seriesMisses, building);
}

/** The series rule's number for a building (migration 0015): dates in a row without a check-in; 0 = never. */
export const DEFAULT_SERIES_MISSES = 3;
export function seriesMissesFor(db: Db, building: string): number {
  const row = db.prepare<[string], { n: number }>('SELECT series_misses AS n FROM checkin_building_defaults WHERE building = ?').get(building);
  return row?.n ?? DEFAULT_SERIES_MISSES;
}

/**
 * A series' dates that started at or before `startsAt`, latest first, with what check-in knows of each. With `max`,
 * only dates that count for the series rule (missedInARow) and at most `max` of them: dates that ended without the
 * room and without a check-in fact (the organizer cancelled, the room declined) are left out, as the rule skips them.
 */
export interface SeriesDateFacts {
  id: number;
  state: string;
  releaseReason: string | null;
  checkedIn: boolean;
  exempt: boolean;
}
export function seriesDatesUpTo(db: Db, seriesId: number, startsAt: string, max?: number): SeriesDateFacts[] {
  // The state literals are fixed strings from code (ACTIVE_STATES), never input.
  const counting =
    max === undefined
      ? ''
      : `AND (c.release_reason IS NOT NULL OR c.checked_in_at IS NOT NULL OR coalesce(c.exempt, 0) = 1
              OR b.state IN (${ACTIVE_STATES.map((st) => `'${st}'`).join(', ')}))`;
  return db
    .prepare<(number | string)[], { id: number; state: string; release_reason: string | null; checked_in_at: string | null; exempt: number | null }>(
      `SELECT b.id, b.state, c.release_reason, c.checked_in_at, c.exempt FROM bookings b
       LEFT JOIN booking_checkins c ON c.booking_id = b.id
       WHERE b.series_id = ? AND b.starts_at <= ? ${counting} ORDER BY b.starts_at DESC${max === undefined ? '' : ' LIMIT ?'}`,
    )
    .all(...(max === undefined ? [seriesId, startsAt] : [seriesId, startsAt, max]))
    .map((r) => ({ id: r.id, state: r.state, releaseReason: r.release_reason, checkedIn: r.checked_in_at !== null, exempt: r.exempt === 1 }));
}

/** Ids of a series' dates starting after `at`, in order. */
export function seriesDatesAfter(db: Db, seriesId: number, at: string): number[] {
  return db
    .prepare<[number, string], { id: number }>('SELECT id FROM bookings WHERE series_id = ? AND starts_at > ? ORDER BY starts_at')
    .all(seriesId, at)
    .map((r) => r.id);
}

/** Records that the series lost its room; false when it had already (the rule fires once). */
export function recordSeriesRelease(db: Db, seriesId: number, r: { missed: number; dates: number; fromStart: string }, at: string): boolean {
  return (
    db
      .prepare(
        'INSERT INTO checkin_series_releases (series_id, released_at, missed, dates, from_start) VALUES (?, ?, ?, ?, ?) ON CONFLICT (series_id) DO NOTHING',
      )
      .run(seriesId, at, r.missed, r.dates, r.fromStart).changes === 1
  );
}

export function findSeriesRelease(db: Db, seriesId: number): { releasedAt: string; missed: number; dates: number; fromStart: string } | undefined {
  const row = db
    .prepare<[number], { released_at: string; missed: number; dates: number; from_start: string }>(
      'SELECT released_at, missed, dates, from_start FROM checkin_series_releases WHERE series_id = ?',
    )
    .get(seriesId);
  return row && { releasedAt: row.released_at, missed: row.missed, dates: row.dates, fromStart: row.from_start };
}

export function findRoomChoice(db: Db, roomId: number): SettingsChoice | undefined {
  const row = db
    .prepare<[number], SettingsRow>('SELECT required, opens_before_min, closes_after_min, release_action FROM checkin_room_settings WHERE room_id = ?')
    .get(roomId);
  return row && toChoice(row);
}

export function upsertRoomChoice(db: Db, roomId: number, c: SettingsChoice, at: string): void {
  db.prepare(
    `INSERT INTO checkin_room_settings (room_id, required, opens_before_min, closes_after_min, release_action, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (room_id) DO UPDATE SET required = excluded.required, opens_before_min = excluded.opens_before_min,
       closes_after_min = excluded.closes_after_min, release_action = excluded.release_action, updated_at = excluded.updated_at`,
  ).run(roomId, bit(c.required), c.opensBeforeMin ?? null, c.closesAfterMin ?? null, c.releaseAction ?? null, at);
}

/** Rooms whose own row or whose building's default turns check-in on (the sweep looks only at these). */
export function roomIdsWithCheckinOn(db: Db): number[] {
  return db
    .prepare<[], { id: number }>(
      `SELECT r.id FROM rooms r
       LEFT JOIN checkin_room_settings s ON s.room_id = r.id
       LEFT JOIN checkin_building_defaults d ON d.building = r.building
       WHERE coalesce(s.required, d.required, 0) = 1`,
    )
    .all()
    .map((r) => r.id);
}

export interface CheckinFacts {
  bookingId: number;
  checkedInAt: string | null;
  checkedInBy: string | null;
  exempt: boolean;
  exemptBy: string | null;
  releasedAt: string | null;
  releaseReason: 'no-show' | 'all-declined' | null;
  releaseAction: ReleaseAction | null;
  releaseNote: string | null;
}

interface FactsRow {
  booking_id: number;
  checked_in_at: string | null;
  checked_in_by: string | null;
  exempt: number;
  exempt_by: string | null;
  released_at: string | null;
  release_reason: 'no-show' | 'all-declined' | null;
  release_action: ReleaseAction | null;
  release_note: string | null;
}

const toFacts = (r: FactsRow): CheckinFacts => ({
  bookingId: r.booking_id,
  checkedInAt: r.checked_in_at,
  checkedInBy: r.checked_in_by,
  exempt: r.exempt === 1,
  exemptBy: r.exempt_by,
  releasedAt: r.released_at,
  releaseReason: r.release_reason,
  releaseAction: r.release_action,
  releaseNote: r.release_note,
});

export function findFacts(db: Db, bookingId: number): CheckinFacts | undefined {
  const row = db.prepare<[number], FactsRow>('SELECT * FROM booking_checkins WHERE booking_id = ?').get(bookingId);
  return row && toFacts(row);
}

/** Facts of many bookings at once (timeline, displays, feeds, report). */
export function factsOf(db: Db, bookingIds: readonly number[]): Map<number, CheckinFacts> {
  if (!bookingIds.length) return new Map();
  const rows = db.prepare<[string], FactsRow>(`SELECT * FROM booking_checkins WHERE booking_id IN ${checkinSql(db).ids('?')}`).all(JSON.stringify(bookingIds));
  return new Map(rows.map((r) => [r.booking_id, toFacts(r)]));
}

/**
 * Records a check-in; false when one was already recorded (the first one counts). The guard names its columns with
 * the table (PostgreSQL finds a bare name ambiguous beside `excluded`; SQLite reads both).
 */
export function recordCheckin(db: Db, bookingId: number, by: string, at: string): boolean {
  const info = db
    .prepare(
      `INSERT INTO booking_checkins (booking_id, checked_in_at, checked_in_by) VALUES (?, ?, ?)
       ON CONFLICT (booking_id) DO UPDATE SET checked_in_at = excluded.checked_in_at, checked_in_by = excluded.checked_in_by
       WHERE booking_checkins.checked_in_at IS NULL AND booking_checkins.released_at IS NULL`,
    )
    .run(bookingId, at, by);
  return info.changes === 1;
}

export function setExempt(db: Db, bookingId: number, exempt: boolean, by: string): void {
  db.prepare(
    `INSERT INTO booking_checkins (booking_id, exempt, exempt_by) VALUES (?, ?, ?)
     ON CONFLICT (booking_id) DO UPDATE SET exempt = excluded.exempt, exempt_by = excluded.exempt_by`,
  ).run(bookingId, exempt ? 1 : 0, exempt ? by : null);
}

/** Marks the release; false when it was released (or checked in) already, so a release is queued exactly once. */
export function recordRelease(db: Db, bookingId: number, r: { reason: 'no-show' | 'all-declined'; action: ReleaseAction; note: string }, at: string): boolean {
  const info = db
    .prepare(
      `INSERT INTO booking_checkins (booking_id, released_at, release_reason, release_action, release_note) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (booking_id) DO UPDATE SET released_at = excluded.released_at, release_reason = excluded.release_reason,
         release_action = excluded.release_action, release_note = excluded.release_note
       WHERE booking_checkins.released_at IS NULL AND booking_checkins.checked_in_at IS NULL AND booking_checkins.exempt = 0`,
    )
    .run(bookingId, at, r.reason, r.action, r.note);
  return info.changes === 1;
}

/**
 * Candidates for the release sweep: bookings in rooms with check-in on that hold the room, have started within the
 * longest window (2 h: the settings' CHECK) and not ended, and carry no check-in, exemption or release yet. The bound
 * keeps the pass that runs every second an index range (a meeting still unreleased 2 h in means the app was down
 * that long; by then giving half a meeting back helps nobody). `+b.room_id`: read by time (bookings_by_time), not
 * room by room (500 index probes cost ~5 ms a pass; the time range is a few rows per room).
 */
const SWEEP_LOOKBACK_MS = 120 * 60_000;

export function listSweepCandidates(db: Db, roomIds: readonly number[], now: string): number[] {
  if (!roomIds.length) return [];
  return db
    .prepare<[string, string, string, string], { id: number }>(
      `SELECT b.id FROM bookings b
       LEFT JOIN booking_checkins c ON c.booking_id = b.id
       WHERE +b.room_id IN ${checkinSql(db).ids('?')}
         AND b.state IN ('pending', 'booked', 'updating')
         AND b.starts_at <= ? AND b.starts_at >= ? AND b.ends_at > ?
         AND (c.booking_id IS NULL OR (c.checked_in_at IS NULL AND c.exempt = 0 AND c.released_at IS NULL))
         AND b.organizer_id NOT IN (SELECT user_id FROM checkin_exempt_people)`,
    )
    .all(JSON.stringify(roomIds), now, new Date(Date.parse(now) - SWEEP_LOOKBACK_MS).toISOString(), now)
    .map((r) => r.id);
}

/** A door display's actions: may this token act, and who organizes its "Book now" meetings. */
export function displaySettings(db: Db, tokenId: number): { canAct: boolean; walkinUserId: number | null } {
  const row = db
    .prepare<[number], { can_act: number; walkin_user_id: number | null }>('SELECT can_act, walkin_user_id FROM device_tokens WHERE id = ?')
    .get(tokenId);
  return { canAct: row?.can_act === 1, walkinUserId: row?.walkin_user_id ?? null };
}

export function setDisplaySettings(db: Db, tokenId: number, s: { canAct: boolean; walkinUserId: number | null }): boolean {
  return (
    db.prepare('UPDATE device_tokens SET can_act = ?, walkin_user_id = ? WHERE id = ? AND revoked_at IS NULL').run(s.canAct ? 1 : 0, s.walkinUserId, tokenId)
      .changes === 1
  );
}

/** The people a display's "Book now" may be organized by (ids), in name order. */
export function displayPeople(db: Db, tokenId: number): number[] {
  return db
    .prepare<[number], { id: number }>(
      'SELECT p.user_id AS id FROM display_token_people p JOIN users u ON u.id = p.user_id WHERE p.token_id = ? AND u.active = 1 ORDER BY u.display_name',
    )
    .all(tokenId)
    .map((r) => r.id);
}

export function setDisplayPeople(db: Db, tokenId: number, userIds: readonly number[]): void {
  db.prepare('DELETE FROM display_token_people WHERE token_id = ?').run(tokenId);
  const insert = db.prepare('INSERT INTO display_token_people (token_id, user_id) VALUES (?, ?) ON CONFLICT (token_id, user_id) DO NOTHING');
  for (const id of userIds) insert.run(tokenId, id);
}

// ---- people exempt from check-in by name (migration 0016) ----

/** Whether bookings this person organizes need no check-in. */
export function isPersonExempt(db: Db, userId: number): boolean {
  return db.prepare<[number], { n: number }>('SELECT 1 AS n FROM checkin_exempt_people WHERE user_id = ?').get(userId) !== undefined;
}

/** The exempt people's ids with who added them and when, in name order. */
export function listExemptPeople(db: Db): { userId: number; addedBy: string; addedAt: string }[] {
  return db
    .prepare<[], { user_id: number; added_by: string; added_at: string }>(
      'SELECT e.user_id, e.added_by, e.added_at FROM checkin_exempt_people e JOIN users u ON u.id = e.user_id ORDER BY u.display_name, u.id',
    )
    .all()
    .map((r) => ({ userId: r.user_id, addedBy: r.added_by, addedAt: r.added_at }));
}

/** Of these bookings, those organized by an exempt person. */
export function exemptByOrganizer(db: Db, bookingIds: readonly number[]): Set<number> {
  if (!bookingIds.length) return new Set();
  const rows = db
    .prepare<[string], { id: number }>(
      `SELECT b.id FROM bookings b JOIN checkin_exempt_people e ON e.user_id = b.organizer_id WHERE b.id IN ${checkinSql(db).ids('?')}`,
    )
    .all(JSON.stringify(bookingIds));
  return new Set(rows.map((r) => r.id));
}

/** Adds or removes a person; true when something changed (adding twice keeps the first row). */
export function setPersonExempt(db: Db, userId: number, exempt: boolean, by: string, at: string): boolean {
  const info = exempt
    ? db.prepare('INSERT INTO checkin_exempt_people (user_id, added_by, added_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING').run(userId, by, at)
    : db.prepare('DELETE FROM checkin_exempt_people WHERE user_id = ?').run(userId);
  return info.changes === 1;
}
