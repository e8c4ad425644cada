// The iCalendar of a recurring meeting, as Outlook 2003 sends a series: one VEVENT with DTSTART;TZID, an RRULE and
// the zone's VTIMEZONE; a changed or cancelled occurrence is a VEVENT with the same UID and a RECURRENCE-ID.
// Series cannot be written with WebDAV PROPPATCH (KB920134, protocol reference §11), so they travel as MIME
// (§7 B): this file builds the calendar text, `series-mime.ts` wraps it. Built with ical.js, never by hand, so
// every text value is escaped by the library (a subject cannot add a property or an attendee).
import ICAL from 'ical.js';
import type { DateTime } from 'luxon';
import type { Attendee, Meeting, OccurrenceOverride, SeriesMeeting } from './gateway.ts';
import { validateMeeting } from './meeting-props.ts';
import { vtimezoneLines } from './vtimezone.ts';

type Component = InstanceType<typeof ICAL.Component>;

// The series types are domain types (gateway.ts); re-exported for this file's callers.
export type { SeriesMeeting, OccurrenceOverride } from './gateway.ts';

export type CalendarMethod = 'REQUEST' | 'CANCEL' | 'PUBLISH';

function localTime(instant: DateTime, zone: string) {
  const t = instant.setZone(zone);
  return ICAL.Time.fromData({ year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second, isDate: false });
}

function addZoned(ev: Component, name: string, instant: DateTime, zone: string): void {
  const p = new ICAL.Property(name, ev);
  p.setValue(localTime(instant, zone));
  p.setParameter('tzid', zone);
  ev.addProperty(p);
}

function addAttendee(ev: Component, a: Attendee, role: 'REQ-PARTICIPANT' | 'OPT-PARTICIPANT' | 'NON-PARTICIPANT', resource = false): void {
  const p = new ICAL.Property('attendee', ev);
  p.setValue(`mailto:${a.email}`);
  if (a.name) p.setParameter('cn', a.name);
  p.setParameter('role', role);
  if (resource) p.setParameter('cutype', 'RESOURCE');
  p.setParameter('partstat', 'NEEDS-ACTION');
  p.setParameter('rsvp', 'TRUE');
  ev.addProperty(p);
}

function baseEvent(m: Meeting & { withoutRoom?: boolean }, method: CalendarMethod, now: DateTime): Component {
  const ev = new ICAL.Component('vevent');
  ev.addPropertyWithValue('uid', m.uid);
  ev.addPropertyWithValue('sequence', m.sequence);
  ev.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(now.toJSDate(), true));
  ev.addPropertyWithValue('summary', m.subject);
  ev.addPropertyWithValue('description', m.textBody);
  ev.addPropertyWithValue('location', m.location ?? m.room.name);
  const organizer = new ICAL.Property('organizer', ev);
  organizer.setValue(`mailto:${m.organizer.email}`);
  organizer.setParameter('cn', m.organizer.name);
  ev.addProperty(organizer);
  for (const a of m.requiredAttendees) addAttendee(ev, a, 'REQ-PARTICIPANT');
  for (const a of m.optionalAttendees) addAttendee(ev, a, 'OPT-PARTICIPANT');
  if (!m.withoutRoom) addAttendee(ev, { email: m.room.email, name: m.room.name }, 'NON-PARTICIPANT', true);
  ev.addPropertyWithValue('class', 'PUBLIC');
  ev.addPropertyWithValue('transp', m.busyStatus === 'free' ? 'TRANSPARENT' : 'OPAQUE');
  ev.addPropertyWithValue('x-microsoft-cdo-busystatus', method === 'CANCEL' ? 'FREE' : m.busyStatus.toUpperCase());
  if (method === 'CANCEL') ev.addPropertyWithValue('status', 'CANCELLED');
  return ev;
}

function calendar(method: CalendarMethod, zone: string, events: Component[], year: number): string {
  const cal = new ICAL.Component(['vcalendar', [], []]);
  cal.addPropertyWithValue('prodid', '-//Roombook//Roombook//EN');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('method', method);
  const vtz = ICAL.Component.fromString(['BEGIN:VCALENDAR', ...vtimezoneLines(zone, year), 'END:VCALENDAR'].join('\r\n')).getFirstSubcomponent('vtimezone');
  if (vtz) cal.addSubcomponent(vtz);
  for (const ev of events) cal.addSubcomponent(ev);
  return cal.toString() + '\r\n';
}

/** The whole series (invitation, update of the whole series, its cancellation, or the organizer's own item). */
export function seriesCalendar(method: CalendarMethod, m: SeriesMeeting, now: DateTime): string {
  validateMeeting(m);
  const ev = baseEvent(m, method, now);
  addZoned(ev, 'dtstart', m.start, m.timeZone);
  addZoned(ev, 'dtend', m.end, m.timeZone);
  ev.addProperty(new ICAL.Property(ICAL.parse.property(`RRULE:${m.rrule}`) as unknown[]));
  for (const x of m.excluded) addZoned(ev, 'exdate', x, m.timeZone);
  return calendar(method, m.timeZone, [ev], m.start.year);
}

/** One occurrence changed (REQUEST) or cancelled (CANCEL): the series' UID with the occurrence's RECURRENCE-ID. */
export function occurrenceCalendar(method: 'REQUEST' | 'CANCEL', series: SeriesMeeting, o: OccurrenceOverride, now: DateTime): string {
  // A date in another room than the series': that room is its LOCATION and its resource attendee. A date released by
  // check-in names no resource and says so in its LOCATION.
  const m = o.withoutRoom
    ? { ...series, withoutRoom: true, location: o.withoutRoom.location }
    : o.room
      ? { ...series, room: o.room, location: o.room.name }
      : series;
  validateMeeting({ ...m, start: o.start, end: o.end, subject: o.subject ?? m.subject });
  const ev = baseEvent({ ...m, subject: o.subject ?? m.subject }, method, now);
  addZoned(ev, 'recurrence-id', o.originalStart, m.timeZone);
  addZoned(ev, 'dtstart', o.start, m.timeZone);
  addZoned(ev, 'dtend', o.end, m.timeZone);
  return calendar(method, m.timeZone, [ev], o.start.year);
}
