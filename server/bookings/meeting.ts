import { DateTime } from 'luxon';
import type { Attendee, Meeting } from '../exchange/gateway.ts';
import type { Room } from '../rooms/service.ts';
import type { User } from '../users/service.ts';
import type { Booking, BookingAttendee } from './repo.ts';
import { bookedWithLine } from '../i18n/meeting-body.ts';

/** The Exchange mailbox alias of a person: the local part of their address (`alice@example.com` → `alice`). */
export function mailboxAlias(email: string): string {
  return email.slice(0, email.indexOf('@'));
}

const REMINDER_MINUTES = 15;

/**
 * A stored *_at text (toDbTime: UTC ISO with Z) as a UTC DateTime. Date.parse reads that form; luxon's ISO parser
 * per value was a few per cent of a create's CPU. Anything Date.parse cannot read goes to luxon as before.
 */
function utcInstant(iso: string): DateTime {
  const ms = /Z$/.test(iso) ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? DateTime.fromISO(iso, { zone: 'utc' }) : DateTime.fromMillis(ms, { zone: 'utc' });
}

/**
 * The one conversion of a booking into the gateway's `Meeting`: the version an outbox job will send, frozen as it is
 * (the outbox stores it as JSON and reads it back unchanged).
 */
export function meetingOf(
  booking: Pick<Booking, 'uid' | 'subject' | 'description' | 'startsAt' | 'endsAt' | 'icalSequence'> & { private?: boolean },
  attendees: Pick<BookingAttendee, 'email' | 'name' | 'role'>[],
  room: Room,
  organizer: User,
  extra: { message?: string | null } = {},
): Meeting {
  const person = (a: Pick<BookingAttendee, 'email' | 'name'>): Attendee => (a.name ? { email: a.email, name: a.name } : { email: a.email });
  return {
    uid: booking.uid,
    organizer: { alias: mailboxAlias(organizer.email), email: organizer.email, name: organizer.displayName },
    subject: booking.subject,
    // Text the organizer added to a cancellation comes first; the app's "Booked with Roombook" line comes last, in
    // the organizer's language (the HTML body and the series' MIME and iCalendar are made from this text, escaped).
    textBody: bookedWithLine(extra.message ? `${extra.message}\n\n${booking.description}`.trim() : booking.description, organizer.locale),
    location: room.name,
    start: utcInstant(booking.startsAt),
    end: utcInstant(booking.endsAt),
    timeZone: room.timeZone,
    requiredAttendees: attendees.filter((a) => a.role === 'required').map(person),
    optionalAttendees: attendees.filter((a) => a.role === 'optional').map(person),
    room: { alias: room.alias, email: room.email, name: room.name },
    sequence: booking.icalSequence,
    reminderMinutes: REMINDER_MINUTES,
    busyStatus: 'busy',
    ...(booking.private === undefined ? {} : { private: booking.private }),
    // The organizer's chosen language: OWA is asked for it (Accept-Language), as their own browser would (issue 17).
    ...(organizer.locale ? { language: organizer.locale } : {}),
  };
}

/** Every address a version of the booking went to (attendees and room): who an update must tell if dropped. */
export function recipientsOf(attendees: Pick<BookingAttendee, 'email'>[], room: Room): string[] {
  return [...attendees.map((a) => a.email), room.email];
}
