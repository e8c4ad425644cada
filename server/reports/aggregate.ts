// Pure utilisation arithmetic: no I/O, no clock, no process time zone. Instants are epoch milliseconds (a year of
// bookings for 500 rooms is ~10^6 intervals; luxon objects per interval would dominate). luxon is used only to build
// each zone's hour table once per local day of the period (hourTable); everything after that is integer arithmetic.
import { DateTime, IANAZone } from 'luxon';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export interface ReportRoom {
  id: number;
  name: string;
  building: string;
  floor: string;
  capacity: number;
  timeZone: string;
  /** HH:MM in the room's zone, every day (rooms have no weekday calendar). */
  opensAt: string;
  closesAt: string;
}

/** One booking holding a room: an app booking in an active state or an Outlook meeting. */
export interface ReportItem {
  roomId: number;
  start: number;
  end: number;
  /** People in the meeting (organizer + invited), or null when unknown (Outlook meetings). */
  people: number | null;
  /**
   * Check-in: undefined = not recorded (check-in is off), null = nobody checked in, a number = when someone did.
   * Only bookings that ended before `now` count towards used hours and no-shows.
   */
  checkedInAt?: number | null;
}

/** Local dates, both inclusive (YYYY-MM-DD). */
export interface ReportPeriod {
  from: string;
  to: string;
}

/** One local hour of a zone: its instant, wall-clock hour and ISO weekday (1 = Monday). */
interface HourTable {
  starts: number[];
  hours: number[];
  weekdays: number[];
  /** starts[i + 1] for the last entry: the end of the period in that zone. */
  end: number;
  /** Index of each local date's first hour, for opening hours. */
  dayIndex: Map<string, number>;
  dates: string[];
}

/**
 * Every local hour of [from 00:00, to + 1 day 00:00) in `zone`, in order. A spring-forward day has 23 entries and a
 * fall-back day 25 (the repeated hour appears twice with the same wall-clock hour), so sums over entries are exact.
 * luxon finds each local midnight (once per zone-day); a day whose offset does not change is 24 plain hours, and only
 * a transition day asks the zone's offset hour by hour. (A 30-minute change, Lord Howe only, shifts that day's hour
 * cells by half an hour; totals stay exact.)
 */
