// Recurring-meeting helpers for the emulator's tests: iCalendar series text (VTIMEZONE, RRULE, EXDATE,
// exceptions with RECURRENCE-ID) written here, not taken from the app, and sent the way DavMail and the
// gateway do it (§7 B): the organizer's PUBLISH copy PUT into the Calendar, REQUEST/CANCEL PUT into Drafts
// and MOVEd to the submission URI.
import assert from 'node:assert/strict';
import { dav } from './client.ts';

export const LONDON_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:GMT Standard Time',
  'BEGIN:STANDARD',
  'DTSTART:16010101T020000',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0000',
  'RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:16010101T010000',
  'TZOFFSETFROM:+0000',
  'TZOFFSETTO:+0100',
  'RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
];

/** A VTIMEZONE with a TZID no table knows: expansion must follow its own rules (New York's, 2007 onwards). */
export const NEW_YORK_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Custom New York',
  'BEGIN:STANDARD',
  'DTSTART:16010101T020000',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:16010101T020000',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
];

export interface SeriesException {
  /** Local `yyyymmddThhmmss` of the occurrence it changes. */
  recurrenceId: string;
  start?: string;
  end?: string;
  summary?: string;
  cancelled?: boolean;
}

export interface SeriesSpec {
  uid: string;
  summary: string;
  organizer: string;
  /** Required attendees (ROLE=REQ-PARTICIPANT). */
  attendees?: string[];
  /** Room mailboxes (CUTYPE=RESOURCE, ROLE=NON-PARTICIPANT). */
  rooms?: string[];
  /** Local times in `tzid`, `yyyymmddThhmmss`. */
  start: string;
  end: string;
  rrule: string;
  exdates?: string[];
  exceptions?: SeriesException[];
  sequence?: number;
  tzid?: string;
  vtimezone?: string[];
  location?: string;
}

function people(s: SeriesSpec): string[] {
  return [
    ...(s.attendees ?? []).map((a) => `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:MAILTO:${a}`),
    ...(s.rooms ?? []).map((a) => `ATTENDEE;CUTYPE=RESOURCE;ROLE=NON-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:MAILTO:${a}`),
  ];
}

/** iCalendar for a series: master VEVENT, then one VEVENT per exception (same UID, RECURRENCE-ID). */
export function seriesCalendar(s: SeriesSpec, method: 'PUBLISH' | 'REQUEST' | 'CANCEL', only?: SeriesException): string {
  const tzid = s.tzid ?? 'GMT Standard Time';
  const common = (seq: number) => [
    `UID:${s.uid}`,
    `SEQUENCE:${seq}`,
    'DTSTAMP:20261201T120000Z',
    `ORGANIZER:MAILTO:${s.organizer}`,
    ...people(s),
    ...(s.location ? [`LOCATION:${s.location}`] : []),
  ];
  const seq = s.sequence ?? 0;
  const master = [
    'BEGIN:VEVENT',
    ...common(seq),
    `SUMMARY:${s.summary}`,
    `DTSTART;TZID="${tzid}":${s.start}`,
    `DTEND;TZID="${tzid}":${s.end}`,
    `RRULE:${s.rrule}`,
    ...(s.exdates ?? []).map((d) => `EXDATE;TZID="${tzid}":${d}`),
    ...(method === 'CANCEL' ? ['STATUS:CANCELLED'] : ['STATUS:CONFIRMED']),
    'END:VEVENT',
  ];
  const exception = (x: SeriesException) => [
    'BEGIN:VEVENT',
    ...common(seq),
    `SUMMARY:${x.summary ?? s.summary}`,
    `RECURRENCE-ID;TZID="${tzid}":${x.recurrenceId}`,
    `DTSTART;TZID="${tzid}":${x.start ?? x.recurrenceId}`,
    `DTEND;TZID="${tzid}":${x.end ?? x.recurrenceId}`,
    `STATUS:${x.cancelled || method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
  ];
  const events = only ? exception(only) : [...master, ...(s.exceptions ?? []).flatMap(exception)];
  return [
    'BEGIN:VCALENDAR',
    'PRODID:-//Roombook emulator tests//EN',
    'VERSION:2.0',
    `METHOD:${method}`,
    ...(s.vtimezone ?? LONDON_VTIMEZONE),
    ...events,
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** message/rfc822 around a calendar (DavMail's createMimeContent shape, §7 B). */
export function seriesMime(s: SeriesSpec, method: 'PUBLISH' | 'REQUEST' | 'CANCEL', only?: SeriesException): string {
  const contentClass = method === 'PUBLISH' ? 'urn:content-classes:appointment' : 'urn:content-classes:calendarmessage';
  const recipients = [...(s.attendees ?? []), ...(s.rooms ?? [])];
  const prefix = method === 'CANCEL' ? 'Canceled: ' : '';
  return [
    `Content-class: ${contentClass}`,
    'MIME-Version: 1.0',
    ...(method === 'PUBLISH' ? [] : [`To: ${recipients.join(', ')}`]),
    `Subject: ${prefix}${only?.summary ?? s.summary}`,
    'Content-Type: multipart/alternative; boundary="----=_NextPart_S"',
    '',
    '------=_NextPart_S',
    `Content-class: ${contentClass}`,
    `Content-Type: text/calendar; method=${method}; charset="utf-8"`,
    'Content-Transfer-Encoding: 8bit',
    '',
    seriesCalendar(s, method, only),
    '------=_NextPart_S--',
    '',
  ].join('\r\n');
}

/** The organizer's calendar item (PUBLISH) by PUT. */
export async function putSeries(base: string, user: string, mailbox: string, s: SeriesSpec): Promise<string> {
  const path = `/exchange/${mailbox}/Calendar/${s.uid}.EML`;
  const r = await dav(base, 'PUT', path, { user, headers: { 'Content-Type': 'message/rfc822', Translate: 'f' }, body: seriesMime(s, 'PUBLISH') });
  assert.ok(r.status === 201 || r.status === 200, `PUT answered ${r.status}`);
  return path;
}

/** A REQUEST or CANCEL (of the series, or of one occurrence with `only`): PUT into Drafts, MOVE to submission. */
export async function sendSeries(
  base: string,
  user: string,
  mailbox: string,
  s: SeriesSpec,
  method: 'REQUEST' | 'CANCEL',
  only?: SeriesException,
): Promise<void> {
  const draft = `/exchange/${mailbox}/Drafts/${s.uid}-${method}-${only?.recurrenceId ?? 'series'}-${s.sequence ?? 0}.EML`;
  const put = await dav(base, 'PUT', draft, { user, headers: { 'Content-Type': 'message/rfc822', Translate: 'f' }, body: seriesMime(s, method, only) });
  assert.equal(put.status, 201);
  const move = await dav(base, 'MOVE', draft, {
    user,
    headers: { Destination: `/exchange/${mailbox}/%23%23DavMailSubmissionURI%23%23/`, Overwrite: 'F', Saveinsent: 'f' },
  });
  assert.equal(move.status, 200);
}
