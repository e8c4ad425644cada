// Occurrences of recurring calendar items (instancetype 1 with cal:rrule), expanded in the mailbox's own zone
// so a weekly 09:00 meeting stays at 09:00 local across DST. Used by SEARCH windows, free/busy and room
// conflict checks (§11).
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { NS, parseExchangeDate, str } from './props.ts';
import type { Item } from './store.ts';

export interface Occurrence {
  start: Date;
  end: Date;
}

/** Stop runaway rules (FREQ=SECONDLY, no COUNT/UNTIL) from stalling a request. */
const MAX_STEPS = 5000;

type WithProps = Pick<Item, 'props'>;

export function isRecurringMaster(item: WithProps): boolean {
  const rrule = item.props.get(`${NS.cal}rrule`)?.value;
  return str(item.props.get(`${NS.cal}instancetype`)) === '1' && (Array.isArray(rrule) ? rrule.length > 0 : !!rrule);
}

/** Occurrences of a recurring item that overlap [from, to), minus EXDATEs. */
export function occurrencesBetween(item: WithProps, from: number, to: number, zone: string): Occurrence[] {
  const start = parseExchangeDate(str(item.props.get(`${NS.cal}dtstart`)) ?? '');
  const end = parseExchangeDate(str(item.props.get(`${NS.cal}dtend`)) ?? '');
  const rule = [item.props.get(`${NS.cal}rrule`)?.value ?? []].flat()[0];
  if (!start || !end || !rule || to <= from) return [];
  const duration = end.getTime() - start.getTime();
  const excluded = new Set([item.props.get(`${NS.cal}exdate`)?.value ?? []].flat().map((d) => parseExchangeDate(d)?.getTime()));
  const local = DateTime.fromJSDate(start, { zone });
  let recur: InstanceType<typeof ICAL.Recur>;
  try {
    recur = ICAL.Recur.fromString(rule.replace(/^RRULE:/i, ''));
  } catch {
    return [];
  }
  const iterator = recur.iterator(
    ICAL.Time.fromData({ year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute, second: local.second, isDate: false }),
  );
  const out: Occurrence[] = [];
  for (let step = 0; step < MAX_STEPS; step++) {
    const t = iterator.next();
    if (!t) break;
    const at = DateTime.fromObject({ year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second }, { zone }).toMillis();
    if (at >= to) break;
    if (at + duration > from && !excluded.has(at)) out.push({ start: new Date(at), end: new Date(at + duration) });
  }
  return out;
}

/** The busy spans of any calendar item within [from, to): its occurrences if recurring, else itself. */
export function spansBetween(item: WithProps, from: number, to: number, zone: string): Occurrence[] {
  if (isRecurringMaster(item)) return occurrencesBetween(item, from, to, zone);
  const start = parseExchangeDate(str(item.props.get(`${NS.cal}dtstart`)) ?? '');
  const end = parseExchangeDate(str(item.props.get(`${NS.cal}dtend`)) ?? '');
  if (!start || !end || end.getTime() <= from || start.getTime() >= to) return [];
  return [{ start, end }];
}
