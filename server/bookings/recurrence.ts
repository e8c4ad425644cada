// Recurring meetings as Outlook 2003 offers them (daily, every weekday, weekly on chosen days, every N weeks,
// monthly on a day or on the "second Tuesday"), ending after N occurrences or on a date. Pure: no clock, no I/O.
//
// A series repeats on the room's wall clock: 10:00 in London stays 10:00 across the DST change. So the RRULE is
// expanded in floating local time (ical.js, RFC 5545) and each local occurrence is turned into UTC instants in the
// room's zone afterwards; a local time that the clocks skip on one date makes that one occurrence invalid.
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import type { Room } from '../rooms/service.ts';
import { checkBookingRules, localToInstant } from './rules.ts';
import { t } from '../i18n/context.ts';
import { formatDate, zoneLabel } from '../i18n/format.ts';

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Which week of the month for "monthly on the second Tuesday": 1–4, or -1 for the last one. */
export type WeekOfMonth = 1 | 2 | 3 | 4 | -1;

export type Pattern =
  | { kind: 'daily'; interval: number }
  | { kind: 'weekdays' }
  | { kind: 'weekly'; interval: number; days: Weekday[] }
  | { kind: 'monthly-day'; interval: number; day: number }
  | { kind: 'monthly-nth'; interval: number; week: WeekOfMonth; weekday: Weekday };

/** `until` is a local date (yyyy-MM-dd) in the room's zone, inclusive. */
export type SeriesEnd = { count: number } | { until: string };

export interface Recurrence {
  pattern: Pattern;
  end: SeriesEnd;
}

/** What a series is anchored to: its first date and the local times of every occurrence, in the room's zone. */
export interface SeriesStart {
  date: string;
  start: string;
  end: string;
  zone: string;
}

export interface Occurrence {
  /** The local date of the occurrence in the room's zone; with the series UID it names the occurrence (RECURRENCE-ID). */
  date: string;
  /** UTC instants; null when the local time does not exist on that date (spring-forward). */
  start: DateTime | null;
  end: DateTime | null;
}

/** No series is longer than this many occurrences, whatever the rule says (a daily series for years is a mistake). */
export const MAX_OCCURRENCES = 260;

export const recurrenceMessages = {
  get tooMany() {
    return t('series.err.too_many', { max: MAX_OCCURRENCES });
  },
  get noOccurrence() {
    return t('series.err.no_occurrence');
  },
  get untilBeforeStart() {
    return t('series.err.until_before_start');
  },
  firstDateNotInPattern: (weekdays: string) => t('series.err.first_date', { days: weekdays }),
};

/** The RRULE value for a series (without "RRULE:"); UNTIL is the end of the local `until` day in UTC, as RFC 5545 asks when DTSTART has a TZID. */
export function toRRule(rec: Recurrence, start: SeriesStart): string {
  const parts: string[] = [];
  const p = rec.pattern;
  switch (p.kind) {
    case 'daily':
      parts.push('FREQ=DAILY', `INTERVAL=${p.interval}`);
      break;
    case 'weekdays':
      parts.push('FREQ=WEEKLY', 'INTERVAL=1', 'BYDAY=MO,TU,WE,TH,FR');
      break;
    case 'weekly':
      parts.push('FREQ=WEEKLY', `INTERVAL=${p.interval}`, `BYDAY=${sortDays(p.days).join(',')}`);
      break;
    case 'monthly-day':
      parts.push('FREQ=MONTHLY', `INTERVAL=${p.interval}`, `BYMONTHDAY=${p.day}`);
      break;
    case 'monthly-nth':
      parts.push('FREQ=MONTHLY', `INTERVAL=${p.interval}`, `BYDAY=${p.week}${p.weekday}`);
      break;
  }
  if ('count' in rec.end) parts.push(`COUNT=${rec.end.count}`);
  else {
    const lastInstant = DateTime.fromISO(`${rec.end.until}T23:59:59`, { zone: start.zone }).toUTC();
    parts.push(`UNTIL=${lastInstant.toFormat("yyyyMMdd'T'HHmmss'Z'")}`);
  }
  // Outlook writes WKST=SU for weekly series with INTERVAL > 1; it decides which week counts as "every other".
  if ((p.kind === 'weekly' && p.interval > 1) || p.kind === 'weekdays') parts.push('WKST=SU');
  return parts.join(';');
}

/**
 * Every occurrence of an RRULE anchored at a local date and time, in order, at most `limit` (plus one, so a caller can
 * tell "more than the limit"). Works for our own rules and for series read from Exchange (Outlook's RRULEs).
 * `exdates` are local dates left out (EXDATE).
 */
