// The report as sums of per-room, per-local-day summaries (issue 15: the first report after a change under a second
// for 500 rooms × a year). Pure: no I/O, no clock. A day's summary is what aggregate() would add for that room and
// that day; as the days of a period partition it (each room's dates in its own zone, midnights are hour-cell
// boundaries), summing the days gives exactly aggregate()'s answer (room-days.test.ts compares them on random data).
//
// What a summary must not depend on, so that a stored one stays right until its own room-day changes:
// - check-in settings: a summary keeps the held (non-exempt) bookings' check-in facts apart from the released
//   no-shows, and combineDays() applies "is check-in on in this room" at report time;
// - the room's capacity: people are kept as a histogram of head counts, capped and divided at report time;
// - now: only days whose every booking has ended are stored (service.ts), so "ended before now" is then always true.
import {
  emptyTotals,
  mergeIntervals,
  openingSpans,
  sharedHourTable,
  summarise,
  type SeatTally,
  type Heat,
  type ReportPeriod,
  type ReportRoom,
  type RoomLine,
  type UtilisationReport,
} from './aggregate.ts';

/** One booking as the report's queries read it. */
export interface RawItem {
  roomId: number;
  start: number;
  end: number;
  /** Organizer + invited, or null (Outlook meetings). */
  people: number | null;
  /** held: an app booking holding the room (its check-in instant, or null); released: a released no-show; outlook. */
  kind: 'held' | 'released' | 'outlook';
  checkedInAt: number | null;
  exempt: boolean;
}

/** One room's local day. */
export interface DaySummary {
  roomId: number;
  /** YYYY-MM-DD in the room's zone. */
  day: string;
  bookedMs: number;
  bookedOpenMs: number;
  bookableMs: number;
  /** Bookings starting this day. */
  bookings: number;
  /** Held, not exempt, starting this day: what check-in would record if it is on in the room. */
  held: number;
  /** …of those, ended before now: checked in (with used time) or not. */
  heldEnded: number;
  heldNoShows: number;
  heldUsedMs: number;
  /** Released no-shows starting this day, and those ended before now. */
  released: number;
  releasedEnded: number;
  /** Booked ms per local wall-clock hour 0..23 (a fall-back day's repeated hour adds into one), or null when none. */
  heat: number[] | null;
  /** Bookings by head count (uncapped), or null when none is known. */
  people: Record<string, number> | null;
}

/**
 * Summaries of every day of `period` for one room, from `items` of that room that may reach in from outside (they are
 * clipped at each local midnight). `now` decides which bookings have ended.
 */
