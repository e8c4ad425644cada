import { DateTime } from 'luxon';
import { nowMillis, type AppContext } from '../context.ts';
import { BadRequestError } from '../errors.ts';
import { getRoom, type Room } from '../rooms/service.ts';
import { listScheduleItems, type ScheduleDeps, type ScheduleItem } from './bookings-source.ts';
import { listRoomsKept, listStampedItems } from './room-items.ts';
import type { DayQueryInput } from './schema.ts';
import { dayWindow, displayState, freeGaps, openingSpan, type DayWindow, type DisplayState, type Span } from './timeline.ts';
import { t } from '../i18n/context.ts';
import { zoneDay } from '../time/zone-day.ts';

export type { ScheduleDeps, ScheduleItem } from './bookings-source.ts';

/** The app's context plus the check-in labels (bookings-source.ts ScheduleDeps), passed in by every caller. */
type Ctx = Pick<AppContext, 'db' | 'clock'> & ScheduleDeps;

/** One row of a timeline: a room on a day (day view) or a day of a room (week view). */
export interface TimelineRow {
  room: Room;
  /** Local date of the row. */
  date: string;
  window: DayWindow;
  open: Span;
  items: ScheduleItem[];
  gaps: Span[];
  /** Day view: changes whenever the room's meetings may have (room-items.ts); rows with equal stamps are reused. */
  stamp?: string;
}

export interface BuildingDay {
  building: string;
  zone: string;
  window: DayWindow;
  floors: { floor: string; rows: TimelineRow[] }[];
}

export interface DaySchedule {
  /** The local date shown (YYYY-MM-DD). */
  date: string;
  /** Zone that decided "today" and the date navigation. */
  zone: string;
  now: DateTime;
  buildings: BuildingDay[];
  /** Meetings matching the search (0 without a search). */
  matches: number;
  /**
   * Equal for two schedules of the same query and minute exactly when they draw the same rooms and meetings (every
   * row's stamp, room-items.ts); null without the per-room counters. The day view keeps its page by it.
   */
  fingerprint: string | null;
}

// zoneDay() is kept per (date, zone): asking luxon to parse the date was ~0.1 ms of every day-view rebuild (issue 13).
const isDate = (d: string, zone: string) => zoneDay(d, zone) !== null;

function localDate(ctx: Ctx, date: string | undefined, zone: string): string {
  if (date === undefined) return zoneToday(zone, nowMillis(ctx.clock)).date;
  if (!isDate(date, zone)) throw new BadRequestError(t('form.no_such_date'));
  return date;
}

/** Does a meeting match the search text (subject, organizer name or address)? */
export function matchesSearch(item: ScheduleItem, q: string | undefined): boolean {
  if (!q) return false;
  const needle = q.toLowerCase();
  return [item.subject, item.organizerName, item.organizerEmail].some((s) => s.toLowerCase().includes(needle));
}

function rowsFor(
  rooms: Room[],
  date: string,
  window: (room: Room) => DayWindow,
  items: readonly ScheduleItem[] | ReadonlyMap<number, readonly ScheduleItem[]>,
  stamps?: ReadonlyMap<number, string> | null,
): TimelineRow[] {
  let byRoom: ReadonlyMap<number, readonly ScheduleItem[]>;
  if (items instanceof Map) byRoom = items;
  else {
    const grouped = new Map<number, ScheduleItem[]>();
    for (const i of items as readonly ScheduleItem[]) (grouped.get(i.roomId) ?? grouped.set(i.roomId, []).get(i.roomId)!).push(i);
    byRoom = grouped;
  }
  // Most rooms share their hours; building each opening span once saves a zone lookup per room.
  const spans = new Map<string, Span>();
  return rooms.map((room) => {
    const w = window(room);
    const key = `${room.opensAt} ${room.closesAt} ${room.timeZone}`;
    const open = spans.get(key) ?? spans.set(key, openingSpan(date, room.opensAt, room.closesAt, room.timeZone)).get(key)!;
    const stamp = stamps?.get(room.id);
    // A stamped room's meetings in the window and its gaps are kept by the stamp (the rest of the key is the grid).
    const keptKey = stamp === undefined ? null : `${room.id}|${stamp}|${w.start}|${w.end}|${open.start}|${open.end}`;
    let part = keptKey === null ? undefined : keptRowParts.get(keptKey);
    if (!part) {
      const mine = (byRoom.get(room.id) ?? []).filter((i) => i.start < w.end && i.end > w.start);
      part = {
        items: mine,
        gaps: freeGaps(
          open,
          mine.filter((i) => i.active),
        ),
      };
      if (keptKey !== null) {
        if (keptRowParts.size >= 4000) keptRowParts.clear();
        keptRowParts.set(keptKey, part);
      }
    }
    return { room, date, window: w, open, items: part.items, gaps: part.gaps, ...(stamp !== undefined ? { stamp } : {}) };
  });
}
/** Day-view rows' meetings and gaps by room stamp and grid (see rowsFor); shared, read-only. */
const keptRowParts = new Map<string, { items: ScheduleItem[]; gaps: Span[] }>();