export function expandRRule(rrule: string, start: SeriesStart, options: { limit?: number; exdates?: readonly string[] } = {}): Occurrence[] {
  const limit = options.limit ?? MAX_OCCURRENCES;
  const recur = ICAL.Recur.fromString(rrule);
  const first = DateTime.fromISO(`${start.date}T${start.start}`);
  const minutes = durationMinutes(start.start, start.end);
  const dtstart = ICAL.Time.fromData({
    year: first.year,
    month: first.month,
    day: first.day,
    hour: first.hour,
    minute: first.minute,
    second: 0,
    isDate: false,
  });
  const iterator = recur.iterator(dtstart);
  const skipped = new Set(options.exdates ?? []);
  // A rule that selects no date never ends on its own (e.g. BYMONTHDAY=31 with INTERVAL=2 from February); bound the walk.
  const untilUtc = recur.until ? DateTime.fromISO(recur.until.toString(), { zone: 'utc' }) : null;
  const out: Occurrence[] = [];
  for (let steps = 0; out.length <= limit && steps < limit * 40; steps++) {
    const t = iterator.next();
    if (!t) break;
    const date = `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}`;
    const time = `${pad(t.hour, 2)}:${pad(t.minute, 2)}`;
    const startAt = localToInstant(date, time, start.zone);
    // ical.js compares a floating time with a UTC UNTIL as if both were UTC; recheck with the real instant.
    if (untilUtc && startAt && startAt > untilUtc) break;
    if (skipped.has(date)) continue;
    const endLocal = DateTime.fromISO(`${date}T${time}`).plus({ minutes });
    const endAt = startAt ? (localToInstant(endLocal.toISODate()!, endLocal.toFormat('HH:mm'), start.zone) ?? startAt.plus({ minutes })) : null;
    out.push({ date, start: startAt, end: endAt });
  }
  return out;
}

export interface SeriesPlan {
  rrule: string;
  occurrences: Occurrence[];
  /** Field name → message, for a rule the form cannot accept as it is. */
  problems: Record<string, string>;
}

/** Turns what the user chose into the RRULE and its occurrences, or says what is wrong with the choice. */
export function planSeries(rec: Recurrence, start: SeriesStart): SeriesPlan {
  const problems: Record<string, string> = {};
  if ('until' in rec.end && rec.end.until < start.date) problems.repeatUntil = recurrenceMessages.untilBeforeStart;
  if ('count' in rec.end && rec.end.count > MAX_OCCURRENCES) problems.repeatCount = recurrenceMessages.tooMany;
  const p = rec.pattern;
  const firstWeekday = WEEKDAYS[DateTime.fromISO(start.date).weekday - 1]!;
  if (p.kind === 'weekly' && !p.days.includes(firstWeekday)) problems.date = recurrenceMessages.firstDateNotInPattern(listDays(p.days));
  if (p.kind === 'weekdays' && (firstWeekday === 'SA' || firstWeekday === 'SU'))
    problems.date = recurrenceMessages.firstDateNotInPattern(listDays(['MO', 'TU', 'WE', 'TH', 'FR']));
  const rrule = toRRule(rec, start);
  if (Object.keys(problems).length) return { rrule, occurrences: [], problems };
  // RFC 5545: DTSTART is the first occurrence even when the rule does not select it, but Outlook never sends
  // such a series, so a first date outside the pattern is refused above and dropped here (monthly rules).
  const occurrences = expandRRule(rrule, start).filter((o, i) => i > 0 || matchesMonthly(p, o.date));
  if (occurrences.length === 0) problems.repeat = recurrenceMessages.noOccurrence;
  if (occurrences.length > MAX_OCCURRENCES) problems.repeatUntil = recurrenceMessages.tooMany;
  return { rrule, occurrences: occurrences.slice(0, MAX_OCCURRENCES), problems };
}

function matchesMonthly(p: Pattern, date: string): boolean {
  const d = DateTime.fromISO(date);
  if (p.kind === 'monthly-day') return d.day === p.day;
  if (p.kind === 'monthly-nth') {
    if (WEEKDAYS[d.weekday - 1] !== p.weekday) return false;
    if (p.week === -1) return d.plus({ weeks: 1 }).month !== d.month;
    return Math.ceil(d.day / 7) === p.week;
  }
  return true;
}

/**
 * "This and following" from `splitDate`: the old series ends the day before, the new one starts on that date with
 * whatever is left of a counted series. Exchange 2003 has no split of its own; Outlook does the same two steps.
 */
export function splitSeries(rec: Recurrence, start: SeriesStart, splitDate: string): { before: Recurrence; after: Recurrence } {
  const before: Recurrence = { pattern: rec.pattern, end: { until: DateTime.fromISO(splitDate).minus({ days: 1 }).toISODate()! } };
  if ('until' in rec.end) return { before, after: { pattern: rec.pattern, end: rec.end } };
  const all = expandRRule(toRRule(rec, start), start);
  const kept = all.filter((o) => o.date < splitDate).length;
  return { before, after: { pattern: rec.pattern, end: { count: Math.max(1, rec.end.count - kept) } } };
}

export interface OccurrenceProblem {
  date: string;
  problems: Record<string, string>;
}

/**
 * The room's rules (hours, longest booking, horizon) for every occurrence. The horizon limits how far a series may
 * run, so the answer names the last date the room can be booked.
 */
