// MIME for GET with Translate: f: the stored MIME if the client PUT one and nothing changed since, else a
// message built from the item's properties, with a text/calendar part (and VTIMEZONE) for calendar items.
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { randomBytes } from 'node:crypto';
import { NS, parseExchangeDate, str, type PropMap } from '../store/props.ts';
import { windowsZone } from '../store/folders.ts';
import type { AttendeeResponse, Item } from '../store/store.ts';
import { parseAddressList } from './parse.ts';
import { VTIMEZONES, ianaForTzid } from './timezones.ts';
import { exceptionsOf } from '../store/recurrence.ts';

type Comp = InstanceType<typeof ICAL.Component>;

const CALENDAR_CLASSES = new Set(['urn:content-classes:appointment', 'urn:content-classes:calendarmessage']);

export interface CalendarBuild {
  method: string;
  /** Windows zone name for TZID (the mailbox's zone). */
  tzid: string;
  responses?: AttendeeResponse[];
  /** Attendee whose answer this is (REPLY): only that attendee is listed, with `partstat`. */
  replyFrom?: { address: string; partstat: string };
}

function localTime(date: Date, tzid: string): InstanceType<typeof ICAL.Time> {
  const zone = ianaForTzid(tzid) ?? (DateTime.local().setZone(tzid).isValid ? tzid : 'UTC');
  const dt = DateTime.fromJSDate(date, { zone });
  return ICAL.Time.fromData({ year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: dt.minute, second: dt.second, isDate: false });
}

function addTime(ev: Comp, name: string, value: string | undefined, tzid: string): void {
  const date = value ? parseExchangeDate(value) : undefined;
  if (!date) return;
  const p = new ICAL.Property(name, ev);
  p.setValue(localTime(date, tzid));
  p.setParameter('tzid', tzid);
  ev.addProperty(p);
}

function utcStamp(date: Date): InstanceType<typeof ICAL.Time> {
  return ICAL.Time.fromJSDate(date, true);
}