/**
 * The zone that decides "today" when no date is asked: the one most of the rooms shown are in (the first room's, as
 * before, on a tie). The first room alone was the alphabetically first building's: with a Budapest office listed
 * before the London one, a London front desk saw tomorrow from 23:00 (an e2e test failed in that hour).
 */
function mostRoomsZone(rooms: readonly Room[]): string {
  const counts = new Map<string, number>();
  let best = rooms[0]?.timeZone ?? 'UTC';
  for (const r of rooms) {
    const n = (counts.get(r.timeZone) ?? 0) + 1;
    counts.set(r.timeZone, n);
    if (n > (counts.get(best) ?? 0)) best = r.timeZone;
  }
  return best;
}

/**
 * The receptionist's day: every matching room grouped by building and floor, each building on a grid covering its
 * rooms' opening hours in its own zone, with the meetings and the free gaps of each room.
 */
export function listDaySchedule(ctx: Ctx, query: DayQueryInput): DaySchedule {
  const floor = query.floor?.toLowerCase();
  const rooms = listRoomsKept(ctx, { building: query.building, capacity: query.capacity, equipment: query.equipment }).filter(
    (r) => !floor || r.floor.toLowerCase() === floor,
  );
  const zone = mostRoomsZone(rooms);
  const date = localDate(ctx, query.date, zone);

  const groups = new Map<string, Room[]>();
  for (const r of rooms) (groups.get(r.building) ?? groups.set(r.building, []).get(r.building)!).push(r);
  const windows = new Map([...groups].map(([b, rs]) => [b, dayWindow(date, rs[0]!.timeZone, rs)]));
  const all = [...windows.values()];
  // Kept per room between changes: after one booking changes, only its room is read again (room-items.ts).
  const { byRoom, stamps } = all.length
    ? listStampedItems(ctx, rooms, Math.min(...all.map((w) => w.start)), Math.max(...all.map((w) => w.end)))
    : { byRoom: new Map<number, readonly ScheduleItem[]>(), stamps: null };

  let matches = 0;
  const buildings: BuildingDay[] = [];
  for (const [building, rs] of groups) {
    const window = windows.get(building)!;
    let rows = rowsFor(rs, date, () => window, byRoom, stamps);
    if (query.q) {
      rows = rows.filter((row) => row.items.some((i) => matchesSearch(i, query.q)));
      matches += rows.reduce((n, row) => n + row.items.filter((i) => matchesSearch(i, query.q)).length, 0);
    }
    if (!rows.length) continue;
    const floors = new Map<string, TimelineRow[]>();
    for (const row of rows) (floors.get(row.room.floor) ?? floors.set(row.room.floor, []).get(row.room.floor)!).push(row);
    buildings.push({ building, zone: window.zone, window, floors: [...floors].map(([f, list]) => ({ floor: f, rows: list })) });
  }
  const fingerprint = stamps
    ? `${date}|${matches}|${buildings.map((b) => `${b.building}:${b.floors.map((f) => `${f.floor}=${f.rows.map((r) => `${r.room.id}.${r.stamp}`).join(',')}`).join(';')}`).join('|')}`
    : null;
  return { date, zone, now: ctx.clock.now(), buildings, matches, fingerprint };
}

