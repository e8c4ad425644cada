// Lines other features add to the text of a booking's meeting as it is queued (create and update), e.g. check-in's
// signed one-click link (server/checkin/link-in-body.ts). Registered per database, i.e. per running app, so two apps
// in one process (tests) never add each other's lines; the bookings module does not import those features.
import type { Db } from '../db/connection.ts';
import type { Meeting } from '../exchange/gateway.ts';
import type { Room } from '../rooms/service.ts';
import type { User } from '../users/service.ts';

export interface BookingRef {
  id: number;
  uid: string;
  startsAt: string;
}

/** Returns the line to add (already in the organizer's language), or null for none. */
export type MeetingExtra = (booking: BookingRef, room: Room, organizer: User) => string | null;

const extras = new WeakMap<Db, Map<string, MeetingExtra>>();

/** Registers (or replaces) the extra named `name` for this app's database. */
export function addMeetingExtra(db: Db, name: string, extra: MeetingExtra): void {
  let map = extras.get(db);
  if (!map) extras.set(db, (map = new Map()));
  map.set(name, extra);
}

/** The meeting with every registered line appended to its text (blank line between). */
export function withMeetingExtras(db: Db, booking: BookingRef, room: Room, organizer: User, meeting: Meeting): Meeting {
  const lines = [...(extras.get(db)?.values() ?? [])].map((e) => e(booking, room, organizer)).filter((l): l is string => Boolean(l));
  return lines.length ? { ...meeting, textBody: [meeting.textBody, ...lines].filter(Boolean).join('\n\n') } : meeting;
}