export function hourTable(zoneName: string, period: ReportPeriod): HourTable {
  const zone = IANAZone.create(zoneName);
  const t: HourTable = { starts: [], hours: [], weekdays: [], end: 0, dayIndex: new Map(), dates: [] };
  const [fy, fm, fd] = period.from.split('-').map(Number) as [number, number, number];
  const lastUtc = Date.parse(`${period.to}T00:00:00Z`);
  const midnight = (utcDate: number) => {
    // Local midnight from the zone's offset, asked twice (the guess may sit across a transition from the answer).
    const guess = utcDate - zone.offset(utcDate) * MINUTE_MS;
    const at = utcDate - zone.offset(guess) * MINUTE_MS;
    if (at + zone.offset(at) * MINUTE_MS === utcDate) return at;
    // CASE: midnight does not exist that day (a zone that springs forward at 00:00): luxon picks the first instant.
    const d = new Date(utcDate);
    return DateTime.fromObject({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, { zone }).toMillis();
  };
  let utcDate = Date.UTC(fy, fm - 1, fd);
  let start = midnight(utcDate);
  while (utcDate <= lastUtc) {
    const nextUtcDate = utcDate + 24 * HOUR_MS;
    const next = midnight(nextUtcDate);
    const date = new Date(utcDate).toISOString().slice(0, 10);
    const weekday = ((new Date(utcDate).getUTCDay() + 6) % 7) + 1;
    t.dayIndex.set(date, t.starts.length);
    t.dates.push(date);
    if (next - start === 24 * HOUR_MS && zone.offset(start) === zone.offset(next - 1)) {
      for (let h = 0; h < 24; h++) {
        t.starts.push(start + h * HOUR_MS);
        t.hours.push(h);
        t.weekdays.push(weekday);
      }
    } else {
      for (let at = start; at < next; at += HOUR_MS) {
        t.starts.push(at);
        t.hours.push(new Date(at + zone.offset(at) * MINUTE_MS).getUTCHours());
        t.weekdays.push(weekday);
      }
    }
    utcDate = nextUtcDate;
    start = next;
  }
  t.end = start;
  return t;
}

// Hour tables are pure functions of (zone, period) and only read afterwards: kept for the periods asked recently, so a
// year's report does not ask luxon for ~1,100 zone offsets per zone on every request (issue 15: under a second).
const hourTables = new Map<string, HourTable>();
export function sharedHourTable(zone: string, period: ReportPeriod): HourTable {
  const key = `${zone}\u0000${period.from}\u0000${period.to}`;
  let t = hourTables.get(key);
  if (!t) {
    t = hourTable(zone, period);
    if (hourTables.size >= 64) hourTables.delete(hourTables.keys().next().value!);
    hourTables.set(key, t);
  }
  return t;
}

/** Index of the last entry starting at or before `ms` (binary search), -1 before the first. */
function entryAt(t: HourTable, ms: number): number {
  let lo = 0;
  let hi = t.starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t.starts[mid]! <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The instant a local wall-clock time falls on, from the day's hour entries (a time in a skipped hour moves on). */
function localInstant(t: HourTable, dayStart: number, dayEnd: number, minutes: number): number {
  const hour = Math.floor(minutes / 60);
  for (let i = dayStart; i < dayEnd; i++) if (t.hours[i]! >= hour) return t.hours[i]! === hour ? t.starts[i]! + (minutes % 60) * MINUTE_MS : t.starts[i]!;
  return dayEnd < t.starts.length ? t.starts[dayEnd]! : t.end;
}

/** Opening spans [start, end) of a room on every day of the period, in order. */
export function openingSpans(t: HourTable, opensAt: string, closesAt: string): { start: number; end: number }[] {
  const opens = minutesOf(opensAt);
  const closes = minutesOf(closesAt);
  const spans: { start: number; end: number }[] = [];
  for (let d = 0; d < t.dates.length; d++) {
    const first = t.dayIndex.get(t.dates[d]!)!;
    const after = d + 1 < t.dates.length ? t.dayIndex.get(t.dates[d + 1]!)! : t.starts.length;
    const start = localInstant(t, first, after, opens);
    const end = closes >= 24 * 60 ? (after < t.starts.length ? t.starts[after]! : t.end) : localInstant(t, first, after, closes);
    if (end > start) spans.push({ start, end });
  }
  return spans;
}

/** Sorted, non-overlapping union of intervals (an Outlook copy of an app booking must not count twice). */
export function mergeIntervals(spans: { start: number; end: number }[]): { start: number; end: number }[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/** Total length of the overlap of two sorted, non-overlapping interval lists. */
function overlapMs(a: { start: number; end: number }[], b: { start: number; end: number }[]): number {
  let i = 0;
  let j = 0;
  let total = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i]!.start, b[j]!.start);
    const e = Math.min(a[i]!.end, b[j]!.end);
    if (e > s) total += e - s;
    if (a[i]!.end < b[j]!.end) i++;
    else j++;
  }
  return total;
}

/** Sums that add up from rooms to floors to buildings to the whole report. */
export interface Totals {
  rooms: number;
  /** Booked time in the period (union per room), inside or outside opening hours. */
  bookedMs: number;
  /** Booked time inside opening hours, the numerator of utilisation. */
  bookedOpenMs: number;
  /** Opening hours in the period. */
  bookableMs: number;
  bookings: number;
  /** Bookings that ended before now and whose check-in is recorded (either way). */
  checkInKnown: number;
  noShows: number;
  /** Checked-in time of past bookings, from check-in to end. */
  usedMs: number;
}

export interface RoomLine extends Totals {
  room: ReportRoom;
}

export interface GroupLine extends Totals {
  building: string;
  /** null for a building line. */
  floor: string | null;
}

export interface SeatLine {
  capacity: number;
  rooms: number;
  /** Bookings whose number of people is known. */
  bookings: number;
  /** Bookings by number of people (capped at capacity + 1 = "more than the room seats"). */
  byPeople: Map<number, number>;
  /** The most common number of people and its share of these bookings (0..1). */
  typicalPeople: number | null;
  typicalShare: number;
  /** Mean of people / capacity over the bookings (0..1+). */
  meanFill: number;
}

export interface Heat {
  /** [weekday 1..7][hour 0..23]: booked room-time in that local hour. */
  bookedMs: number[][];
  /** [weekday][hour]: room-time that hour offers (rooms × occurrences × hour length). */
  totalMs: number[][];
}