export function checkSeriesRules(room: Room, occurrences: readonly Occurrence[], now: DateTime): OccurrenceProblem[] {
  const out: OccurrenceProblem[] = [];
  for (const o of occurrences) {
    if (!o.start || !o.end) {
      out.push({ date: o.date, problems: { start: t('series.err.no_such_time', { date: o.date, zone: zoneLabel(room.timeZone) }) } });
      continue;
    }
    const problems = checkBookingRules(room, { start: o.start, end: o.end }, now);
    if (problems.date)
      problems.date = `${room.name} can be booked at most ${room.horizonDays} days ahead, so a series can run until ${lastBookableDate(room, now)}.`;
    if (Object.keys(problems).length) out.push({ date: o.date, problems: { ...problems } });
  }
  return out;
}

export function lastBookableDate(room: Room, now: DateTime): string {
  return now.setZone(room.timeZone).startOf('day').plus({ days: room.horizonDays }).toFormat('d LLL yyyy');
}

// The words in the request's language (locales/*.json series.words.*): Hungarian day names take the case the
// sentence needs ("kedden", "a hónap második keddjén"), so each form has its own key.
const dayName = (d: Weekday, form: 'on' | 'nth' = 'on') => t(`series.dayname.${form}.${d}`);
const ordinal = (week: WeekOfMonth): string => t(`series.ordinal.${week === -1 ? 'last' : week}`);

/** The series in words, as the form shows it: "Every Tuesday and Thursday, 10:00–11:00 (Europe/London), 12 times, until 25 Feb 2027". */
export function describeSeries(rec: Recurrence, start: SeriesStart, occurrences: readonly Occurrence[]): string {
  const p = rec.pattern;
  let what: string;
  switch (p.kind) {
    case 'daily':
      what = t('series.words.daily', { n: p.interval });
      break;
    case 'weekdays':
      what = t('series.words.weekdays');
      break;
    case 'weekly':
      what = t('series.words.weekly', { n: p.interval, days: listDays(p.days) });
      break;
    case 'monthly-day':
      what = t('series.words.monthly_day', { n: p.interval, day: p.day });
      break;
    case 'monthly-nth':
      what = t('series.words.monthly_nth', { n: p.interval, ordinal: ordinal(p.week), weekday: dayName(p.weekday, 'nth') });
      break;
  }
  const n = occurrences.length;
  const last = occurrences[n - 1];
  const times = `${start.start}–${start.end} (${zoneLabel(start.zone)})`;
  const until = last ? t('series.words.until', { date: formatDate(DateTime.fromISO(last.date), 'date') }) : '';
  return t('series.words.sentence', { what, times, count: t('series.words.count', { n }), until });
}

function listDays(days: readonly Weekday[]): string {
  const names = sortDays(days).map((d) => dayName(d));
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${t('series.words.and')} ${names[names.length - 1]}`;
}

function sortDays(days: readonly Weekday[]): Weekday[] {
  return [...new Set(days)].sort((a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b));
}

function durationMinutes(start: string, end: string): number {
  const [sh, sm] = start.split(':').map(Number);
  const [eh, em] = end.split(':').map(Number);
  return eh! * 60 + em! - (sh! * 60 + sm!);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A busy time in epoch milliseconds (free/busy and local bookings, merged by the caller). */
export interface BusyInterval {
  start: number;
  end: number;
}

export interface OccurrenceAvailability {
  date: string;
  /** Whether the series' room is free for this occurrence. */
  free: boolean;
  /** For a clash: the first of the alternatives (best first) that is free then, else null. */
  alternativeRoomId: number | null;
}

/** True when any interval in `busy` (sorted by start) overlaps [start, end). */
function overlapsAny(busy: readonly BusyInterval[], start: number, end: number): boolean {
  // The first interval that ends after `start` decides, when intervals do not nest; scan from the last one
  // starting before `end` backwards so nested intervals are handled as well.
  let lo = 0;
  let hi = busy.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (busy[mid]!.start < end) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) if (busy[i]!.end > start) return true;
  return false;
}

/**
 * The room's availability for every occurrence, with the nearest free alternative for each clash. `alternatives`
 * come best first (same building, fitting seats); busy lists need not be sorted. An occurrence whose local time does
 * not exist counts as a clash with no alternative.
 */
export function availabilityPerOccurrence(
  occurrences: readonly Occurrence[],
  roomBusy: readonly BusyInterval[],
  alternatives: readonly { roomId: number; busy: readonly BusyInterval[] }[],
): OccurrenceAvailability[] {
  const byStart = (list: readonly BusyInterval[]) => [...list].sort((a, b) => a.start - b.start);
  const room = byStart(roomBusy);
  const others = alternatives.map((a) => ({ roomId: a.roomId, busy: byStart(a.busy) }));
  return occurrences.map((o) => {
    if (!o.start || !o.end) return { date: o.date, free: false, alternativeRoomId: null };
    const s = o.start.toMillis();
    const e = o.end.toMillis();
    if (!overlapsAny(room, s, e)) return { date: o.date, free: true, alternativeRoomId: null };
    const alternative = others.find((a) => !overlapsAny(a.busy, s, e));
    return { date: o.date, free: false, alternativeRoomId: alternative?.roomId ?? null };
  });
}