export function summariseDays(room: ReportRoom, items: readonly RawItem[], period: ReportPeriod, now: number): DaySummary[] {
  const t = sharedHourTable(room.timeZone, period);
  const days = t.dates.map((date, d) => {
    const first = t.dayIndex.get(date)!;
    const after = d + 1 < t.dates.length ? t.dayIndex.get(t.dates[d + 1]!)! : t.starts.length;
    return { date, first, after, start: t.starts[first] ?? t.end, end: after < t.starts.length ? t.starts[after]! : t.end };
  });
  const out: DaySummary[] = days.map((d) => ({
    roomId: room.id,
    day: d.date,
    bookedMs: 0,
    bookedOpenMs: 0,
    bookableMs: 0,
    bookings: 0,
    held: 0,
    heldEnded: 0,
    heldNoShows: 0,
    heldUsedMs: 0,
    released: 0,
    releasedEnded: 0,
    heat: null,
    people: null,
  }));
  const clipped: { start: number; end: number }[][] = days.map(() => []);
  // Day of an instant: binary search over the days' starts (-1 before the first).
  const dayOf = (ms: number) => {
    let lo = 0;
    let hi = days.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (days[mid]!.start <= ms) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  for (const it of items) {
    if (it.roomId !== room.id || it.end <= it.start) continue;
    for (let d = Math.max(0, dayOf(it.start)); d < days.length && days[d]!.start < it.end; d++) {
      const s = Math.max(it.start, days[d]!.start);
      const e = Math.min(it.end, days[d]!.end);
      if (e > s) clipped[d]!.push({ start: s, end: e });
    }
    const d = dayOf(it.start);
    if (d < 0 || it.start >= days[d]!.end) continue;
    const sum = out[d]!;
    sum.bookings++;
    if (it.people !== null) {
      sum.people ??= {};
      sum.people[it.people] = (sum.people[it.people] ?? 0) + 1;
    }
    const ended = it.end <= now;
    if (it.kind === 'released') {
      sum.released++;
      if (ended) sum.releasedEnded++;
    } else if (it.kind === 'held' && !it.exempt) {
      sum.held++;
      if (ended) {
        sum.heldEnded++;
        if (it.checkedInAt === null) sum.heldNoShows++;
        else sum.heldUsedMs += Math.max(0, it.end - Math.max(it.start, it.checkedInAt));
      }
    }
  }
  const open = openingSpans(t, room.opensAt, room.closesAt);
  let o = 0;
  for (let d = 0; d < days.length; d++) {
    const day = days[d]!;
    const sum = out[d]!;
    // Opening spans are in day order, at most one a day, each inside its day.
    const span = o < open.length && open[o]!.start >= day.start && open[o]!.start < day.end ? open[o++]! : null;
    if (span) sum.bookableMs = span.end - span.start;
    for (const b of mergeIntervals(clipped[d]!)) {
      sum.bookedMs += b.end - b.start;
      if (span) sum.bookedOpenMs += Math.max(0, Math.min(b.end, span.end) - Math.max(b.start, span.start));
      for (let i = day.first; i < day.after; i++) {
        const cellEnd = i + 1 < t.starts.length ? t.starts[i + 1]! : t.end;
        const ms = Math.min(b.end, cellEnd) - Math.max(b.start, t.starts[i]!);
        if (ms > 0) (sum.heat ??= new Array<number>(24).fill(0))[t.hours[i]!]! += ms;
      }
    }
  }
  return out;
}

const grid = () => Array.from({ length: 8 }, () => new Array<number>(24).fill(0));
const weekdayOf = (day: string) => ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/**
 * The report from the day summaries of `rooms` over `period` (days outside the period are ignored). `checkinOn` says
 * in which rooms the held bookings' check-in counts (released no-shows count everywhere, as aggregate() does).
 */
export function combineDays(rooms: readonly ReportRoom[], days: Iterable<DaySummary>, period: ReportPeriod, checkinOn: ReadonlySet<number>): UtilisationReport {
  const lines = new Map<number, RoomLine>(rooms.map((room) => [room.id, { room, ...emptyTotals(), rooms: 1 }]));
  const heat: Heat = { bookedMs: grid(), totalMs: grid() };
  const people = new Map<number, Map<number, number>>();
  const weekdays = new Map<string, number>();
  let checkInRecorded = false;
  for (const s of days) {
    const line = lines.get(s.roomId);
    if (!line || s.day < period.from || s.day > period.to) continue;
    const on = checkinOn.has(s.roomId);
    line.bookedMs += s.bookedMs;
    line.bookedOpenMs += s.bookedOpenMs;
    line.bookableMs += s.bookableMs;
    line.bookings += s.bookings;
    line.checkInKnown += s.releasedEnded + (on ? s.heldEnded : 0);
    line.noShows += s.releasedEnded + (on ? s.heldNoShows : 0);
    if (on) line.usedMs += s.heldUsedMs;
    if (s.released > 0 || (on && s.held > 0)) checkInRecorded = true;
    if (s.heat) {
      let wd = weekdays.get(s.day);
      if (wd === undefined) weekdays.set(s.day, (wd = weekdayOf(s.day)));
      const row = heat.bookedMs[wd]!;
      for (let h = 0; h < 24; h++) row[h]! += s.heat[h]!;
    }
    if (s.people) {
      let hist = people.get(s.roomId);
      if (!hist) people.set(s.roomId, (hist = new Map()));
      for (const [k, n] of Object.entries(s.people)) hist.set(Number(k), (hist.get(Number(k)) ?? 0) + n);
    }
  }

  // What each weekday-hour offers, and the seats: as aggregate() does, from the rooms alone.
  const zoneRooms = new Map<string, number>();
  for (const r of rooms) zoneRooms.set(r.timeZone, (zoneRooms.get(r.timeZone) ?? 0) + 1);
  for (const [zone, count] of zoneRooms) {
    const t = sharedHourTable(zone, period);
    for (let i = 0; i < t.starts.length; i++) {
      const len = (i + 1 < t.starts.length ? t.starts[i + 1]! : t.end) - t.starts[i]!;
      heat.totalMs[t.weekdays[i]!]![t.hours[i]!]! += len * count;
    }
  }
  const seats: SeatTally = new Map();
  for (const r of rooms) {
    const seat = seats.get(r.capacity) ?? { rooms: 0, bookings: 0, byPeople: new Map<number, number>(), fill: 0 };
    seat.rooms++;
    seats.set(r.capacity, seat);
    // In ascending head count, so the fill sums in the same order for every run.
    for (const [n, count] of [...(people.get(r.id) ?? [])].sort((a, b) => a[0] - b[0])) {
      const capped = Math.min(n, r.capacity + 1);
      seat.bookings += count;
      seat.byPeople.set(capped, (seat.byPeople.get(capped) ?? 0) + count);
      seat.fill += (n / r.capacity) * count;
    }
  }

  return { period, rooms: [...lines.values()], ...summarise(lines.values(), seats), heat, checkInRecorded };
}
