import type { DateTime } from 'luxon';
import { toDbTime, type AppContext } from '../context.ts';
import { recordAudit } from '../audit/record.ts';
import * as repo from './repo.ts';
import { canMove, type BookingState } from './states.ts';
import { storedMessage } from '../i18n/stored.ts';
import { noteProposal } from './proposals.ts';

/**
 * What the reconciler learned from Exchange, applied to bookings. Part of the bookings service: other features
 * change bookings only through these functions.
 */
type Ctx = Pick<AppContext, 'db' | 'clock' | 'log'>;

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
  /** A new time the attendee proposed with this answer (issue 16; proposals.ts). */
  proposal?: { start: DateTime; end: DateTime };
}

export function bookingsOfRoomInWindow(ctx: Pick<Ctx, 'db'>, roomId: number, start: DateTime, end: DateTime): repo.Booking[] {
  return repo.listAllInWindow(ctx.db, [roomId], toDbTime(start), toDbTime(end));
}

/** Bookings in any room within the window whose meeting is (or was) in Exchange: candidates for answers. */
export function sentBookingsInWindow(ctx: Pick<Ctx, 'db'>, roomIds: number[], start: DateTime, end: DateTime): repo.Booking[] {
  return repo.listAllInWindow(ctx.db, roomIds, toDbTime(start), toDbTime(end)).filter((b) => b.exchangeMailbox && b.submittedAt);
}

/** The room calendar holds the meeting: the room accepted it (or holds it tentatively). `problems` gets a refused state. */
export function recordRoomHolds(ctx: Ctx, b: repo.Booking, response: 'accepted' | 'tentative', problems: string[] = []): boolean {
  const at = toDbTime(ctx.clock.now());
  const changes: repo.BookingChanges = { reconciledAt: at };
  const changed = b.roomResponse !== response;
  if (changed) Object.assign(changes, { roomResponse: response, roomResponseAt: at });
  // CASE: the room declined earlier and holds the meeting now (declined in error, then accepted in Outlook).
  if (b.state === 'declined') noteProblem(problems, changeState(ctx, b, 'booked', changes, { actor: RECONCILER, action: 'booking.held_by_room' }));
  else repo.updateBookingRow(ctx.db, b.id, changes, at);
  return changed;
}

/**
 * Applies the latest answer of each person (and of the room) to a booking. A room's decline of a booking that is
 * still meant to happen marks it declined; people's answers show on the booking.
 */
export function applyAnswers(
  ctx: Ctx,
  b: repo.Booking,
  roomEmail: string,
  answers: Answer[],
  problems: string[] = [],
): { roomDeclined: boolean; updated: number } {
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
        const declined = { roomResponse: 'declined', roomResponseAt: at } as const;
        const change = changeState(ctx, b, 'declined', declined, { actor: RECONCILER, action: 'booking.declined_by_room' });
        noteProblem(problems, change);
        roomDeclined = change.ok;
      }
      continue;
    }
    const answeredAt = a.receivedAt ? toDbTime(a.receivedAt) : at;
    if (repo.setAttendeeResponse(ctx.db, b.id, email, a.response, answeredAt)) updated++;
    if (noteProposal(ctx, b.id, email, a.proposal, answeredAt, !a.receivedAt)) updated++;
  }
  return { roomDeclined, updated };
}

/** The organizer's own item is gone from Exchange although we never cancelled it: cancelled in Outlook. */
export function markCancelledInExchange(ctx: Ctx, b: repo.Booking): StateChange {
  return changeState(ctx, b, 'cancelled', {}, { actor: RECONCILER, action: 'booking.cancelled_in_exchange' });
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

const noteProblem = (problems: string[], change: StateChange) => {
  if (!change.ok) problems.push(change.problem);
};

/** The outcome of a state change: an impossible one names itself, so no caller can drop it without a trace. */
export type StateChange = { ok: true } | { ok: false; problem: string };

/**
 * The one function that changes a booking's state (states.ts holds the table of allowed moves). The other changes
 * are written either way (they record facts, e.g. when Exchange accepted the meeting); an impossible move keeps the
 * state, is logged as an error, audited, and returned so the caller can show it (the outbox worker puts it on the
 * admin page).
 */
export function changeState(
  ctx: Ctx,
  b: Pick<repo.Booking, 'id' | 'state'>,
  to: BookingState,
  changes: repo.BookingChanges,
  audit?: { actor: { id: number | null; username: string }; action: string },
): StateChange {
  const at = toDbTime(ctx.clock.now());
  if (b.state !== to && !canMove(b.state, to)) {
    repo.updateBookingRow(ctx.db, b.id, changes, at);
    ctx.log.error(
      { event: 'booking.impossible_transition', bookingId: b.id, from: b.state, to, action: audit?.action },
      `Booking ${b.id} cannot move from ${b.state} to ${to}; it stays ${b.state}.`,
    );
    const entity = { type: 'booking', id: b.id };
    recordAudit(ctx, audit?.actor ?? RECONCILER, 'booking.impossible_transition', entity, { state: b.state }, { state: to, refused: true });
    // The admin page reads the problem in its reader's language (a catalog reference, i18n/stored.ts).
    return {
      ok: false,
      problem: storedMessage('sync.problem.impossible', {
        id: b.id,
        from: storedMessage(`booking.state.${b.state}`),
        to: storedMessage(`booking.state.${to}`),
      }),
    };
  }
  repo.updateBookingRow(ctx.db, b.id, { ...changes, state: to }, at);
  if (audit && b.state !== to) recordAudit(ctx, audit.actor, audit.action, { type: 'booking', id: b.id }, { state: b.state }, { state: to });
  return { ok: true };
}
