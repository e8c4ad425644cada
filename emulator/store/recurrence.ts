// Occurrences of recurring calendar items (instancetype 1 with cal:rrule), expanded as wall-clock times in the
// series' own zone (its VTIMEZONE, kept as cal:timezone; else the mailbox's zone), so a weekly 10:00 London
// meeting stays at 10:00 local across DST. EXDATEs remove occurrences; exceptions (the VEVENTs with a
// RECURRENCE-ID that came with the master, kept on it, or separate instancetype 3 items with the same uid)
// replace them. Used by SEARCH windows, free/busy and room conflict checks (§11).
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { NS, parseExchangeDate, str, type PropMap } from './props.ts';
import type { Item } from './store.ts';
import { ianaForTzid } from '../mime/timezones.ts';

/** One changed (or cancelled) occurrence of a series, as the master carries it. Times are ISO UTC. */
export interface SeriesException {
  recurrenceId: string;
  start?: string;
  end?: string;
  summary?: string;
  location?: string;
  busyStatus?: string;
  cancelled?: boolean;
  sequence?: number;
  /**
   * The occurrence's own recipients when its VEVENT lists attendees (Exchange keeps a recipient table per exception,
   * e.g. a date that lost its room): To/Cc/Bcc address lists as the master's headers hold them ('' = none).
   */
  recipients?: { to: string; cc: string; bcc: string };
}

export interface Occurrence {
  start: Date;
  end: Date;
  /** The occurrence's original start (its RECURRENCE-ID); equals `start` unless an exception moved it. */
  recurrenceId: Date;
  exception?: SeriesException;
}

/**
 * Where a master keeps its exceptions. Exchange kept them as embedded messages of the master (not WebDAV
 * properties); this internal name is never answered by PROPFIND or SEARCH (view.ts leaves the namespace out).
 */
export const INTERNAL_NS = 'urn:x-emulator:';
export const EXCEPTIONS_PROP = `${INTERNAL_NS}recurrence-exceptions`;

/** Stop runaway rules (FREQ=SECONDLY, no COUNT/UNTIL) from stalling a request. */
const MAX_STEPS = 5000;
/** How far a rule without COUNT or UNTIL is followed when a whole series is checked (room auto-accept). */
export const OPEN_SERIES_HORIZON_MS = 366 * 86_400_000;

type WithProps = Pick<Item, 'props'>;

export function isRecurringMaster(item: WithProps): boolean {
  const rrule = item.props.get(`${NS.cal}rrule`)?.value;
  return str(item.props.get(`${NS.cal}instancetype`)) === '1' && (Array.isArray(rrule) ? rrule.length > 0 : !!rrule);
}

export function exceptionsOf(item: WithProps): SeriesException[] {
  const raw = str(item.props.get(EXCEPTIONS_PROP));
  if (!raw) return [];
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? (list as SeriesException[]).filter((e) => typeof e?.recurrenceId === 'string') : [];
  } catch {
    return [];
  }
}

export function setExceptions(props: PropMap, list: SeriesException[]): void {
  if (list.length) props.set(EXCEPTIONS_PROP, { type: 'string', value: JSON.stringify(list) });
  else props.delete(EXCEPTIONS_PROP);
}

/** Adds (or replaces) the exception for one RECURRENCE-ID. */
export function upsertException(props: PropMap, ex: SeriesException): void {
  const at = Date.parse(ex.recurrenceId);
  const list = exceptionsOf({ props }).filter((e) => Date.parse(e.recurrenceId) !== at);
  list.push(ex);
  setExceptions(props, list);
}

/** Adds an EXDATE (an occurrence removed for good). */
export function addExdate(props: PropMap, at: Date): void {
  const iso = at.toISOString();
  const current = [props.get(`${NS.cal}exdate`)?.value ?? []].flat().filter((d) => parseExchangeDate(d)?.getTime() !== at.getTime());
  props.set(`${NS.cal}exdate`, { type: 'mv.dateTime.tz', value: [...current, iso] });
}

