import { DateTime } from 'luxon';
import type { Meeting } from '../exchange/gateway.ts';

interface Person {
  email: string;
  name?: string | undefined;
}

interface Mailbox {
  alias: string;
  email: string;
  name: string;
}

/**
 * One version of a meeting, frozen into the outbox job that sends it (plain JSON), so a retry
 * sends exactly what the user saved then, even if the booking changed again since.
 */
export interface MeetingSnapshot {
  uid: string;
  organizer: Mailbox;
  subject: string;
  description: string;
  /** UTC ISO instants. */
  start: string;
  end: string;
  timeZone: string;
  required: Person[];
  optional: Person[];
  room: Mailbox;
  /**
   * For an update: every address the previous version went to (attendees and room), so those no longer invited
   * get a cancellation — a room change frees the old room.
   */
  previousRecipients?: string[];
  sequence: number;
  /** The booking is private (absent in jobs queued before this was recorded). */
  private?: boolean;
  /** Text the organizer added to a cancellation. */
  message: string | null;
}

const REMINDER_MINUTES = 15;

export function parseSnapshot(json: string): MeetingSnapshot {
  return JSON.parse(json) as MeetingSnapshot;
}

/** The gateway's view of a snapshot. */
export function toMeeting(s: MeetingSnapshot): Meeting {
  const text = s.message ? `${s.message}\n\n${s.description}`.trim() : s.description;
  return {
    uid: s.uid,
    organizer: s.organizer,
    subject: s.subject,
    textBody: text,
    location: s.room.name,
    start: DateTime.fromISO(s.start, { zone: 'utc' }),
    end: DateTime.fromISO(s.end, { zone: 'utc' }),
    timeZone: s.timeZone,
    requiredAttendees: s.required.map((p) => (p.name ? { email: p.email, name: p.name } : { email: p.email })),
    optionalAttendees: s.optional.map((p) => (p.name ? { email: p.email, name: p.name } : { email: p.email })),
    room: s.room,
    sequence: s.sequence,
    reminderMinutes: REMINDER_MINUTES,
    busyStatus: 'busy',
    ...(s.private === undefined ? {} : { private: s.private }),
  };
}
