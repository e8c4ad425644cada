// Reads what a utilisation report needs (rooms through their service, bookings through the report's lean read-only
// queries in repo.ts, see there why), then hands plain epoch-millisecond intervals to the pure aggregate.
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { listBuildings, listRooms, type Room } from '../rooms/service.ts';
import { aggregate, mergeIntervals, type ReportItem, type ReportPeriod, type UtilisationReport } from './aggregate.ts';
import {
  listHeldBookings,
  listOutlookOnly,
  listReleased,
  listReleasedSpans,
  listRoomDays,
  listTakenDuring,
  roomDayVersion,
  roomDayVersions,
  saveRoomDays,
  type RoomDayRow,
} from './repo.ts';
import { combineDays, summariseDays, type DaySummary, type RawItem } from './room-days.ts';
import { roomIdsWithCheckinOn } from '../checkin/service.ts';
import { scheduleVersion } from '../schedule/invalidation.ts';
import type { ReportQueryInput } from './schema.ts';
import { dayPlus } from '../time/zone-day.ts';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

/** Days in the default period, ending today. */
export const DEFAULT_DAYS = 30;

/**
 * Check-in (server/checkin/): in rooms where it is on, a booking's checkedInAt is its check-in or null (a no-show,
 * released or not); elsewhere, and for bookings reception marked "no check-in needed", it stays undefined (unknown).
 */

export interface ReportRequest {
  period: ReportPeriod;
  building: string | null;
}

/** The period asked for, or the last 30 days (today included, by the server's UTC date). */
export function resolveRequest(ctx: Pick<AppContext, 'clock'>, q: ReportQueryInput): ReportRequest {
  const today = ctx.clock.now().toUTC();
  const to =
    q.to ??
    (q.from
      ? DateTime.fromISO(q.from)
          .plus({ days: DEFAULT_DAYS - 1 })
          .toISODate()!
      : today.toISODate()!);
  const from =
    q.from ??
    DateTime.fromISO(to)
      .minus({ days: DEFAULT_DAYS - 1 })
      .toISODate()!;
  return { period: { from, to }, building: q.building ?? null };
}

const ms = (iso: string) => Date.parse(iso);

export interface ReportData {
  request: ReportRequest;
  rooms: Room[];
  report: UtilisationReport;
  buildings: string[];
  /** Released no-shows: the hours given back (release to end) and how many of them others booked (ms). */
  rebooked?: Rebooked;
}

export interface RebookedSpan {
  releasedMs: number;
  rebookedMs: number;
}
/** The report's total, and each room with a released no-show (rooms without one are absent). */
export interface Rebooked extends RebookedSpan {
  byRoom: Map<number, RebookedSpan>;
}

/**
 * Released hours rebooked: for each no-show released in the period, the time from its release to its end, and the
 * part of it other bookings or Outlook meetings of the room then held. Released no-shows are few (check-in rooms
 * only), so this reads them one by one instead of keeping day summaries.
 */
function rebookedHours(ctx: Ctx, roomIds: number[], period: ReportPeriod): Rebooked {
  const out: Rebooked = { releasedMs: 0, rebookedMs: 0, byRoom: new Map() };
  if (!roomIds.length) return out;
  const from = DateTime.fromISO(period.from, { zone: 'utc' }).toISO()!;
  const to = DateTime.fromISO(period.to, { zone: 'utc' }).plus({ days: 1 }).toISO()!;
  for (const [roomId, releasedAt, endsAt] of listReleasedSpans(ctx.db, roomIds, from, to)) {
    const start = ms(releasedAt);
    const end = ms(endsAt);
    if (end <= start) continue;
    let room = out.byRoom.get(roomId);
    if (!room) out.byRoom.set(roomId, (room = { releasedMs: 0, rebookedMs: 0 }));
    room.releasedMs += end - start;
    out.releasedMs += end - start;
    const taken = listTakenDuring(ctx.db, roomId, releasedAt, endsAt).map(([s, e]) => ({ start: Math.max(start, ms(s)), end: Math.min(end, ms(e)) }));
    for (const t of mergeIntervals(taken)) {
      room.rebookedMs += t.end - t.start;
      out.rebookedMs += t.end - t.start;
    }
  }
  return out;
}

// Finished reports by request, valid while schedule_changes.version stays the same: its triggers fire on every write
// to bookings, booking_attendees, external_bookings and rooms, which is everything a report reads (see
// schedule/invalidation.ts). So the CSV export after viewing the page, or reception reloading it, costs nothing; the
// first report after a change is computed afresh. A handful of entries, each a few hundred rows of totals.
const REPORT_CACHE_ENTRIES = 16;
const reportCache = new WeakMap<Ctx['db'], { version: number; checkinOn: boolean; entries: Map<string, ReportData> }>();

