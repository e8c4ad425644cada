// Attendees' counter-proposals (issue 16): Outlook's "Propose New Time" (or an iCalendar METHOD:COUNTER) reaches the
// organizer's Inbox as a Resp.Tent / Resp.Neg with the proposed times (exchange/responses.ts). The reconciler hands
// them in with the answers (exchange-state.ts applyAnswers); Home lists the standing ones for the organizer, who
// takes one (home/routes.ts, through the normal update path) or dismisses it.
import { DateTime } from 'luxon';
import { toDbTime, type AppContext } from '../context.ts';
import { recordAudit } from '../audit/record.ts';
import type { User } from '../users/service.ts';
import { toActor } from '../users/service.ts';
import { NotFoundError } from '../errors.ts';
import { t } from '../i18n/context.ts';
import * as repo from './proposals.repo.ts';
import type { Booking } from './repo.ts';
import { canChangeBooking } from './policy.ts';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

export type { ProposalRecord } from './proposals.repo.ts';

/**
 * One person's latest answer as the reconciler read it: with a proposal it is recorded (a newer one replaces it);
 * without one, a proposal received up to this answer no longer stands. True when something changed.
 */
export function noteProposal(
  ctx: Pick<Ctx, 'db'>,
  bookingId: number,
  email: string,
  proposal: { start: DateTime; end: DateTime } | undefined,
  answeredAt: string,
  /** Exchange did not say when it received the answer (answeredAt is this pass's time). */
  undated = false,
): boolean {
  if (!proposal) return repo.clearProposal(ctx.db, bookingId, email, answeredAt);
  const startsAt = toDbTime(proposal.start);
  const endsAt = toDbTime(proposal.end);
  // CASE: without Exchange's received time every pass would look newer and undo a dismissal: the same times are
  // the same proposal.
  const known = undated ? repo.findProposal(ctx.db, bookingId, email) : undefined;
  if (known && known.startsAt === startsAt && known.endsAt === endsAt) return false;
  return repo.upsertProposal(ctx.db, { bookingId, email, startsAt, endsAt, receivedAt: answeredAt });
}

const LIVE = new Set(['pending', 'booked', 'updating']);

/**
 * The proposals of these bookings worth the organizer's action: the booking still on, the proposed time still ahead
 * and not the booking's time already, and the proposal not stale (proposals.repo.ts listStandingProposals).
 */
export function standingProposals(ctx: Ctx, bookings: Booking[]): { booking: Booking; proposal: repo.ProposalRecord }[] {
  const now = toDbTime(ctx.clock.now());
  const byId = new Map(bookings.filter((b) => LIVE.has(b.state) && b.endsAt > now).map((b) => [b.id, b]));
  return repo.listStandingProposals(ctx.db, [...byId.keys()]).flatMap((proposal) => {
    const booking = byId.get(proposal.bookingId)!;
    const same = proposal.startsAt === booking.startsAt && proposal.endsAt === booking.endsAt;
    return !same && proposal.startsAt > now ? [{ booking, proposal }] : [];
  });
}

/** The standing proposal of `email` for a booking `actor` may change; a 404 otherwise (nothing said about others'). */
export function proposalToAct(ctx: Ctx, actor: User, booking: Booking, email: string): repo.ProposalRecord {
  if (!canChangeBooking(actor, booking)) throw new NotFoundError(t('proposal.not_found'));
  const found = standingProposals(ctx, [booking]).find((p) => p.proposal.email.toLowerCase() === email.toLowerCase());
  if (!found) throw new NotFoundError(t('proposal.not_found'));
  return found.proposal;
}

/** The organizer (or reception) sets the proposal aside: audited, gone from Home until the attendee proposes again. */
export function dismissProposal(ctx: Ctx, actor: User, booking: Booking, email: string): void {
  const p = proposalToAct(ctx, actor, booking, email);
  ctx.db
    .transaction(() => {
      if (!repo.dismissProposal(ctx.db, booking.id, p.email, toDbTime(ctx.clock.now()))) return;
      const view = { attendee: p.email, startsAt: p.startsAt, endsAt: p.endsAt };
      recordAudit(ctx, toActor(actor), 'booking.proposal_dismissed', { type: 'booking', id: booking.id }, view, { ...view, dismissed: true });
    })
    .immediate();
}

/** The proposed times as the booking form takes them, in the room's zone; null when they do not fit one day. */
export function proposalFormTimes(p: Pick<repo.ProposalRecord, 'startsAt' | 'endsAt'>, zone: string): { date: string; start: string; end: string } | null {
  const start = DateTime.fromISO(p.startsAt, { zone: 'utc' }).setZone(zone);
  const end = DateTime.fromISO(p.endsAt, { zone: 'utc' }).setZone(zone);
  if (!start.isValid || !end.isValid || start.toISODate() !== end.toISODate()) return null;
  return { date: start.toFormat('yyyy-MM-dd'), start: start.toFormat('HH:mm'), end: end.toFormat('HH:mm') };
}
