import type { DateTime } from 'luxon';
import { toDbTime, type AppContext } from '../context.ts';
import { recordAudit } from '../audit/record.ts';
import * as repo from './repo.ts';
import type { BookingState } from './states.ts';

/**
 * What the reconciler learned from Exchange, applied to bookings. Part of the bookings service: other features
 * change bookings only through these functions.
 */
type Ctx = Pick<AppContext, 'db' | 'clock'>;

const RECONCILER = { id: null, username: 'reconciler' };

export interface ExternalMeeting {
  uid: string;
  subject: string;
  organizer: string;
  start: DateTime;
  end: DateTime;
}

export interface Answer {
  email: string;
  response: 'accepted' | 'tentative' | 'declined';
  receivedAt: DateTime | null;
}

export function bookingsOfRoomInWindow(ctx: Pick<Ctx, 'db'>, roomId: number, start: DateTime, end: DateTime): repo.Booking[] {
  return repo.listAllInWindow(ctx.db, [roomId], toDbTime(start), toDbTime(end));
}

/** Bookings in any room within the window whose meeting is (or was) in Exchange: candidates for answers. */
export function sentBookingsInWindow(ctx: Pick<Ctx, 'db'>, roomIds: number[], start: DateTime, end: DateTime): repo.Booking[] {
  return repo.listAllInWindow(ctx.db, roomIds, toDbTime(start), toDbTime(end)).filter((b) => b.exchangeMailbox && b.submittedAt);
}

/** The room calendar holds the meeting: the room accepted it (or holds it tentatively). */
export function recordRoomHolds(ctx: Ctx, b: repo.Booking, response: 'accepted' | 'tentative'): boolean {
  const at = toDbTime(ctx.clock.now());
  const changes: repo.BookingChanges = { reconciledAt: at };
  const changed = b.roomResponse !== response;
  if (changed) Object.assign(changes, { roomResponse: response, roomResponseAt: at });
  if (b.state === 'declined') changes.state = 'booked';
  repo.updateBookingRow(ctx.db, b.id, changes, at);
  return changed;
}

/**
 * Applies the latest answer of each person (and of the room) to a booking. A room's decline of a booking that is
 * still meant to happen marks it declined; people's answers show on the booking.
 */
export function applyAnswers(ctx: Ctx, b: repo.Booking, roomEmail: string, answers: Answer[]): { roomDeclined: boolean; updated: number } {
  const latest = new Map<string, Answer>();
  for (const a of answers) {
    const key = a.email.toLowerCase();
    const prev = latest.get(key);
    if (!prev || (a.receivedAt && (!prev.receivedAt || a.receivedAt >= prev.receivedAt))) latest.set(key, a);
  }
  const at = toDbTime(ctx.clock.now());
  let updated = 0;
  let roomDeclined = false;
  for (const [email, a] of latest) {
    if (email === roomEmail.toLowerCase()) {
      if (a.response === 'declined' && b.roomResponse !== 'declined' && (b.state === 'booked' || b.state === 'updating')) {
        transition(ctx, b, 'declined', 'booking.declined_by_room', { roomResponse: 'declined', roomResponseAt: at });
        roomDeclined = true;
      }
      continue;
    }
    if (repo.setAttendeeResponse(ctx.db, b.id, email, a.response, a.receivedAt ? toDbTime(a.receivedAt) : at)) updated++;
  }
  return { roomDeclined, updated };
}

/** The organizer's own item is gone from Exchange although we never cancelled it: cancelled in Outlook. */
export function markCancelledInExchange(ctx: Ctx, b: repo.Booking): void {
  transition(ctx, b, 'cancelled', 'booking.cancelled_in_exchange', {});
}

export function replaceExternalMeetings(ctx: Ctx, roomId: number, window: { start: DateTime; end: DateTime }, meetings: ExternalMeeting[]): void {
  repo.replaceExternalBookings(
    ctx.db,
    roomId,
    toDbTime(window.start),
    toDbTime(window.end),
    meetings.map((m) => ({ uid: m.uid, subject: m.subject, organizer: m.organizer, startsAt: toDbTime(m.start), endsAt: toDbTime(m.end) })),
    toDbTime(ctx.clock.now()),
  );
}

function transition(ctx: Ctx, b: repo.Booking, state: BookingState, action: string, extra: repo.BookingChanges): void {
  repo.updateBookingRow(ctx.db, b.id, { ...extra, state }, toDbTime(ctx.clock.now()));
  recordAudit(ctx, RECONCILER, action, { type: 'booking', id: b.id }, { state: b.state }, { state });
}