export function buildReport(ctx: Ctx, request: ReportRequest): ReportData {
  const version = scheduleVersion(ctx.db);
  if (version === null) return computeReport(ctx, request);
  // With check-in on in any room, "now" is part of the answer (which past bookings count as no-shows): such a report
  // is kept for the current minute only. With check-in off everywhere it depends on the data alone.
  // Check-in settings bump the data version too (migration 0013), so the cached entry knows whether any is on.
  let cache = reportCache.get(ctx.db);
  if (!cache || cache.version !== version) reportCache.set(ctx.db, (cache = { version, checkinOn: roomIdsWithCheckinOn(ctx).length > 0, entries: new Map() }));
  const nowPart = cache.checkinOn ? Math.floor(ctx.clock.now().toMillis() / 60_000) : 0;
  const key = JSON.stringify([request.period.from, request.period.to, request.building, nowPart]);
  const hit = cache.entries.get(key);
  if (hit) return hit;
  const data = computeReport(ctx, request);
  if (cache.entries.size >= REPORT_CACHE_ENTRIES) cache.entries.delete(cache.entries.keys().next().value!);
  cache.entries.set(key, data);
  return data;
}

/** Raw items of `ids` overlapping the UTC range around local days [fromDay, toDay] (wide enough for every zone). */
function readItems(ctx: Ctx, ids: number[], fromDay: string, toDay: string): RawItem[] {
  const from = DateTime.fromISO(fromDay, { zone: 'utc' }).minus({ days: 1 }).toISO()!;
  const to = DateTime.fromISO(toDay, { zone: 'utc' }).plus({ days: 2 }).toISO()!;
  const items: RawItem[] = [];
  if (!ids.length) return items;
  // Past bookings stay "booked"; cancelled, declined and failed ones never held the room (filtered in SQL).
  for (const [roomId, s, e, invited, at, exempt] of listHeldBookings(ctx.db, ids, from, to))
    items.push({ roomId, start: ms(s), end: ms(e), people: invited + 1, kind: 'held', checkedInAt: at === null ? null : ms(at), exempt: exempt === 1 });
  // A released no-show was booked (it counts in booked hours) and nobody came.
  for (const [roomId, s, e, invited] of listReleased(ctx.db, ids, from, to))
    items.push({ roomId, start: ms(s), end: ms(e), people: invited + 1, kind: 'released', checkedInAt: null, exempt: false });
  // An Outlook meeting's number of people is not known.
  for (const [roomId, s, e] of listOutlookOnly(ctx.db, ids, from, to))
    items.push({ roomId, start: ms(s), end: ms(e), people: null, kind: 'outlook', checkedInAt: null, exempt: false });
  return items;
}

// Epoch arithmetic, not luxon: the background builder steps through a year of days per room, and a luxon DateTime per
// step was most of its CPU (issue 13: 3.3 s of the mixed load's first minute). A calendar day is 86,400,000 ms in UTC.

/**
 * Days before this one (UTC date today - 3) are settled: every booking starting on them has ended in every zone (an
 * app booking lasts at most a day; a zone is at most 14 h from UTC), so their summaries do not depend on now.
 */
function settledBefore(now: DateTime): string {
  return now.toUTC().minus({ days: 3 }).toISODate()!;
}

const toRow = (d: DaySummary): RoomDayRow => [
  d.roomId,
  d.day,
  d.bookedMs,
  d.bookedOpenMs,
  d.bookableMs,
  d.bookings,
  d.held,
  d.heldEnded,
  d.heldNoShows,
  d.heldUsedMs,
  d.released,
  d.releasedEnded,
  d.heat && JSON.stringify(d.heat),
  d.people && JSON.stringify(d.people),
];

const fromRow = (r: RoomDayRow): DaySummary => ({
  roomId: r[0],
  day: r[1],
  bookedMs: r[2],
  bookedOpenMs: r[3],
  bookableMs: r[4],
  bookings: r[5],
  held: r[6],
  heldEnded: r[7],
  heldNoShows: r[8],
  heldUsedMs: r[9],
  released: r[10],
  releasedEnded: r[11],
  heat: r[12] === null ? null : (JSON.parse(r[12]) as number[]),
  people: r[13] === null ? null : (JSON.parse(r[13]) as Record<string, number>),
});

/** Summaries of each room's days in [fromDay, toDay] computed from the bookings now (nothing stored). */
function summariseLive(ctx: Ctx, rooms: Room[], fromDay: string, toDay: string): DaySummary[] {
  if (fromDay > toDay || !rooms.length) return [];
  const byRoom = new Map<number, RawItem[]>(rooms.map((r) => [r.id, []]));
  for (const it of readItems(
    ctx,
    rooms.map((r) => r.id),
    fromDay,
    toDay,
  ))
    byRoom.get(it.roomId)?.push(it);
  const now = ctx.clock.now().toMillis();
  const out: DaySummary[] = [];
  for (const r of rooms) for (const d of summariseDays(r, byRoom.get(r.id)!, { from: fromDay, to: toDay }, now)) out.push(d);
  return out;
}

