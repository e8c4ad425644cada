import { DateTime } from 'luxon';
import type { Room } from '../rooms/service.ts';
import type { User } from '../users/service.ts';
import type { Booking, Response } from './repo.ts';
import { stateLabel } from './states.ts';
import { t } from '../i18n/context.ts';
import { isStoredMessage, readStored } from '../i18n/stored.ts';
import { formatDate, formatTimeRange } from '../i18n/format.ts';

/** An answer in the request's language ("Accepted", "Elfogadta"). */
const responseLabel = (r: Response): string => t(`booking.response.${r}`);

/** No answer but a time: the answer was to the time or room before a change (repo.resetAttendeeResponses). */
function attendeeResponse(a: Booking['attendees'][number]): string {
  return a.response === 'none' && a.respondedAt ? t('booking.response.old_time') : responseLabel(a.response);
}

export interface BookingView {
  id: number;
  uid: string;
  subject: string;
  description: string;
  private: boolean;
  roomId: number;
  roomName: string;
  roomPlace: string;
  timeZone: string;
  /** "Wed 25 Nov 2026" in the room's zone. */
  day: string;
  /** "10:00–11:00" in the room's zone. */
  times: string;
  /** Form values in the room's zone. */
  date: string;
  start: string;
  end: string;
  state: Booking['state'];
  stateLabel: string;
  organizerName: string;
  organizerEmail: string;
  onBehalf: boolean;
  submittedAt: string | null;
  roomResponse: string;
  /** The room's answer as a code, for styling (the label above is in the reader's language). */
  roomResponseCode: Response;
  roomResponseAt: string | null;
  failedReason: string | null;
  attendees: { email: string; name: string; role: string; response: string }[];
  isPast: boolean;
  /** UTC instants, for the browser to show the reader's own local time. */
  startsAt: string;
  endsAt: string;
  /** Part of a recurring series: pages mark it. */
  seriesId: number | null;
}

/**
 * Reasons stored before the failures were put in words carry the request's facts, e.g. `(PROPPATCH /exchange/bob/… →
 * 507, 12 ms, request 6850cd28)`: employees do not get those (the admin sync page keeps them).
 */
export function withoutWireFacts(reason: string): string {
  return reason.replace(/\s*\([A-Z]+ \/[^()]* → [^()]*request [^()]*\)/g, '');
}

/** A stored failure reason in the reader's language (older plain-English reasons lose their request facts). */
export const reasonText = (stored: string): string => (isStoredMessage(stored) ? readStored(stored) : withoutWireFacts(stored));

export function localTime(iso: string, zone: string): DateTime {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);
}

const stamp = (iso: string | null, zone: string) => (iso ? formatDate(localTime(iso, zone), 'dateTime') : null);

export function presentBooking(b: Booking, room: Room, organizer: Pick<User, 'displayName' | 'email'>, now: DateTime): BookingView {
  const start = localTime(b.startsAt, room.timeZone);
  const end = localTime(b.endsAt, room.timeZone);
  return {
    id: b.id,
    uid: b.uid,
    subject: b.subject,
    description: b.description,
    private: b.private,
    roomId: room.id,
    roomName: room.name,
    roomPlace: t('room.place', { building: room.building, floor: room.floor }),
    timeZone: room.timeZone,
    day: formatDate(start, 'day'),
    times: formatTimeRange(start, end),
    date: start.toFormat('yyyy-MM-dd'),
    start: start.toFormat('HH:mm'),
    end: end.toFormat('HH:mm'),
    state: b.state,
    stateLabel: stateLabel(b.state),
    organizerName: organizer.displayName,
    organizerEmail: organizer.email,
    onBehalf: b.createdById !== b.organizerId,
    submittedAt: stamp(b.submittedAt, room.timeZone),
    roomResponse: responseLabel(b.roomResponse),
    roomResponseCode: b.roomResponse,
    roomResponseAt: stamp(b.roomResponseAt, room.timeZone),
    failedReason: b.failedReason && reasonText(b.failedReason),
    attendees: b.attendees.map((a) => ({ email: a.email, name: a.name ?? a.email, role: t(`booking.role.${a.role}`), response: attendeeResponse(a) })),
    isPast: DateTime.fromISO(b.endsAt) <= now,
    startsAt: b.startsAt,
    endsAt: b.endsAt,
    seriesId: b.seriesId,
  };
}

/** Form values (strings as the browser sends them) for editing a booking. */
export function bookingFormValues(v: BookingView, b: Booking): Record<string, string> {
  return {
    roomId: String(v.roomId),
    date: v.date,
    start: v.start,
    end: v.end,
    subject: b.subject,
    description: b.description,
    private: b.private ? 'on' : '',
    required: b.attendees
      .filter((a) => a.role === 'required')
      .map((a) => a.email)
      .join('\n'),
    optional: b.attendees
      .filter((a) => a.role === 'optional')
      .map((a) => a.email)
      .join('\n'),
  };
}

/** Keep the page refreshing while Exchange works, and for a couple of minutes after while the room answers. */
export function isAwaitingExchange(b: Booking, now: DateTime): boolean {
  if (b.state === 'pending' || b.state === 'updating' || b.state === 'cancelling') return true;
  return b.state === 'booked' && b.roomResponse === 'none' && !!b.submittedAt && now.diff(DateTime.fromISO(b.submittedAt)).as('minutes') < 2;
}

/** While this holds the booking page asks for its status every few seconds: Exchange is working or the room has not answered. */
export function isLive(b: Booking, now: DateTime): boolean {
  return isAwaitingExchange(b, now) || (b.state === 'booked' && b.roomResponse === 'none');
}

/** "checked 2 s ago" for when the reconciler last read the room's calendar. */
export function checkedAgo(checkedAt: DateTime | undefined, now: DateTime): string {
  if (!checkedAt) return t('booking.checked.never');
  const s = Math.max(0, Math.round(now.diff(checkedAt).as('seconds')));
  if (s < 90) return t('booking.checked.seconds', { n: s });
  const m = Math.round(s / 60);
  return m < 90 ? t('booking.checked.minutes', { n: m }) : t('booking.checked.hours', { n: Math.round(m / 60) });
}

export interface BookingStatus {
  id: number;
  state: Booking['state'];
  stateLabel: string;
  submittedAt: string | null;
  roomResponse: string;
  roomResponseCode: Response;
  /** The "Exchange accepted the meeting request on …" line, in the reader's language (booking-status.js shows it). */
  submittedText: string | null;
  roomResponseAt: string | null;
  roomCheckedAt: string | null;
  roomChecked: string;
  attendees: { email: string; response: string }[];
  /** Whether to keep asking: the page stops polling when this turns false. */
  live: boolean;
}

/** The booking page's status region as JSON (GET /bookings/:id/status). */
export function presentStatus(b: Booking, view: BookingView, checkedAt: DateTime | undefined, now: DateTime): BookingStatus {
  return {
    id: view.id,
    state: view.state,
    stateLabel: view.stateLabel,
    submittedAt: view.submittedAt,
    roomResponse: view.roomResponse,
    roomResponseCode: view.roomResponseCode,
    submittedText: view.submittedAt ? t('booking.status.submitted', { at: view.submittedAt }) : null,
    roomResponseAt: view.roomResponseAt,
    roomCheckedAt: checkedAt ? toDbTimeOrNull(checkedAt) : null,
    roomChecked: checkedAgo(checkedAt, now),
    attendees: view.attendees.map((a) => ({ email: a.email, response: a.response })),
    live: isLive(b, now),
  };
}

const toDbTimeOrNull = (t: DateTime) => t.toUTC().toISO();