/** The iCalendar text for a calendar item or meeting message. */
export function buildCalendar(props: PropMap, opts: CalendarBuild): string {
  const cal = new ICAL.Component(['vcalendar', [], []]);
  cal.addPropertyWithValue('method', opts.method);
  cal.addPropertyWithValue('prodid', 'Microsoft CDO for Microsoft Exchange');
  cal.addPropertyWithValue('version', '2.0');
  // A series keeps its own zone (cal:timezone): its RRULE is read in it, so its local times are written in it.
  const named = seriesTimezone(props);
  const seriesZone = named && (ianaForTzid(named.tzid) || DateTime.local().setZone(named.tzid).isValid) ? named : undefined;
  if (seriesZone) opts = { ...opts, tzid: seriesZone.tzid };
  const vtz = seriesZone?.text ?? VTIMEZONES[opts.tzid];
  if (vtz) cal.addSubcomponent(new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\n${vtz}\r\nEND:VCALENDAR`) as unknown[]).getFirstSubcomponent('vtimezone')!);
  const ev = new ICAL.Component('vevent');
  const stamp = parseExchangeDate(str(props.get(`${NS.cal}dtstamp`)) ?? '') ?? new Date();
  ev.addPropertyWithValue('dtstamp', utcStamp(stamp));
  addTime(ev, 'dtstart', str(props.get(`${NS.cal}dtstart`)), opts.tzid);
  addTime(ev, 'dtend', str(props.get(`${NS.cal}dtend`)), opts.tzid);
  for (const rule of [props.get(`${NS.cal}rrule`)?.value ?? []].flat()) {
    ev.addProperty(new ICAL.Property(ICAL.parse.property(`RRULE:${rule}`) as unknown[]));
  }
  const exdates = [props.get(`${NS.cal}exdate`)?.value ?? []].flat().flatMap((v) => parseExchangeDate(v) ?? []);
  for (const at of exdates) {
    const p = new ICAL.Property('exdate', ev);
    p.setValue(localTime(at, opts.tzid));
    p.setParameter('tzid', opts.tzid);
    ev.addProperty(p);
  }
  addTime(ev, 'recurrence-id', str(props.get(`${NS.cal}recurrenceid`)), opts.tzid);
  const organizer = str(props.get(`${NS.cal}organizer`)) ?? str(props.get(`${NS.mail}from`));
  const orgAddr = parseAddressList(organizer)[0];
  if (orgAddr) ev.addPropertyWithValue('organizer', `MAILTO:${orgAddr}`);
  const responses = new Map((opts.responses ?? []).map((r) => [r.address.toLowerCase(), r.partstat]));
  const addAttendee = (address: string, role: string, resource: boolean, partstat: string): void => {
    const p = new ICAL.Property('attendee', ev);
    p.setValue(`MAILTO:${address}`);
    p.setParameter('role', role);
    if (resource) p.setParameter('cutype', 'RESOURCE');
    p.setParameter('partstat', partstat);
    if (opts.method === 'REQUEST') p.setParameter('rsvp', 'TRUE');
    ev.addProperty(p);
  };
  if (opts.replyFrom) addAttendee(opts.replyFrom.address, 'REQ-PARTICIPANT', false, opts.replyFrom.partstat);
  else {
    for (const a of parseAddressList(str(props.get(`${NS.hdr}to`)))) addAttendee(a, 'REQ-PARTICIPANT', false, responses.get(a) ?? 'NEEDS-ACTION');
    for (const a of parseAddressList(str(props.get(`${NS.hdr}cc`)))) addAttendee(a, 'OPT-PARTICIPANT', false, responses.get(a) ?? 'NEEDS-ACTION');
    for (const a of parseAddressList(str(props.get(`${NS.hdr}bcc`)))) addAttendee(a, 'NON-PARTICIPANT', true, responses.get(a) ?? 'NEEDS-ACTION');
  }
  const add = (name: string, v: string | undefined): void => {
    if (v !== undefined && v !== '') ev.addPropertyWithValue(name, v);
  };
  add('summary', str(props.get(`${NS.mail}subject`)));
  add('location', str(props.get(`${NS.cal}location`)));
  add('description', str(props.get(`${NS.mail}textdescription`)));
  add('uid', str(props.get(`${NS.cal}uid`)));
  ev.addPropertyWithValue('sequence', Number(str(props.get(`${NS.cal}sequence`)) ?? '0') || 0);
  const cancelled = opts.method === 'CANCEL' || str(props.get(`${NS.cal}meetingstatus`))?.toUpperCase() === 'CANCELLED';
  ev.addPropertyWithValue('status', cancelled ? 'CANCELLED' : 'CONFIRMED');
  const busy = (str(props.get(`${NS.cal}busystatus`)) ?? 'BUSY').toUpperCase();
  ev.addPropertyWithValue('transp', busy === 'FREE' ? 'TRANSPARENT' : 'OPAQUE');
  const sensitivity = str(props.get(`${NS.proptag}x00360003`)) ?? '0';
  ev.addPropertyWithValue('class', ({ '1': 'X-PERSONAL', '2': 'PRIVATE', '3': 'CONFIDENTIAL' } as Record<string, string>)[sensitivity] ?? 'PUBLIC');
  ev.addPropertyWithValue('priority', 5);
  ev.addPropertyWithValue('x-microsoft-cdo-busystatus', cancelled ? 'FREE' : busy);
  ev.addPropertyWithValue('x-microsoft-cdo-alldayevent', str(props.get(`${NS.cal}alldayevent`)) === '1' ? 'TRUE' : 'FALSE');
  cal.addSubcomponent(ev);
  // The master's changed occurrences follow it as VEVENTs with the same UID and a RECURRENCE-ID.
  for (const ex of exceptionsOf({ props })) {
    const xe = new ICAL.Component('vevent');
    xe.addPropertyWithValue('dtstamp', utcStamp(stamp));
    addTime(xe, 'recurrence-id', ex.recurrenceId, opts.tzid);
    const dtstart = parseExchangeDate(str(props.get(`${NS.cal}dtstart`)) ?? '');
    const dtend = parseExchangeDate(str(props.get(`${NS.cal}dtend`)) ?? '');
    const length = dtstart && dtend ? dtend.getTime() - dtstart.getTime() : 0;
    addTime(xe, 'dtstart', ex.start ?? ex.recurrenceId, opts.tzid);
    addTime(xe, 'dtend', ex.end ?? new Date(Date.parse(ex.start ?? ex.recurrenceId) + length).toISOString(), opts.tzid);
    const uid = str(props.get(`${NS.cal}uid`));
    if (uid) xe.addPropertyWithValue('uid', uid);
    const summary = ex.summary ?? str(props.get(`${NS.mail}subject`));
    if (summary) xe.addPropertyWithValue('summary', summary);
    const location = ex.location ?? str(props.get(`${NS.cal}location`));
    if (location) xe.addPropertyWithValue('location', location);
    if (orgAddr) xe.addPropertyWithValue('organizer', `MAILTO:${orgAddr}`);
    xe.addPropertyWithValue('sequence', ex.sequence ?? (Number(str(props.get(`${NS.cal}sequence`)) ?? '0') || 0));
    xe.addPropertyWithValue('status', ex.cancelled ? 'CANCELLED' : 'CONFIRMED');
    xe.addPropertyWithValue('x-microsoft-cdo-busystatus', ex.cancelled ? 'FREE' : (ex.busyStatus ?? busy));
    cal.addSubcomponent(xe);
  }
  return cal.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

/** The zone a series was written in (cal:timezone's TZID and text), if it has one. */
function seriesTimezone(props: PropMap): { tzid: string; text: string } | undefined {
  const text = str(props.get(`${NS.cal}timezone`));
  const tzid = text ? /^TZID:(.+)$/im.exec(text)?.[1]?.trim() : undefined;
  return text && tzid ? { tzid, text: text.replace(/^BEGIN:VCALENDAR\r?\n|\r?\nEND:VCALENDAR\s*$/gi, '') } : undefined;
}

function encodeHeader(value: string): string {
  // RFC 2047 for anything outside printable ASCII.
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?utf-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

export function methodFor(props: PropMap): string {
  const cls = str(props.get(`${NS.ex}outlookmessageclass`)) ?? '';
  const explicit = str(props.get(`${NS.cal}method`));
  if (cls.startsWith('IPM.Schedule.Meeting.Canceled')) return 'CANCEL';
  // A response proposing a new time stays a COUNTER (mime/derive.ts COUNTER_PROPS).
  if (cls.startsWith('IPM.Schedule.Meeting.Resp')) return explicit?.toUpperCase() === 'COUNTER' ? 'COUNTER' : 'REPLY';
  if (cls.startsWith('IPM.Schedule.Meeting.Request')) return 'REQUEST';
  return explicit?.toUpperCase() ?? 'PUBLISH';
}

/** The whole message/rfc822 text for an item. */
export function buildMime(item: Item, timeZone: string): string {
  if (item.mime !== undefined) return item.mime;
  return buildMessageMime(item.props, { id: item.id, created: item.created, responses: item.responses, timeZone });
}

export interface MessageBuild {
  id: string;
  created: Date;
  responses: AttendeeResponse[];
  /** IANA zone of the mailbox whose local times the iCalendar part uses. */
  timeZone: string;
  /** iCalendar METHOD; derived from the message class when absent. */
  method?: string;
  replyFrom?: { address: string; partstat: string };
}

/** message/rfc822 text for a property set (calendar classes get a text/calendar part). */
export function buildMessageMime(p: PropMap, opts: MessageBuild): string {
  const contentClass = str(p.get(`${NS.dav}contentclass`)) ?? 'urn:content-classes:message';
  const headers: string[] = [
    `Content-class: ${contentClass}`,
    `Subject: ${encodeHeader(str(p.get(`${NS.mail}subject`)) ?? '')}`,
    `Date: ${opts.created.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${str(p.get(`${NS.hdr}message-id`)) ?? `<${opts.id}@emulator.local>`}`,
    'MIME-Version: 1.0',
    'X-MimeOLE: Produced By Microsoft Exchange V6.5.7226.0',
  ];
  const from = str(p.get(`${NS.mail}from`)) ?? str(p.get(`${NS.cal}organizer`));
  if (from) headers.push(`From: ${encodeHeader(from)}`);
  for (const h of ['to', 'cc'] as const) {
    const v = str(p.get(`${NS.hdr}${h}`));
    if (v) headers.push(`${h === 'to' ? 'To' : 'Cc'}: ${encodeHeader(v)}`);
  }
  const text = str(p.get(`${NS.mail}textdescription`)) ?? '';
  if (!CALENDAR_CLASSES.has(contentClass)) {
    return [...headers, 'Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: 8bit', '', text].join('\r\n');
  }
  const method = opts.method ?? methodFor(p);
  const boundary = `----_=_NextPart_001_${randomBytes(8).toString('hex').toUpperCase()}`;
  const ics = buildCalendar(p, { method, tzid: windowsZone(opts.timeZone), responses: opts.responses, replyFrom: opts.replyFrom });
  return [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    'This is a multi-part message in MIME format.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset="utf-8"',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    '',
    `--${boundary}`,
    `Content-class: ${contentClass}`,
    `Content-Type: text/calendar; method=${method}; charset="utf-8"`,
    'Content-Transfer-Encoding: 8bit',
    '',
    ics,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