/**
 * Settled days come from report_room_days; the ones missing there (never built, or deleted by a write's trigger) are
 * built from the bookings and saved, in one write transaction so no write lands between reading and saving. The
 * days from settledBefore() on are computed afresh each time (they depend on now).
 */
// The stored summaries this process has read, per room, with the room's counter when read (report_room_versions):
// a room is read again only when its counter moved, i.e. when a write deleted any of its summaries.
interface RoomMemory {
  version: number;
  from: string;
  to: string;
  days: Map<string, DaySummary>;
}
const memory = new WeakMap<Ctx['db'], Map<number, RoomMemory>>();

const memoryOf = (db: Ctx['db']) => {
  let mem = memory.get(db);
  if (!mem) memory.set(db, (mem = new Map()));
  return mem;
};

/** The local days [from, to] as YYYY-MM-DD strings. */
function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = dayPlus(d, 1)) out.push(d);
  return out;
}

/** The first and last of `days` missing from `have`, or null when none is. */
function missingSpan(days: readonly string[], have: { has(day: string): boolean }): { from: string; to: string } | null {
  let first: string | null = null;
  let last: string | null = null;
  for (const d of days) {
    if (have.has(d)) continue;
    first ??= d;
    last = d;
  }
  return first && last ? { from: first, to: last } : null;
}

/**
 * The settled local days the background builder keeps filled: the `horizonDays` before settledBefore() (a report
 * covers at most 366 days; older periods are still built by the report that asks for them).
 */
export function backgroundRange(now: DateTime, horizonDays: number): { from: string; to: string } {
  const to = dayPlus(settledBefore(now), -1);
  return { from: dayPlus(to, -(horizonDays - 1)), to };
}

/**
 * Keeps `days` (all of the room's stored summaries in [from, to] at counter `version`) in this process's memory, so
 * the next report here does not read them from the table again. Joined to what is remembered when that is at the same
 * counter and next to or overlapping [from, to] (the builder goes through a room in consecutive spans).
 */
function remember(db: Ctx['db'], roomId: number, version: number, from: string, to: string, days: Iterable<DaySummary>): void {
  const mem = memoryOf(db);
  const held = mem.get(roomId);
  if (held && held.version === version && held.from <= dayPlus(to, 1) && dayPlus(held.to, 1) >= from) {
    for (const d of days) held.days.set(d.day, d);
    if (from < held.from) held.from = from;
    if (to > held.to) held.to = to;
    return;
  }
  mem.set(roomId, { version, from, to, days: new Map([...days].map((d) => [d.day, d])) });
}

/**
 * Fills one room's missing stored summaries in [from, to] (the background builder, summaries.ts): reads which days
 * are stored; when some are missing, in one write transaction reads them again, rebuilds the span from the first
 * missing to the last from the bookings and saves it. A report running meanwhile in this or another process builds
 * from the same committed data, so whichever saves last writes equal rows (the primary key keeps one per room-day).
 * Either way the room's days are then in this process's memory (the leading instance's first report reads nothing).
 * Returns the days written.
 */
export function fillRoomDays(ctx: Ctx, room: Room, from: string, to: string): number {
  const periodDays = daysOf(from, to);
  const held = memory.get(ctx.db)?.get(room.id);
  // Already remembered, complete and current: nothing to read.
  if (held && held.from <= from && held.to >= to && held.version === roomDayVersion(ctx.db, room.id) && !missingSpan(periodDays, held.days)) return 0;
  const read = () => ({ version: roomDayVersion(ctx.db, room.id), rows: listRoomDays(ctx.db, [room.id], from, to) });
  // A read first, without the write lock: most of the time every day is there.
  const found = ctx.db.transaction(read)();
  if (!missingSpan(periodDays, new Set(found.rows.map((r) => r[1])))) {
    remember(ctx.db, room.id, found.version, from, to, found.rows.map(fromRow));
    return 0;
  }
  return ctx.db
    .transaction(() => {
      const { version, rows } = read();
      const days = new Map(rows.map((r) => [r[1], fromRow(r)]));
      const span = missingSpan(periodDays, days);
      if (!span) {
        remember(ctx.db, room.id, version, from, to, days.values());
        return 0;
      }
      const built = summariseDays(room, readItems(ctx, [room.id], span.from, span.to), span, ctx.clock.now().toMillis());
      saveRoomDays(ctx.db, built.map(toRow));
      for (const d of built) days.set(d.day, d);
      remember(ctx.db, room.id, version, from, to, days.values());
      return built.length;
    })
    .immediate();
}