/** One room's week (Monday to Sunday) around `date`, one row per day. */
export interface RoomWeek {
  room: Room;
  /** Local date of the week's Monday. */
  monday: string;
  rows: TimelineRow[];
  now: DateTime;
}

export function listRoomWeek(ctx: Ctx, roomId: number, date: string | undefined): RoomWeek {
  const room = getRoom(ctx, roomId);
  const day = localDate(ctx, date, room.timeZone);
  const monday = DateTime.fromISO(day, { zone: room.timeZone }).startOf('week');
  const dates = Array.from({ length: 7 }, (_, i) => monday.plus({ days: i }).toFormat('yyyy-MM-dd'));
  const windows = new Map(dates.map((d) => [d, dayWindow(d, room.timeZone, [room])]));
  const items = listScheduleItems(ctx, [room.id], windows.get(dates[0]!)!.start, windows.get(dates[6]!)!.end);
  const rows = dates.flatMap((d) => rowsFor([room], d, () => windows.get(d)!, items));
  return { room, monday: dates[0]!, rows, now: ctx.clock.now() };
}

/** A room's meetings over a whole local day (display, API). */
export function listRoomDay(ctx: Ctx, room: Room, date: string | undefined): { date: string; items: readonly ScheduleItem[] } {
  const day = localDate(ctx, date, room.timeZone);
  const { start, end } = dayBounds(room.timeZone, day);
  return { date: day, items: listScheduleItems(ctx, [room.id], start, end) };
}

// Door displays poll their room's day every 30 s (70 displays in the mixed load): its zone's date and the day's
// bounds are the same on every poll, and asking luxon for them each time was most of a poll's CPU (issue 13).
// Both are kept per zone (and date), bounded; a kept "today" holds from its local midnight to the next one.
const KEPT_DAYS = 512;
const boundsKept = new Map<string, Span>();
const todayKept = new Map<string, Span & { date: string }>();

/** [local midnight, next local midnight) of `day` in `zone`, epoch ms (a 23- or 25-hour day on a clock change). */
function dayBounds(zone: string, day: string): Span {
  const key = `${zone}|${day}`;
  let bounds = boundsKept.get(key);
  if (!bounds) {
    const start = DateTime.fromISO(day, { zone }).startOf('day');
    if (boundsKept.size >= KEPT_DAYS) boundsKept.clear();
    boundsKept.set(key, (bounds = { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() }));
  }
  return bounds;
}

/** The zone's local date at `ms`, with that day's bounds. */
function zoneToday(zone: string, ms: number): Span & { date: string } {
  const kept = todayKept.get(zone);
  if (kept && ms >= kept.start && ms < kept.end) return kept;
  const date = DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd');
  const today = { date, ...dayBounds(zone, date) };
  if (todayKept.size >= KEPT_DAYS) todayKept.clear();
  todayKept.set(zone, today);
  return today;
}

/** What the room's door display says at `now`. */
export function roomDisplayState(ctx: Ctx, room: Room, now: DateTime): { items: readonly ScheduleItem[]; state: DisplayState<ScheduleItem> } {
  const today = zoneToday(room.timeZone, now.toMillis());
  const items = listScheduleItems(ctx, [room.id], today.start, today.end);
  return {
    items,
    state: displayState(
      items.filter((i) => i.active),
      now.toMillis(),
    ),
  };
}

/** Days of meetings a calendar feed carries: a month back (recent history) and the booking horizon ahead. */
export const FEED_DAYS_BACK = 31;

export function listRoomFeed(ctx: Ctx, room: Room): readonly ScheduleItem[] {
  // Whole days, so every poll of the same day asks the same question (and the cache can answer it).
  const now = ctx.clock.now().setZone(room.timeZone).startOf('day');
  return listScheduleItems(ctx, [room.id], now.minus({ days: FEED_DAYS_BACK }).toMillis(), now.plus({ days: room.horizonDays + 1 }).toMillis());
}