/** Converts between wall-clock fields in the series' zone and UTC instants. */
interface WallClock {
  toUtc(f: { year: number; month: number; day: number; hour: number; minute: number; second: number }): number;
  fromUtc(ms: number): { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

const clockCache = new Map<string, WallClock>();

function ianaClock(zone: string): WallClock {
  return {
    toUtc: (f) => DateTime.fromObject(f, { zone }).toMillis(),
    fromUtc: (ms) => {
      const d = DateTime.fromMillis(ms, { zone });
      return { year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute, second: d.second };
    },
  };
}

/** The series' clock: its VTIMEZONE's TZID as a Windows or IANA zone, else the VTIMEZONE rules, else `fallback`. */
function clockFor(item: WithProps, fallback: string): WallClock {
  const vtz = str(item.props.get(`${NS.cal}timezone`));
  if (!vtz) return ianaClock(fallback);
  const cached = clockCache.get(vtz);
  if (cached) return cached;
  let clock = ianaClock(fallback);
  try {
    const comp = new ICAL.Component(ICAL.parse(/BEGIN:VCALENDAR/i.test(vtz) ? vtz : `BEGIN:VCALENDAR\r\n${vtz}\r\nEND:VCALENDAR`) as unknown[]);
    const zoneComp = comp.name === 'vtimezone' ? comp : comp.getFirstSubcomponent('vtimezone');
    if (zoneComp) {
      const tz = new ICAL.Timezone(zoneComp);
      const tzid = tz.tzid ?? '';
      const iana = ianaForTzid(tzid) ?? (DateTime.local().setZone(tzid).isValid ? tzid : undefined);
      clock = iana
        ? ianaClock(iana)
        : {
            // A zone we cannot name: follow its own STANDARD/DAYLIGHT rules.
            toUtc: (f) => Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - tz.utcOffset(ICAL.Time.fromData({ ...f, isDate: false })) * 1000,
            fromUtc: (ms) => {
              const t = ICAL.Time.fromJSDate(new Date(ms), true).convertToZone(tz);
              return { year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second };
            },
          };
    }
  } catch {
    // An unreadable cal:timezone: the mailbox's zone.
  }
  if (clockCache.size > 200) clockCache.clear();
  clockCache.set(vtz, clock);
  return clock;
}

function ruleOf(item: WithProps): string | undefined {
  return [item.props.get(`${NS.cal}rrule`)?.value ?? []].flat()[0]?.replace(/^RRULE:/i, '');
}

/** The end of the span to check for a whole series: its last occurrence, or a year for an open-ended rule. */
export function seriesEnd(item: WithProps): number {
  const rule = ruleOf(item) ?? '';
  const start = parseExchangeDate(str(item.props.get(`${NS.cal}dtstart`)) ?? '')?.getTime() ?? 0;
  if (/(^|;)(COUNT|UNTIL)=/i.test(rule)) return Number.MAX_SAFE_INTEGER;
  return start + OPEN_SERIES_HORIZON_MS;
}

/**
 * Occurrences of a recurring item that overlap [from, to): minus EXDATEs, minus the RECURRENCE-IDs in
 * `replaced` (separate exception items), with the master's own exceptions in place of the occurrences they change.
 */
export function occurrencesBetween(item: WithProps, from: number, to: number, zone: string, replaced?: ReadonlySet<number>): Occurrence[] {
  const start = parseExchangeDate(str(item.props.get(`${NS.cal}dtstart`)) ?? '');
  const end = parseExchangeDate(str(item.props.get(`${NS.cal}dtend`)) ?? '');
  const rule = ruleOf(item);
  if (!start || !end || !rule || to <= from) return [];
  const duration = end.getTime() - start.getTime();
  const excluded = new Set([item.props.get(`${NS.cal}exdate`)?.value ?? []].flat().map((d) => parseExchangeDate(d)?.getTime()));
  for (const r of replaced ?? []) excluded.add(r);
  const exceptions = new Map(exceptionsOf(item).map((e) => [Date.parse(e.recurrenceId), e]));
  const clock = clockFor(item, zone);
  let recur: InstanceType<typeof ICAL.Recur>;
  try {
    recur = ICAL.Recur.fromString(rule);
  } catch {
    return [];
  }
  // UNTIL is an instant; compare it as one (ical.js would compare it with the floating wall-clock times).
  // A date-only UNTIL is the end of that day in the series' zone; a floating one is read in the zone too.
  const u = recur.until;
  let untilMs: number | undefined;
  if (u) {
    const fields = {
      year: u.year,
      month: u.month,
      day: u.day,
      hour: u.isDate ? 23 : u.hour,
      minute: u.isDate ? 59 : u.minute,
      second: u.isDate ? 59 : u.second,
    };
    untilMs =
      u.isDate || u.zone !== ICAL.Timezone.utcTimezone
        ? clock.toUtc(fields)
        : Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
    recur.until = null;
  }
  const iterator = recur.iterator(ICAL.Time.fromData({ ...clock.fromUtc(start.getTime()), isDate: false }));
  const out: Occurrence[] = [];
  for (let step = 0; step < MAX_STEPS; step++) {
    const t = iterator.next();
    if (!t) break;
    const at = clock.toUtc({ year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second });
    if (at >= to || (untilMs !== undefined && at > untilMs)) break;
    if (at + duration > from && !excluded.has(at) && !exceptions.has(at))
      out.push({ start: new Date(at), end: new Date(at + duration), recurrenceId: new Date(at) });
  }
  for (const [rid, ex] of exceptions) {
    if (ex.cancelled || excluded.has(rid) || Number.isNaN(rid)) continue;
    const s = ex.start ? Date.parse(ex.start) : rid;
    const e = ex.end ? Date.parse(ex.end) : s + duration;
    if (e > from && s < to) out.push({ start: new Date(s), end: new Date(e), recurrenceId: new Date(rid), exception: ex });
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** uid → RECURRENCE-IDs that separate exception items (instancetype 3) of a folder replace. */
export function replacedOccurrences(items: Iterable<WithProps>): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const item of items) {
    if (str(item.props.get(`${NS.cal}instancetype`)) !== '3') continue;
    const uid = str(item.props.get(`${NS.cal}uid`))?.toLowerCase();
    const rid = parseExchangeDate(str(item.props.get(`${NS.cal}recurrenceid`)) ?? '')?.getTime();
    if (!uid || rid === undefined) continue;
    if (!out.has(uid)) out.set(uid, new Set());
    out.get(uid)!.add(rid);
  }
  return out;
}

/** The busy spans of any calendar item within [from, to): its occurrences if recurring, else itself. */
export function spansBetween(item: WithProps, from: number, to: number, zone: string, replaced?: Map<string, Set<number>>): Occurrence[] {
  if (isRecurringMaster(item)) {
    const uid = str(item.props.get(`${NS.cal}uid`))?.toLowerCase();
    return occurrencesBetween(item, from, to, zone, uid ? replaced?.get(uid) : undefined);
  }
  const start = parseExchangeDate(str(item.props.get(`${NS.cal}dtstart`)) ?? '');
  const end = parseExchangeDate(str(item.props.get(`${NS.cal}dtend`)) ?? '');
  if (!start || !end || end.getTime() <= from || start.getTime() >= to) return [];
  return [{ start, end, recurrenceId: start }];
}