function computeReport(ctx: Ctx, request: ReportRequest): ReportData {
  const rooms = listRooms(ctx, request.building ? { building: request.building } : {});
  const { from, to } = request.period;
  const cut = settledBefore(ctx.clock.now());
  const storedTo = to < cut ? to : dayPlus(cut, -1);
  const days: DaySummary[] = [];
  if (rooms.length && from <= storedTo) {
    const mem = memoryOf(ctx.db);
    const periodDays = daysOf(from, storedTo);
    // Counters and rows in one read transaction: a deletion cannot fall between them. A room is read again when its
    // counter moved, its remembered range does not cover the period, or a day is missing from memory: another
    // process (the background builder of the leading instance) may have stored it since.
    ctx.db.transaction(() => {
      const versions = roomDayVersions(ctx.db);
      const stale = rooms.filter((r) => {
        const m = mem.get(r.id);
        return !m || m.version !== (versions.get(r.id) ?? 0) || m.from > from || m.to < storedTo || missingSpan(periodDays, m.days) !== null;
      });
      if (!stale.length) return;
      for (const r of stale) mem.set(r.id, { version: versions.get(r.id) ?? 0, from, to: storedTo, days: new Map() });
      for (const row of listRoomDays(
        ctx.db,
        stale.map((r) => r.id),
        from,
        storedTo,
      ))
        mem.get(row[0])!.days.set(row[1], fromRow(row));
    })();
    // Each room's first and last missing day; the whole span between is rebuilt (cheaper than many small reads).
    // The background builder usually left none (correctness never depends on it: whatever is missing is built here).
    const missing: { room: Room; from: string; to: string }[] = [];
    for (const room of rooms) {
      const span = missingSpan(periodDays, mem.get(room.id)!.days);
      if (span) missing.push({ room, ...span });
    }
    if (missing.length) {
      ctx.db
        .transaction(() => {
          const lo = missing.reduce((m, x) => (x.from < m ? x.from : m), missing[0]!.from);
          const hi = missing.reduce((m, x) => (x.to > m ? x.to : m), missing[0]!.to);
          const byRoom = new Map<number, RawItem[]>(missing.map((m) => [m.room.id, []]));
          for (const it of readItems(
            ctx,
            missing.map((m) => m.room.id),
            lo,
            hi,
          ))
            byRoom.get(it.roomId)?.push(it);
          const now = ctx.clock.now().toMillis();
          const versions = roomDayVersions(ctx.db);
          for (const m of missing) {
            const built = summariseDays(m.room, byRoom.get(m.room.id)!, { from: m.from, to: m.to }, now);
            saveRoomDays(ctx.db, built.map(toRow));
            const held = mem.get(m.room.id)!;
            // CASE: another process deleted some of this room's rows since they were read: read them all next time.
            if ((versions.get(m.room.id) ?? 0) !== held.version) held.version = -1;
            for (const d of built) held.days.set(d.day, d);
          }
        })
        .immediate();
    }
    for (const room of rooms) {
      const have = mem.get(room.id)?.days;
      if (!have) continue;
      for (const d of periodDays) {
        const s = have.get(d);
        if (s) days.push(s);
      }
    }
  }
  for (const d of summariseLive(ctx, rooms, from > cut ? from : cut, to)) days.push(d);
  const report = combineDays(rooms, days, request.period, new Set(roomIdsWithCheckinOn(ctx)));
  const rebooked = rebookedHours(
    ctx,
    rooms.map((r) => r.id),
    request.period,
  );
  return { request, rooms, report, buildings: listBuildings(ctx), rebooked };
}

/**
 * The report straight from the bookings, as before the day summaries (no table read or written): the bench compares
 * it with computeReport in the same run, and room-days tests check the two agree.
 */
export function computeReportFromBookings(ctx: Ctx, request: ReportRequest): ReportData {
  const rooms = listRooms(ctx, request.building ? { building: request.building } : {});
  const checkinOn = new Set(roomIdsWithCheckinOn(ctx));
  const items: ReportItem[] = readItems(
    ctx,
    rooms.map((r) => r.id),
    request.period.from,
    request.period.to,
  ).map((it) => ({
    roomId: it.roomId,
    start: it.start,
    end: it.end,
    people: it.people,
    ...(it.kind === 'released' ? { checkedInAt: null } : it.kind === 'held' && checkinOn.has(it.roomId) && !it.exempt ? { checkedInAt: it.checkedInAt } : {}),
  }));
  const report = aggregate(rooms, items, request.period, ctx.clock.now().toMillis());
  return { request, rooms, report, buildings: listBuildings(ctx) };
}
