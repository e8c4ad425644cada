// Meeting helpers for the emulator's transport and OWA tests: KB308373-style creation over WebDAV, and
// reading delivered iCalendar bodies back with ical.js.
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { dav, proppatchBody, type Reply } from './client.ts';

export interface MeetingSpec {
  uid: string;
  subject: string;
  start: string;
  end: string;
  to?: string;
  cc?: string;
  bcc?: string;
  sequence?: number;
  location?: string;
}

function meetingProps(m: MeetingSpec, contentClass: string, messageClass: string): string {
  return (
    `<a:contentclass>${contentClass}</a:contentclass><f:outlookmessageclass>${messageClass}</f:outlookmessageclass>` +
    `<d:subject>${m.subject}</d:subject><e:location>${m.location ?? 'Thames'}</e:location>` +
    `<e:dtstart b:dt="dateTime.tz">${m.start}</e:dtstart><e:dtend b:dt="dateTime.tz">${m.end}</e:dtend>` +
    `<e:instancetype b:dt="int">0</e:instancetype><e:busystatus>BUSY</e:busystatus><e:meetingstatus>CONFIRMED</e:meetingstatus>` +
    `<e:responserequested b:dt="boolean">1</e:responserequested><e:uid>${m.uid}</e:uid><e:sequence b:dt="int">${m.sequence ?? 0}</e:sequence>` +
    (m.to ? `<h:to>${m.to}</h:to>` : '') +
    (m.cc ? `<h:cc>${m.cc}</h:cc>` : '') +
    (m.bcc ? `<h:bcc>${m.bcc}</h:bcc>` : '') +
    `<j:finvited xmlns:j="http://schemas.microsoft.com/mapi/" b:dt="boolean">1</j:finvited>`
  );
}

/** Localized folder names of a German mailbox, %-encoded. */
export const GERMAN = { calendar: 'Kalender', drafts: 'Entw%C3%BCrfe' };
const ENGLISH = { calendar: 'Calendar', drafts: 'Drafts' };

function foldersOf(mailbox: string): { calendar: string; drafts: string } {
  return ['klaus', 'spree', 'havel'].includes(mailbox) ? GERMAN : ENGLISH;
}

/** KB308373: appointment in the Calendar, request with the same UID in Drafts, MOVE to the submission URI. */
export async function createMeeting(
  base: string,
  user: string,
  mailbox: string,
  m: MeetingSpec,
  headers: Record<string, string> = {},
): Promise<{ item: string; move: Reply }> {
  const item = `/exchange/${mailbox}/${foldersOf(mailbox).calendar}/${m.uid}.EML`;
  const created = await dav(base, 'PROPPATCH', item, { user, body: proppatchBody(meetingProps(m, 'urn:content-classes:appointment', 'IPM.Appointment')) });
  assert.equal(created.status, 207);
  const move = await sendRequest(base, user, mailbox, m, headers);
  return { item, move };
}

export async function sendRequest(
  base: string,
  user: string,
  mailbox: string,
  m: MeetingSpec,
  headers: Record<string, string> = {},
  messageClass = 'IPM.Schedule.Meeting.Request',
): Promise<Reply> {
  const draft = `/exchange/${mailbox}/${foldersOf(mailbox).drafts}/${m.uid}-${m.sequence ?? 0}-${messageClass.split('.').pop()}.EML`;
  const r = await dav(base, 'PROPPATCH', draft, { user, body: proppatchBody(meetingProps(m, 'urn:content-classes:calendarmessage', messageClass)) });
  assert.equal(r.status, 207);
  return dav(base, 'MOVE', draft, { user, headers: { Destination: `/exchange/${mailbox}/%23%23DavMailSubmissionURI%23%23/`, Overwrite: 'F', ...headers } });
}

export interface ControlItem {
  id: string;
  name: string;
  href: string;
  props: Record<string, string | string[]>;
  responses: { address: string; partstat: string }[];
}

export async function items(base: string, alias: string, folder: string): Promise<ControlItem[]> {
  const res = await fetch(`${base}/_emulator/mailboxes/${alias}/items?folder=${encodeURIComponent(folder)}&mime=1`);
  assert.equal(res.status, 200);
  return (await res.json()) as ControlItem[];
}

export async function mimeOf(base: string, alias: string, item: ControlItem): Promise<string> {
  const res = await fetch(`${base}/_emulator/mailboxes/${alias}/items/${item.id}`);
  return ((await res.json()) as { mime: string }).mime;
}

export type ParsedCalendar = {
  method: string;
  event: InstanceType<typeof ICAL.Event>;
  zone: InstanceType<typeof ICAL.Timezone> | undefined;
  vevent: InstanceType<typeof ICAL.Component>;
};

/** The text/calendar part of a MIME message, parsed with ical.js. */
export function parseCalendar(mime: string): ParsedCalendar {
  const m = /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(mime);
  assert.ok(m, 'message carries a VCALENDAR');
  const cal = new ICAL.Component(ICAL.parse(m[0]) as unknown[]);
  const vevent = cal.getFirstSubcomponent('vevent');
  assert.ok(vevent);
  const vtz = cal.getFirstSubcomponent('vtimezone');
  return { method: String(cal.getFirstPropertyValue('method')), event: new ICAL.Event(vevent), zone: vtz ? new ICAL.Timezone(vtz) : undefined, vevent };
}

/** An ical.js time with a TZID resolved through the calendar's VTIMEZONE, as an ISO UTC string. */
export function utcOf(time: InstanceType<typeof ICAL.Time>, zone: InstanceType<typeof ICAL.Timezone> | undefined): string {
  const offset = zone ? zone.utcOffset(time) : 0;
  return new Date(Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second) - offset * 1000).toISOString();
}
