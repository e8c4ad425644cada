import type { Room } from '../rooms/service.ts';
import type { MeetingSnapshot } from '../sync/meeting-snapshot.ts';
import type { User } from '../users/service.ts';
import type { Booking, BookingAttendee } from './repo.ts';

/** The Exchange mailbox alias of a person: the local part of their address (`alice@example.com` → `alice`). */
export function mailboxAlias(email: string): string {
  return email.slice(0, email.indexOf('@'));
}

const mailboxOfRoom = (room: Room) => ({ alias: room.alias, email: room.email, name: room.name });

/** Freezes the version of a booking that an outbox job will send. */
export function snapshotOf(
  booking: Pick<Booking, 'uid' | 'subject' | 'description' | 'startsAt' | 'endsAt' | 'icalSequence'> & { private?: boolean },
  attendees: Pick<BookingAttendee, 'email' | 'name' | 'role'>[],
  room: Room,
  organizer: User,
  extra: { previous?: { attendees: Pick<BookingAttendee, 'email'>[]; room: Room } | null; message?: string | null } = {},
): MeetingSnapshot {
  const person = (a: Pick<BookingAttendee, 'email' | 'name'>) => (a.name ? { email: a.email, name: a.name } : { email: a.email });
  return {
    uid: booking.uid,
    organizer: { alias: mailboxAlias(organizer.email), email: organizer.email, name: organizer.displayName },
    subject: booking.subject,
    description: booking.description,
    start: booking.startsAt,
    end: booking.endsAt,
    timeZone: room.timeZone,
    required: attendees.filter((a) => a.role === 'required').map(person),
    optional: attendees.filter((a) => a.role === 'optional').map(person),
    room: mailboxOfRoom(room),
    ...(extra.previous ? { previousRecipients: [...extra.previous.attendees.map((a) => a.email), extra.previous.room.email] } : {}),
    sequence: booking.icalSequence,
    ...(booking.private === undefined ? {} : { private: booking.private }),
    message: extra.message ?? null,
  };
}
