// Reads iCalendar text (as clients PUT it and as meeting messages carry it) into plain event data.
// Times become UTC instants: `Z` values as they are (also DavMail's TZID+Z quirk, §12), TZIDs through the
// calendar's VTIMEZONE or the Windows zone table, floating times in the mailbox's zone.
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { ianaForTzid } from './timezones.ts';

export interface CalAttendee {
  address: string;
  role: string;
  partstat: string;
  cutype: string;
  cn: string | undefined;
}

export interface CalEvent {
  uid: string | undefined;
  sequence: number | undefined;
  summary: string | undefined;
  location: string | undefined;
  description: string | undefined;
  start: Date | undefined;
  end: Date | undefined;
  allDay: boolean;
  organizer: string | undefined;
  attendees: CalAttendee[];
  status: string | undefined;
  transp: string | undefined;
  busyStatus: string | undefined;
  /** iCalendar CLASS (PUBLIC, PRIVATE, CONFIDENTIAL, X-PERSONAL), upper case. */
  classification: string | undefined;
  rrule: string[];
  recurrenceId: Date | undefined;
  /** EXDATE instants (every value of every EXDATE line). */
  exdates: Date[];
  /** The TZID of DTSTART, and the VTIMEZONE text the calendar carries for it (kept as cal:timezone). */
  tzid: string | undefined;
  vtimezone: string | undefined;
}

export interface CalendarData {
  method: string | undefined;
  events: CalEvent[];
  hasTodo: boolean;
}

export class CalendarParseError extends Error {}

type Comp = InstanceType<typeof ICAL.Component>;
type Prop = InstanceType<typeof ICAL.Property>;
type Zone = InstanceType<typeof ICAL.Timezone>;

function stripMailto(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  return (
    v
      .replace(/^mailto:/i, '')
      .trim()
      .toLowerCase() || undefined
  );
}

function text(comp: Comp, name: string): string | undefined {
  const v = comp.getFirstPropertyValue(name);
  return v === null || v === undefined ? undefined : String(v);
}

function param(p: Prop, name: string): string | undefined {
  const v = p.getParameter(name);
  if (Array.isArray(v)) return v[0] === undefined ? undefined : String(v[0]);
  return v === undefined || v === null ? undefined : String(v);
}

function toInstant(p: Prop | null, zones: Map<string, Zone>, defaultZone: string): { date: Date; isDate: boolean } | undefined {
  if (!p) return undefined;
  const raw = p.toICALString();
  const valueText = raw.slice(raw.lastIndexOf(':') + 1).trim();
  return timeToInstant(p, p.getFirstValue() as InstanceType<typeof ICAL.Time> | null, /Z$/i.test(valueText), zones, defaultZone);
}

/** Every value of every EXDATE line, as instants (EXDATE;TZID=…:a,b and one line per date both occur). */
function exdates(ev: Comp, zones: Map<string, Zone>, defaultZone: string): Date[] {
  const out: Date[] = [];
  for (const p of ev.getAllProperties('exdate')) {
    const raw = p.toICALString();
    const texts = raw.slice(raw.lastIndexOf(':') + 1).split(',');
    p.getValues().forEach((v, k) => {
      const at = timeToInstant(p, v as InstanceType<typeof ICAL.Time>, /Z$/i.test((texts[k] ?? '').trim()), zones, defaultZone);
      if (at) out.push(at.date);
    });
  }
  return out;
}

function timeToInstant(
  p: Prop,
  t: InstanceType<typeof ICAL.Time> | null,
  utc: boolean,
  zones: Map<string, Zone>,
  defaultZone: string,
): { date: Date; isDate: boolean } | undefined {
  if (!t || typeof t !== 'object' || !('year' in t)) return undefined;
  const parts = { year: t.year, month: t.month, day: t.day, hour: t.isDate ? 0 : t.hour, minute: t.isDate ? 0 : t.minute, second: t.isDate ? 0 : t.second };
  if (utc) return { date: new Date(Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second)), isDate: false };
  const tzid = param(p, 'tzid');
  const vtz = tzid ? zones.get(tzid.toLowerCase()) : undefined;
  if (vtz && !ianaForTzid(tzid!)) {
    const offset = vtz.utcOffset(t);
    const utc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - offset * 1000;
    return { date: new Date(utc), isDate: t.isDate };
  }
  let zone = defaultZone;
  if (tzid) zone = ianaForTzid(tzid) ?? (DateTime.local().setZone(tzid).isValid ? tzid : defaultZone);
  const dt = DateTime.fromObject(parts, { zone });
  if (!dt.isValid) return undefined;
  return { date: dt.toJSDate(), isDate: t.isDate };
}

