// Shared time arithmetic (server/time/, like server/i18n/: no feature owns it): find-a-room, scheduling and the booking
// rules all turn wall-clock times into instants with it, and a feature must not reach into another's files.
// A local calendar day in a time zone as plain epoch-millisecond arithmetic. Find-a-room turns the same few wall-clock
// times ("10:00", opening and closing hours) into instants for hundreds of rooms, and labels thousands of strip cells;
// a luxon zone lookup per value was most of a search's CPU. Here luxon is asked a handful of times per zone and date
// (the offsets in force, and the instant a clock change happens that day), then everything is integer arithmetic.
import { DateTime } from 'luxon';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface ZoneDay {
  date: string;
  zone: string;
  /** The instant (epoch ms) of a wall-clock time "HH:mm" that day; null when the clocks skip it. Ambiguous (autumn) times resolve to their first occurrence, as localToInstant in bookings/rules.ts does. */
  instant(hhmm: string): number | null;
  /** "HH:mm" in the zone at an instant near this day (within a day either side). */
  label(ms: number): string;
  /** "yyyy-MM-dd" in the zone at an instant near this day. */
  localDate(ms: number): string;
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
const offsetAt = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).offset;

function build(date: string, zone: string): ZoneDay | null {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // The day's midnight read as if it were UTC: wall-clock times are offsets from it.
  const wallMidnight = Date.UTC(y, m - 1, d);
  if (!DateTime.fromISO(date, { zone }).isValid || Number.isNaN(wallMidnight)) return null;
  // Instants covering every wall-clock time of the day and a day either side, whatever the offset (UTC−12 to +14).
  const from = wallMidnight - 38 * HOUR_MS;
  const to = wallMidnight + 62 * HOUR_MS;
  const before = offsetAt(from, zone) * MINUTE_MS;
  const after = offsetAt(to, zone) * MINUTE_MS;
  // The first instant with the later offset (binary search to the minute; zones change on whole minutes).
  let change = Infinity;
  if (before !== after) {
    let lo = from;
    let hi = to;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (offsetAt(mid, zone) * MINUTE_MS === before) lo = mid;
      else hi = mid;
    }
    change = hi;
  }
  const offset = (ms: number) => (ms < change ? before : after);
  const wall = (ms: number) => new Date(ms + offset(ms));
  return {
    date,
    zone,
    instant(hhmm) {
      const [h, min] = hhmm.split(':').map(Number) as [number, number];
      const local = wallMidnight + h * HOUR_MS + min * MINUTE_MS;
      // A wall-clock time maps to local − offset under the offset before the change or the one after; each is real
      // only on its side of the change. Both real: the autumn overlap (take the first). Neither: the spring gap.
      const early = local - before;
      const late = local - after;
      const earlyReal = early < change;
      const lateReal = late >= change;
      if (earlyReal && lateReal) return Math.min(early, late);
      if (earlyReal) return early;
      if (lateReal) return late;
      return null;
    },
    label(ms) {
      const t = wall(ms);
      return `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`;
    },
    localDate(ms) {
      const t = wall(ms);
      return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
    },
  };
}

// Searches ask about the same few (date, zone) pairs over and over; a small bounded memo keeps them.
const memo = new Map<string, ZoneDay | null>();
const MEMO_MAX = 512;

/** The local day `date` ("yyyy-MM-dd") in `zone`, or null for a date or zone that does not exist. */
export function zoneDay(date: string, zone: string): ZoneDay | null {
  const key = `${date}|${zone}`;
  let day = memo.get(key);
  if (day === undefined) {
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(key, (day = build(date, zone)));
  }
  return day;
}

const DAY_MS = 24 * HOUR_MS;

/** The calendar date `days` after (or before) a "yyyy-MM-dd" date: plain date arithmetic, no zone involved. */
export const dayPlus = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
