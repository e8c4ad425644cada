// A VTIMEZONE for an IANA zone, in the shape Outlook 2003 writes it: one STANDARD and one DAYLIGHT part with a
// yearly RRULE ("last Sunday of March") and DTSTART in 1601, or a single STANDARD part for a zone without DST.
// A recurring meeting needs it: its RRULE repeats on the room's wall clock (DTSTART;TZID=...), so the receiving
// Exchange/Outlook must know the zone's rules, not one offset. Built from the zone's transitions in a reference
// year (luxon), which is right for every zone whose rules are stable; Outlook 2003 itself knew only one rule per zone.
import { DateTime } from 'luxon';

interface Transition {
  /** Local wall-clock time just before the change, in the offset in force before it. */
  local: DateTime;
  fromMinutes: number;
  toMinutes: number;
}

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** The zone's offset changes in `year`, found day by day and then to the minute (not a hot path: once per send). */
export function transitionsIn(zone: string, year: number): Transition[] {
  const out: Transition[] = [];
  let day = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: 'utc' });
  let offset = day.setZone(zone).offset;
  while (day.year === year) {
    const next = day.plus({ days: 1 });
    const nextOffset = next.setZone(zone).offset;
    if (nextOffset !== offset) {
      // Find the first minute with the new offset.
      let lo = day.toMillis();
      let hi = next.toMillis();
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (DateTime.fromMillis(mid, { zone }).offset === offset) lo = mid;
        else hi = mid;
      }
      out.push({ local: DateTime.fromMillis(hi, { zone: 'utc' }).plus({ minutes: offset }), fromMinutes: offset, toMinutes: nextOffset });
      offset = nextOffset;
    }
    day = next;
  }
  return out;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

function yearlyRule(t: Transition): string {
  const d = t.local;
  const weekday = DAYS[d.weekday - 1]!;
  const last = d.plus({ weeks: 1 }).month !== d.month;
  const week = last ? -1 : Math.ceil(d.day / 7);
  return `FREQ=YEARLY;BYDAY=${week}${weekday};BYMONTH=${d.month}`;
}

/** The VTIMEZONE lines for `zone` (without line folding; every line is short). */
export function vtimezoneLines(zone: string, referenceYear = DateTime.utc().year): string[] {
  const transitions = transitionsIn(zone, referenceYear);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  if (transitions.length !== 2) {
    const offset = formatOffset(DateTime.fromObject({ year: referenceYear, month: 1, day: 1 }, { zone }).offset);
    lines.push('BEGIN:STANDARD', 'DTSTART:16010101T000000', `TZOFFSETFROM:${offset}`, `TZOFFSETTO:${offset}`, 'END:STANDARD', 'END:VTIMEZONE');
    return lines;
  }
  for (const t of transitions) {
    const kind = t.toMinutes > t.fromMinutes ? 'DAYLIGHT' : 'STANDARD';
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:16010101T${t.local.toFormat('HHmmss')}`,
      `TZOFFSETFROM:${formatOffset(t.fromMinutes)}`,
      `TZOFFSETTO:${formatOffset(t.toMinutes)}`,
      `RRULE:${yearlyRule(t)}`,
      `END:${kind}`,
    );
  }
  lines.push('END:VTIMEZONE');
  return lines;
}
