// Reads what a utilisation report needs (rooms through their service, bookings through the report's lean read-only
// queries in repo.ts, see there why), then hands plain epoch-millisecond intervals to the pure aggregate.
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { listBuildings, listRooms, type Room } from '../rooms/service.ts';
import { aggregate, type ReportItem, type ReportPeriod, type UtilisationReport } from './aggregate.ts';
import { listHeldBookings, listOutlookOnly, listReleased } from './repo.ts';
import { roomIdsWithCheckinOn } from '../checkin/service.ts';
import { scheduleVersion } from '../schedule/invalidation.ts';
import type { ReportQueryInput } from './schema.ts';

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

function computeReport(ctx: Ctx, request: ReportRequest): ReportData {
  const rooms = listRooms(ctx, request.building ? { building: request.building } : {});
  const ids = rooms.map((r) => r.id);
  // Wide enough for every zone (UTC-12 to UTC+14); the aggregate clips each room to its own local period.
  const from = DateTime.fromISO(request.period.from, { zone: 'utc' }).minus({ days: 1 }).toISO()!;
  const to = DateTime.fromISO(request.period.to, { zone: 'utc' }).plus({ days: 2 }).toISO()!;
  const items: ReportItem[] = [];
  if (ids.length) {
    // Past bookings stay "booked"; cancelled, declined and failed ones never held the room (filtered in SQL).
    const checkinOn = new Set(roomIdsWithCheckinOn(ctx));
    const checkedIn = (roomId: number, at: string | null, exempt: number) =>
      !checkinOn.has(roomId) || exempt ? {} : { checkedInAt: at === null ? null : ms(at) };
    for (const [roomId, s, e, invited, at, exempt] of listHeldBookings(ctx.db, ids, from, to)) {
      items.push({ roomId, start: ms(s), end: ms(e), people: invited + 1, ...checkedIn(roomId, at, exempt) });
    }
    // A released no-show was booked (it counts in booked hours) and nobody came.
    for (const [roomId, s, e, invited] of listReleased(ctx.db, ids, from, to))
      items.push({ roomId, start: ms(s), end: ms(e), people: invited + 1, checkedInAt: null });
    // An Outlook meeting's number of people is not known.
    for (const [roomId, s, e] of listOutlookOnly(ctx.db, ids, from, to)) items.push({ roomId, start: ms(s), end: ms(e), people: null });
  }
  const report = aggregate(rooms, items, request.period, ctx.clock.now().toMillis());
  return { request, rooms, report, buildings: listBuildings(ctx) };
}
