// A Meeting → the DAV properties of the organizer's appointment and of the meeting messages (§6, §7 A, §9).
// Validation happens here, once, before anything is sent (STYLE §2.6).
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Attendee, BusyStatus, Meeting } from './gateway.ts';
import { InvalidMeetingError } from './errors.ts';
import { CONTENT_CLASS, MESSAGE_CLASS } from './properties.ts';
import type { PropValues } from './xml.ts';
import { formatAddress, formatAddressList } from './addresses.ts';
import { isValidZone } from './dates.ts';
import { canonicalLanguage } from './owa/language.ts';
import { isExchangeAddress, multiLineProblem, singleLineProblem, TEXT_PROBLEM_MESSAGES } from './text-rules.ts';

const messages = {
  lineBreak: TEXT_PROBLEM_MESSAGES['line-break'],
  control: TEXT_PROBLEM_MESSAGES.control,
  email: 'must be an email address.',
  uid: 'must be 1-200 printable characters without spaces.',
  zone: 'must be an IANA time zone such as Europe/London.',
  order: 'must be after the start.',
  date: 'must be a valid date and time.',
  language: 'must be a BCP-47 language tag such as en or hu.',
};

// The text rules are the forms' too (text-rules.ts): what is refused here was refused by the form first.
const singleLine = z
  .string()
  .max(1000)
  .superRefine((s, ctx) => {
    const problem = singleLineProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem === 'line-break' ? messages.lineBreak : messages.control });
  });
const email = z.string().refine(isExchangeAddress, messages.email);
const body = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => multiLineProblem(s) === null, messages.control);
const attendee = z.object({ email, name: singleLine.optional() });
const dateTime = z.custom<DateTime>((v) => DateTime.isDateTime(v) && v.isValid, messages.date);

const meetingSchema = z
  .object({
    uid: z.string().regex(/^[\x21-\x7e]{1,200}$/, messages.uid),
    organizer: z.object({ alias: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), email, name: singleLine }),
    subject: singleLine.max(255),
    textBody: body(100_000),
    htmlBody: z.string().max(200_000).optional(),
    location: singleLine.optional(),
    start: dateTime,
    end: dateTime,
    timeZone: z.string().refine(isValidZone, messages.zone),
    requiredAttendees: z.array(attendee).max(500),
    optionalAttendees: z.array(attendee).max(500),
    room: z.object({ alias: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), email, name: singleLine }),
    sequence: z.number().int().min(0),
    reminderMinutes: z.number().int().min(0).max(40_320).nullable(),
    busyStatus: z.enum(['free', 'tentative', 'busy', 'oof']),
    language: z
      .string()
      .refine((t) => canonicalLanguage(t) !== null, messages.language)
      .optional(),
  })
  .refine((m) => !DateTime.isDateTime(m.start) || !DateTime.isDateTime(m.end) || m.end > m.start, { message: messages.order, path: ['end'] });

/** Throws InvalidMeetingError listing every field problem. */
export function validateMeeting(meeting: Meeting): void {
  const result = meetingSchema.safeParse(meeting);
  if (result.success) return;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[issue.path.join('.') || 'meeting'] ??= issue.message;
  throw new InvalidMeetingError(fields);
}

const BUSY_WIRE: Record<BusyStatus, string> = { free: 'FREE', tentative: 'TENTATIVE', busy: 'BUSY', oof: 'OOF' };
const BUSY_MAPI: Record<BusyStatus, number> = { free: 0, tentative: 1, busy: 2, oof: 3 };

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The HTML body: the caller's, or the text body escaped with line breaks as <br>. */
export function htmlBodyOf(meeting: Meeting): string {
  if (meeting.htmlBody) return meeting.htmlBody;
  return `<html><body>${escapeHtml(meeting.textBody).replace(/\r\n|\r|\n/g, '<br>')}</body></html>`;
}

export function locationOf(meeting: Meeting): string {
  return meeting.location ?? meeting.room.name;
}

/** Every address the meeting goes to (required, optional, the room), lower-cased. */
export function recipientEmails(meeting: Pick<Meeting, 'requiredAttendees' | 'optionalAttendees' | 'room'>): string[] {
  return [...meeting.requiredAttendees, ...meeting.optionalAttendees, meeting.room].map((a) => a.email.toLowerCase());
}

function common(meeting: Meeting, now: DateTime): PropValues {
  return {
    subject: meeting.subject,
    textBody: meeting.textBody,
    htmlBody: htmlBodyOf(meeting),
    location: locationOf(meeting),
    dtStart: meeting.start.toUTC(),
    dtEnd: meeting.end.toUTC(),
    dtStamp: now.toUTC(),
    uid: meeting.uid,
    sequence: meeting.sequence,
    organizer: formatAddress(meeting.organizer),
    // OXOCAL: required = To, optional = Cc, resources = Bcc (§6).
    to: formatAddressList(meeting.requiredAttendees),
    cc: formatAddressList(meeting.optionalAttendees),
    bcc: formatAddress(meeting.room),
    instanceType: 0,
    allDay: false,
    responseRequested: true,
    ...(meeting.private === undefined ? {} : { sensitivity: meeting.private ? 2 : 0 }),
  };
}

/** The organizer's calendar item (§7 A.1). */
export function appointmentProps(meeting: Meeting, now: DateTime): PropValues {
  const props: PropValues = {
    contentClass: CONTENT_CLASS.appointment,
    messageClass: MESSAGE_CLASS.appointment,
    ...common(meeting, now),
    busyStatus: BUSY_WIRE[meeting.busyStatus],
    meetingStatus: 'CONFIRMED',
    transparent: meeting.busyStatus === 'free' ? 'TRANSPARENT' : 'OPAQUE',
    invited: true,
    isOrganizer: true,
    responseStatus: 1, // organized
    apptStateFlags: 1, // a meeting
  };
  if (meeting.reminderMinutes !== null) props.reminderOffset = meeting.reminderMinutes * 60;
  return props;
}

/**
 * A meeting request (REQUEST) or cancellation (CANCEL) message, written to Drafts and then submitted (§7 A.3, §9).
 * `onlyTo` addresses the message to those people alone (a cancellation for attendees removed by an update).
 */
export function messageProps(meeting: Meeting, kind: 'request' | 'cancel', now: DateTime, onlyTo?: readonly Attendee[]): PropValues {
  const cancel = kind === 'cancel';
  return {
    contentClass: CONTENT_CLASS.calendarMessage,
    messageClass: cancel ? MESSAGE_CLASS.cancelled : MESSAGE_CLASS.request,
    ...common(meeting, now),
    ...(onlyTo ? { to: formatAddressList(onlyTo), cc: '', bcc: '' } : {}),
    method: cancel ? 'CANCEL' : 'REQUEST',
    busyStatus: cancel ? 'FREE' : BUSY_WIRE[meeting.busyStatus],
    meetingStatus: cancel ? 'CANCELLED' : 'CONFIRMED',
    // OXOCAL 2.2.1.11 / 3.1.4.9.1: messages carry "not responded"; a request is tentative until answered.
    responseStatus: 5,
    mapiBusyStatus: cancel ? 0 : 1,
    intendedBusyStatus: cancel ? 0 : BUSY_MAPI[meeting.busyStatus],
    apptStateFlags: cancel ? 7 : 3,
  };
}

export { BUSY_WIRE };
