import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { roleAbilities, roleLabel } from '../users/roles.ts';
import { t } from '../i18n/context.ts';
import { pages } from '../http/access.ts';
import { listMyBookings } from '../bookings/service.ts';
import { presentBooking } from '../bookings/present.ts';
import { listInvitedBookings } from '../bookings/invited.ts';
import { findUser } from '../users/service.ts';
import { getRoom, listBuildings } from '../rooms/service.ts';
import { usualBuilding } from '../scheduling/service.ts';
import { getBookingForViewer, updateBooking } from '../bookings/service.ts';
import { bookingFormValues, localTime } from '../bookings/present.ts';
import { dismissProposal, proposalFormTimes, proposalToAct, standingProposals } from '../bookings/proposals.ts';
import { BookingChangeForm } from '../bookings/schema.ts';
import { formatDate, formatTimeRange } from '../i18n/format.ts';
import { idParam } from '../http/params.ts';
import { flash } from '../http/flash.ts';
import { ConflictError, FieldErrors, SlotTakenError } from '../errors.ts';
import type { Request } from 'express';

/** The attendee a proposal form names (a hidden field); anything else is no attendee, so a 404 later. */
const emailOf = (req: Request): string => {
  const email = (req.body as Record<string, unknown> | undefined)?.email;
  return typeof email === 'string' ? email.trim().slice(0, 320) : '';
};

const DAY_MS = 86_400_000;
const NEXT_DAYS = 7;

export function homeRoutes(ctx: AppContext): Router {
  const router = Router();

  /** GET /: my day — what needs my action, my next meetings (today and 7 days), and "Book a room now". */
  router.get('/', ...pages.signedIn, (req, res) => {
    const user = req.user!;
    const now = ctx.clock.now();
    const horizon = new Date(now.toMillis() + (NEXT_DAYS + 1) * DAY_MS).toISOString();
    const { upcoming } = listMyBookings(ctx, user);
    const rooms = new Map<number, ReturnType<typeof getRoom>>();
    const present = (b: (typeof upcoming)[number]) => {
      const room = rooms.get(b.roomId) ?? getRoom(ctx, b.roomId);
      rooms.set(b.roomId, room);
      return presentBooking(b, room, user, now);
    };
    const attention = upcoming.filter((b) => b.state === 'declined' || b.state === 'failed').map(present);
    // Attendees who proposed another time (Outlook's "Propose New Time"), for the bookings I may change (issue 16).
    const proposals = standingProposals(ctx, upcoming).map(({ booking, proposal }) => {
      const view = present(booking);
      const start = localTime(proposal.startsAt, view.timeZone);
      const end = localTime(proposal.endsAt, view.timeZone);
      const who = proposal.name ?? view.attendees.find((a) => a.email.toLowerCase() === proposal.email.toLowerCase())?.name ?? proposal.email;
      return {
        id: booking.id,
        subject: view.subject,
        email: proposal.email,
        text: t('proposal.line', { who, day: formatDate(start, 'day'), times: formatTimeRange(start, end) }),
      };
    });
    const live = (b: { state: string }) => ['pending', 'booked', 'updating'].includes(b.state);
    const mine = upcoming.filter((b) => live(b) && b.startsAt < horizon).map((b) => ({ b, view: present(b), invitedBy: null as string | null }));
    // Meetings others booked with me as an attendee, with who invited me and my answer (issue 16).
    const me = user.email.toLowerCase();
    const organizers = new Map<number, { displayName: string; email: string }>();
    const invited = listInvitedBookings(ctx, user, horizon)
      .filter(live)
      .map((b) => {
        const room = rooms.get(b.roomId) ?? getRoom(ctx, b.roomId);
        rooms.set(b.roomId, room);
        const organizer = organizers.get(b.organizerId) ?? findUser(ctx, b.organizerId) ?? { displayName: '', email: '' };
        organizers.set(b.organizerId, organizer);
        const view = presentBooking(b, room, organizer, now);
        return { b, view, invitedBy: organizer.displayName, answer: view.attendees.find((a) => a.email.toLowerCase() === me)?.response ?? '' };
      });
    const next = [...mine, ...invited]
      .sort((x, y) => x.b.startsAt.localeCompare(y.b.startsAt))
      .slice(0, 20)
      .map((x) => ({ ...x.view, invitedBy: x.invitedBy, answer: 'answer' in x ? x.answer : '' }));
    res.render('home/index', {
      title: t('home.title'),
      roleLabel: roleLabel(user.role),
      abilities: roleAbilities(user.role),
      attention,
      proposals,
      next,
      buildings: listBuildings(ctx),
      building: usualBuilding(ctx, user.id),
    });
  });

  /**
   * POST /proposals/:id/use: take the attendee's proposed time. A single booking whose room is free then is changed
   * through the normal update path (Exchange gets the update, attendees a new request); otherwise (a series date,
   * a time across midnight, the room taken or outside its rules) the change form opens with the proposed times.
   */
  router.post('/proposals/:id/use', ...pages.signedIn, async (req, res) => {
    const user = req.user!;
    const booking = getBookingForViewer(ctx, user, idParam(req.params.id, 'booking'));
    const proposal = proposalToAct(ctx, user, booking, emailOf(req));
    const room = getRoom(ctx, booking.roomId);
    const times = proposalFormTimes(proposal, room.timeZone);
    const form = `/bookings/${booking.id}/edit${times ? `?${new URLSearchParams(times).toString()}` : ''}`;
    if (!times || booking.seriesId) return res.redirect(303, form);
    const organizer = findUser(ctx, booking.organizerId) ?? { displayName: '', email: '' };
    const values = { ...bookingFormValues(presentBooking(booking, room, organizer, ctx.clock.now()), booking), ...times };
    const input = BookingChangeForm.safeParse(values);
    if (!input.success) return res.redirect(303, form);
    try {
      const { warnings } = await updateBooking(ctx, user, booking.id, input.data);
      flash(req, 'success', t('proposal.flash.used'));
      for (const w of warnings) flash(req, 'info', w);
      return res.redirect(303, `/bookings/${booking.id}`);
    } catch (err) {
      if (!(err instanceof SlotTakenError || err instanceof FieldErrors || err instanceof ConflictError)) throw err;
      flash(req, 'info', t('proposal.flash.not_free'));
      return res.redirect(303, form);
    }
  });

  /** POST /proposals/:id/dismiss: set the proposal aside (audited); it shows again only if the attendee proposes anew. */
  router.post('/proposals/:id/dismiss', ...pages.signedIn, (req, res) => {
    const user = req.user!;
    const booking = getBookingForViewer(ctx, user, idParam(req.params.id, 'booking'));
    dismissProposal(ctx, user, booking, emailOf(req));
    flash(req, 'success', t('proposal.flash.dismissed'));
    res.redirect(303, '/');
  });

  return router;
}