export interface UtilisationReport {
  period: ReportPeriod;
  rooms: RoomLine[];
  floors: GroupLine[];
  buildings: GroupLine[];
  total: Totals;
  heat: Heat;
  seats: SeatLine[];
  /** Whether any booking in the report carries check-in information (false while check-in is off). */
  checkInRecorded: boolean;
}

export const emptyTotals = (): Totals => ({ rooms: 0, bookedMs: 0, bookedOpenMs: 0, bookableMs: 0, bookings: 0, checkInKnown: 0, noShows: 0, usedMs: 0 });

function addTotals(into: Totals, t: Totals): void {
  into.rooms += t.rooms;
  into.bookedMs += t.bookedMs;
  into.bookedOpenMs += t.bookedOpenMs;
  into.bookableMs += t.bookableMs;
  into.bookings += t.bookings;
  into.checkInKnown += t.checkInKnown;
  into.noShows += t.noShows;
  into.usedMs += t.usedMs;
}

/** Utilisation in 0..1 (null when the room offers no opening hours in the period). */
export const utilisation = (t: Totals): number | null => (t.bookableMs > 0 ? t.bookedOpenMs / t.bookableMs : null);
/** No-show rate in 0..1, or null while no past booking has check-in information. */
export const noShowRate = (t: Totals): number | null => (t.checkInKnown > 0 ? t.noShows / t.checkInKnown : null);
/** Used hours, or null while check-in is not recorded. */
export const usedHours = (t: Totals): number | null => (t.checkInKnown > 0 ? t.usedMs / HOUR_MS : null);
export const hours = (ms: number) => ms / HOUR_MS;

const grid = () => Array.from({ length: 8 }, () => new Array<number>(24).fill(0));

/**
 * The report for `rooms` over the local dates of `period` (each room in its own zone), from `items` that may reach
 * outside the period (they are clipped). `now` decides which bookings are past (for check-in and no-shows).
 */
export function aggregate(rooms: ReportRoom[], items: ReportItem[], period: ReportPeriod, now: number): UtilisationReport {
  const tables = new Map<string, HourTable>();
  const tableOf = (zone: string) => {
    let t = tables.get(zone);
    if (!t) tables.set(zone, (t = sharedHourTable(zone, period)));
    return t;
  };
  // Rooms of one zone with the same hours have the same opening spans: built once, not once per room.
  const spans = new Map<string, { start: number; end: number }[]>();
  const openingOf = (t: HourTable, room: ReportRoom) => {
    const key = `${room.timeZone}\u0000${room.opensAt}\u0000${room.closesAt}`;
    let s = spans.get(key);
    if (!s) spans.set(key, (s = openingSpans(t, room.opensAt, room.closesAt)));
    return s;
  };
  const byRoom = new Map<number, ReportItem[]>(rooms.map((r) => [r.id, []]));
  for (const it of items) byRoom.get(it.roomId)?.push(it);

  const heat: Heat = { bookedMs: grid(), totalMs: grid() };
  const zoneRooms = new Map<string, number>();
  const seats: SeatTally = new Map();
  let checkInRecorded = false;
  const lines: RoomLine[] = [];

  for (const room of rooms) {
    const t = tableOf(room.timeZone);
    zoneRooms.set(room.timeZone, (zoneRooms.get(room.timeZone) ?? 0) + 1);
    const periodStart = t.starts[0] ?? t.end;
    const line: RoomLine = { room, ...emptyTotals(), rooms: 1 };
    const seat = seats.get(room.capacity) ?? { rooms: 0, bookings: 0, byPeople: new Map<number, number>(), fill: 0 };
    seat.rooms++;
    seats.set(room.capacity, seat);

    const clipped: { start: number; end: number }[] = [];
    for (const it of byRoom.get(room.id) ?? []) {
      const start = Math.max(it.start, periodStart);
      const end = Math.min(it.end, t.end);
      // A booking counts in the period where it starts; one reaching in from before still adds its hours.
      if (end <= start) continue;
      clipped.push({ start, end });
      if (it.start >= periodStart) {
        line.bookings++;
        if (it.people !== null) {
          const people = Math.min(it.people, room.capacity + 1);
          seat.bookings++;
          seat.byPeople.set(people, (seat.byPeople.get(people) ?? 0) + 1);
          seat.fill += it.people / room.capacity;
        }
        if (it.checkedInAt !== undefined) {
          checkInRecorded = true;
          if (it.end <= now) {
            line.checkInKnown++;
            if (it.checkedInAt === null) line.noShows++;
            else line.usedMs += Math.max(0, it.end - Math.max(it.start, it.checkedInAt));
          }
        }
      }
    }
    const booked = mergeIntervals(clipped);
    const open = openingOf(t, room);
    for (const b of booked) {
      line.bookedMs += b.end - b.start;
      // Spread over the zone's local hours: the hour table already knows weekday and wall-clock hour.
      for (let i = Math.max(0, entryAt(t, b.start)); i < t.starts.length && t.starts[i]! < b.end; i++) {
        const cellEnd = i + 1 < t.starts.length ? t.starts[i + 1]! : t.end;
        const ms = Math.min(b.end, cellEnd) - Math.max(b.start, t.starts[i]!);
        if (ms > 0) heat.bookedMs[t.weekdays[i]!]![t.hours[i]!]! += ms;
      }
    }
    line.bookedOpenMs = overlapMs(booked, open);
    for (const o of open) line.bookableMs += o.end - o.start;
    lines.push(line);
  }

  // What each weekday-hour offers: every room of a zone once per occurrence of that local hour.
  for (const [zone, count] of zoneRooms) {
    const t = tables.get(zone)!;
    for (let i = 0; i < t.starts.length; i++) {
      const len = (i + 1 < t.starts.length ? t.starts[i + 1]! : t.end) - t.starts[i]!;
      heat.totalMs[t.weekdays[i]!]![t.hours[i]!]! += len * count;
    }
  }

  return { period, rooms: lines, ...summarise(lines, seats), heat, checkInRecorded };
}