export function readCalendar(source: string, defaultZone: string): CalendarData {
  let root: Comp;
  try {
    root = new ICAL.Component(ICAL.parse(source.trim()) as unknown[]);
  } catch (err) {
    throw new CalendarParseError(err instanceof Error ? err.message : 'bad iCalendar');
  }
  if (root.name !== 'vcalendar') throw new CalendarParseError('not a VCALENDAR');
  const zones = new Map<string, Zone>();
  const zoneText = new Map<string, string>();
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    const tz = new ICAL.Timezone(vtz);
    if (tz.tzid) {
      zones.set(tz.tzid.toLowerCase(), tz);
      zoneText.set(tz.tzid.toLowerCase(), vtz.toString().replace(/\r?\n/g, '\r\n'));
    }
  }
  const events = root.getAllSubcomponents('vevent').map((ev): CalEvent => {
    const start = toInstant(ev.getFirstProperty('dtstart'), zones, defaultZone);
    let end = toInstant(ev.getFirstProperty('dtend'), zones, defaultZone);
    const duration = ev.getFirstPropertyValue('duration') as InstanceType<typeof ICAL.Duration> | null;
    if (!end && start && duration && typeof duration === 'object' && 'toSeconds' in duration) {
      end = { date: new Date(start.date.getTime() + duration.toSeconds() * 1000), isDate: start.isDate };
    }
    if (!end && start?.isDate) end = { date: new Date(start.date.getTime() + 86_400_000), isDate: true };
    const seq = text(ev, 'sequence');
    const startProp = ev.getFirstProperty('dtstart');
    const startTzid = startProp ? param(startProp, 'tzid')?.replace(/^"|"$/g, '') : undefined;
    const allDayFlag = text(ev, 'x-microsoft-cdo-alldayevent');
    return {
      uid: text(ev, 'uid'),
      sequence: seq !== undefined && /^\d+$/.test(seq) ? Number(seq) : undefined,
      summary: text(ev, 'summary'),
      location: text(ev, 'location'),
      description: text(ev, 'description'),
      start: start?.date,
      end: end?.date,
      allDay: allDayFlag ? allDayFlag.toUpperCase() === 'TRUE' : !!start?.isDate,
      organizer: stripMailto(ev.getFirstPropertyValue('organizer')),
      attendees: ev.getAllProperties('attendee').flatMap((p) => {
        const address = stripMailto(p.getFirstValue());
        if (!address) return [];
        return [
          {
            address,
            role: (param(p, 'role') ?? 'REQ-PARTICIPANT').toUpperCase(),
            partstat: (param(p, 'partstat') ?? 'NEEDS-ACTION').toUpperCase(),
            cutype: (param(p, 'cutype') ?? 'INDIVIDUAL').toUpperCase(),
            cn: param(p, 'cn'),
          },
        ];
      }),
      status: text(ev, 'status')?.toUpperCase(),
      transp: text(ev, 'transp')?.toUpperCase(),
      busyStatus: text(ev, 'x-microsoft-cdo-busystatus')?.toUpperCase(),
      classification: text(ev, 'class')?.trim().toUpperCase(),
      rrule: ev.getAllProperties('rrule').map((p) => {
        const raw = p.toICALString();
        return raw.slice(raw.indexOf(':') + 1);
      }),
      recurrenceId: toInstant(ev.getFirstProperty('recurrence-id'), zones, defaultZone)?.date,
      exdates: exdates(ev, zones, defaultZone),
      tzid: startTzid,
      vtimezone: startTzid ? zoneText.get(startTzid.toLowerCase()) : undefined,
    };
  });
  return { method: text(root, 'method')?.toUpperCase(), events, hasTodo: root.getAllSubcomponents('vtodo').length > 0 };
}