/** What `seats` tallies per room capacity while the room lines are built. */
export type SeatTally = Map<number, { rooms: number; bookings: number; byPeople: Map<number, number>; fill: number }>;

/**
 * The floors, buildings and total of the room lines, and the seats table: the summing both ways of building a report
 * share (from the bookings, aggregate(); from the stored day summaries, room-days.ts).
 */
export function summarise(lines: Iterable<RoomLine>, seats: SeatTally): Pick<UtilisationReport, 'floors' | 'buildings' | 'total' | 'seats'> {
  const floors = new Map<string, GroupLine>();
  const buildings = new Map<string, GroupLine>();
  const total = emptyTotals();
  for (const l of lines) {
    const fk = `${l.room.building}\u0000${l.room.floor}`;
    if (!floors.has(fk)) floors.set(fk, { building: l.room.building, floor: l.room.floor, ...emptyTotals() });
    if (!buildings.has(l.room.building)) buildings.set(l.room.building, { building: l.room.building, floor: null, ...emptyTotals() });
    addTotals(floors.get(fk)!, l);
    addTotals(buildings.get(l.room.building)!, l);
    addTotals(total, l);
  }
  const byName = (a: { building: string; floor: string | null }, b: { building: string; floor: string | null }) =>
    a.building.localeCompare(b.building) || (a.floor ?? '').localeCompare(b.floor ?? '', undefined, { numeric: true });

  const seatLines: SeatLine[] = [...seats]
    .sort((a, b) => a[0] - b[0])
    .map(([capacity, s]) => {
      let typicalPeople: number | null = null;
      let best = 0;
      for (const [people, n] of [...s.byPeople].sort((a, b) => a[0] - b[0])) if (n > best) [typicalPeople, best] = [people, n];
      return {
        capacity,
        rooms: s.rooms,
        bookings: s.bookings,
        byPeople: s.byPeople,
        typicalPeople,
        typicalShare: s.bookings ? best / s.bookings : 0,
        meanFill: s.bookings ? s.fill / s.bookings : 0,
      };
    });

  return {
    floors: [...floors.values()].sort(byName),
    buildings: [...buildings.values()].sort(byName),
    total,
    seats: seatLines,
  };
}

/** Rooms by utilisation, busiest first (ties by name); rooms without opening hours last. */
export function rankRooms(lines: RoomLine[]): RoomLine[] {
  return [...lines].sort((a, b) => (utilisation(b) ?? -1) - (utilisation(a) ?? -1) || a.room.name.localeCompare(b.room.name));
}
