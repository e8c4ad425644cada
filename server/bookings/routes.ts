import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { formPage, parseForm } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import { getRoom, listRooms, type Room } from '../rooms/service.ts';
import { getUser, listUsers, type User } from '../users/service.ts';
import { canBookOnBehalf, canChangeBooking } from './policy.ts';
import { bookingFormValues, checkedAgo, isAwaitingExchange, isLive, localTime, presentBooking, presentStatus } from './present.ts';
import { standingProposals } from './proposals.ts';
import { formatDate, formatTimeRange } from '../i18n/format.ts';
import type { DateTime } from 'luxon';
import { BookingChangeForm, BookingForm, CancelForm, IDEMPOTENCY_KEY } from './schema.ts';
import * as bookings from './service.ts';
import { isChangeable } from './states.ts';
import { SlotTakenError } from '../errors.ts';
import { findRooms } from '../availability/service.ts';
import { localBookings } from './queries.ts';
import { FindQuery } from '../availability/schema.ts';
import { presentAlternatives } from '../availability/present.ts';
import { t } from '../i18n/context.ts';
import { answersReadText } from './replacement-routes.ts';
import { handleSeriesCreate, seriesSection, seriesWords } from './series-routes.ts';
import {
  cancelFollowing,
  cancelOccurrence,
  cancelWholeSeries,
  changeFollowing,
  changeOccurrence,
  changeWholeSeries,
  nextChangeableDate,
} from './series-service.ts';

/** Other rooms free at the time that was just taken, and the nearest other times (shown with "just taken"). */
async function alternativesFor(ctx: AppContext, body: Record<string, unknown>): Promise<{ label: string; href: string }[]> {
  const parsed = FindQuery.safeParse({ date: body.date, start: body.start, end: body.end });
  return parsed.success ? presentAlternatives(await findRooms(ctx, localBookings, parsed.data)) : [];
}

// Getters: the words are read per request, in the reader's language.
const messages = {
  get created() {
    return t('booking.flash.created');
  },
  get updated() {
    return t('booking.flash.updated');
  },
  get cancelled() {
    return t('booking.flash.cancelled');
  },
};

/**
 * A change form opened from an attendee's proposal (home "Use this time") comes prefilled with its times: only
 * well-formed ones are taken, the rest stays the booking's.
 */
function proposedTimes(query: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  if (query.date && /^\d{4}-\d{2}-\d{2}$/.test(query.date)) out.date = query.date;
  for (const k of ['start', 'end'] as const) if (query[k] && /^\d{2}:\d{2}$/.test(query[k])) out[k] = query[k];
  return out;
}

/** The booking page's "proposed Tue 14:00–15:00" per attendee email (lower-cased), for standing proposals. */
function proposalsByEmail(ctx: AppContext, booking: bookings.Booking, zone: string): Record<string, string> {
  return Object.fromEntries(
    standingProposals(ctx, [booking]).map(({ proposal: p }) => {
      const start = localTime(p.startsAt, zone);
      const end = localTime(p.endsAt, zone);
      return [p.email.toLowerCase(), t('proposal.on_booking', { day: formatDate(start, 'day'), times: formatTimeRange(start, end) })];
    }),
  );
}

/** Presents bookings with their rooms and organizers, looking each up once. */
export function presenter(ctx: AppContext) {
  const rooms = new Map<number, Room>();
  const users = new Map<number, User>();
  return (b: bookings.Booking) => {
    const room = rooms.get(b.roomId) ?? getRoom(ctx, b.roomId);
    rooms.set(b.roomId, room);
    const organizer = users.get(b.organizerId) ?? getUser(ctx, b.organizerId);
    users.set(b.organizerId, organizer);
    return presentBooking(b, room, organizer, ctx.clock.now());
  };
}

/** The new-booking form's key as submitted, when it is one the form would accept. */
function submittedKey(req: Request): string | undefined {
  const key = (req.body as Record<string, unknown> | undefined)?.idempotencyKey;
  return typeof key === 'string' && IDEMPOTENCY_KEY.test(key) ? key : undefined;
}

/**
 * What the booking page needs of the reconciler (sync/reconciler.ts, handed in by app.ts): when it last read a room's
 * calendar and an organizer's answers. Its shape only, so bookings does not import sync's worker side.
 */
type RoomChecks = { roomCheckedAt(roomId: number): DateTime | undefined; answersReadAt?(mailbox: string): DateTime | undefined };

export function bookingRoutes(ctx: AppContext, reconciler?: RoomChecks): Router {
  const router = Router();

  const formModel = async (req: Request, error?: unknown) => {
    const user = req.user!;
    const id = req.params.id ? idParam(req.params.id, 'booking') : undefined;
    const existing = id ? bookings.getBookingForViewer(ctx, user, id) : undefined;
    const view = existing ? presenter(ctx)(existing) : undefined;
    const query = req.query as Record<string, string | undefined>;
    const values =
      view && existing
        ? { ...bookingFormValues(view, existing), ...proposedTimes(query) }
        : {
            roomId: query.roomId ?? '',
            date: query.date ?? ctx.clock.now().toFormat('yyyy-MM-dd'),
            start: query.start ?? '',
            end: query.end ?? '',
            subject: '',
            description: '',
            required: '',
            optional: '',
            organizerId: query.organizerId ?? String(user.id),
          };
    const rooms = listRooms(ctx);
    const chosen = rooms.find((r) => String(r.id) === String(values.roomId));
    return {
      alternatives: error instanceof SlotTakenError ? await alternativesFor(ctx, req.body as Record<string, unknown>) : [],
      title: existing ? t('booking.title.change') : t('booking.title.new'),
      booking: view ?? null,
      rooms,
      zone: chosen?.timeZone ?? rooms[0]?.timeZone ?? 'UTC',
      people: listUsers(ctx).filter((u) => u.active),
      onBehalf: !existing && canBookOnBehalf(user),
      // The form's identity is the model's, never the submitted values': a change posts to its booking, a new
      // booking keeps the key it was sent with (so the corrected form still books once) or gets a fresh one.
      action: existing ? `/bookings/${existing.id}` : '/bookings',
      idempotencyKey: existing ? null : (submittedKey(req) ?? randomBytes(16).toString('base64url')),
      values,
    };
  };

  /** GET /bookings: the signed-in user's upcoming and past bookings */
  router.get('/', ...pages.signedIn, (req, res) => {
    const mine = bookings.listMyBookings(ctx, req.user!);
    const present = presenter(ctx);
    res.render('bookings/index', { title: t('nav.bookings'), upcoming: mine.upcoming.map(present), past: mine.past.map(present) });
  });

  /** GET /bookings/new */
  router.get('/new', ...pages.signedIn, async (req, res) => res.render('bookings/form', await formModel(req)));

  /** GET /bookings/series-words: the chosen repeat in words, for the form's script (issue 14) */
  router.get('/series-words', ...pages.signedIn, (req, res) => seriesWords(ctx, req, res));

  /** POST /bookings */
  router.post('/', ...pages.signedIn, formPage('bookings/form', formModel), async (req, res) => {
    if (await handleSeriesCreate(ctx, req, res, formModel)) return; // "Repeats" chosen: a series (issue 14)
    const input = parseForm(BookingForm, req.body);
    const { booking, warnings } = await bookings.createBooking(ctx, req.user!, input);
    flash(req, 'success', messages.created);
    for (const w of warnings) flash(req, 'info', w);
    res.redirect(303, `/bookings/${booking.id}`);
  });

  /** GET /bookings/:id */
  router.get('/:id', ...pages.signedIn, (req, res) => {
    const booking = bookings.getBookingForViewer(ctx, req.user!, idParam(req.params.id, 'booking'));
    const view = presenter(ctx)(booking);
    res.render('bookings/show', {
      title: booking.subject,
      booking: view,
      canChange: canChangeBooking(req.user!, booking) && isChangeable(booking.state) && !view.isPast,
      refresh: isAwaitingExchange(booking, ctx.clock.now()),
      live: isLive(booking, ctx.clock.now()),
      roomChecked: checkedAgo(reconciler?.roomCheckedAt(booking.roomId), ctx.clock.now()),
      exchangeNote: bookings.exchangeNote(ctx, booking),
      series: seriesSection(ctx, req.user!, booking),
      proposals: proposalsByEmail(ctx, booking, view.timeZone),
    });
  });

  /** GET /bookings/:id/status: the page's status region as JSON, for its script to poll (same access as the page). */
  router.get('/:id/status', ...pages.signedIn, (req, res) => {
    const booking = bookings.getBookingForViewer(ctx, req.user!, idParam(req.params.id, 'booking'));
    const now = ctx.clock.now();
    res.set('Cache-Control', 'no-store');
    const view = presenter(ctx)(booking);
    const answersRead = booking.exchangeMailbox
      ? answersReadText(reconciler?.answersReadAt?.(booking.exchangeMailbox), view.timeZone, ctx.config.reconcileIntervalSeconds)
      : null;
    res.json({ ...presentStatus(booking, view, reconciler?.roomCheckedAt(booking.roomId), now), answersRead });
  });

  /** GET /bookings/:id/edit */
  router.get('/:id/edit', ...pages.signedIn, async (req, res) => res.render('bookings/form', await formModel(req)));

  /** POST /bookings/:id */
  router.post('/:id', ...pages.signedIn, formPage('bookings/form', formModel), async (req, res) => {
    const id = idParam(req.params.id, 'booking');
    // A booking this user cannot see is a 404 before anything about the form is said.
    const seen = bookings.getBookingForViewer(ctx, req.user!, id);
    const scope = (req.body as Record<string, unknown>).scope;
    if (seen.seriesId && scope === 'series') {
      // The whole series: the same series updated (same UID, SEQUENCE+1); dates already past stay as they were.
      const from = nextChangeableDate(ctx, seen.seriesId, ctx.clock.now()) ?? id;
      const changed = await changeWholeSeries(ctx, req.user!, from, parseForm(BookingChangeForm, req.body));
      flash(req, 'success', t('series.flash.series_changed', { words: changed.words }));
      return res.redirect(303, `/bookings/${id}`);
    }
    if (seen.seriesId && scope === 'following') {
      // This and following: the series is split (old one ends, a new one starts here).
      const split = await changeFollowing(ctx, req.user!, id, parseForm(BookingChangeForm, req.body));
      flash(req, 'success', t('series.flash.split', { words: split.series.words }));
      return res.redirect(303, `/bookings/${split.booking.id}`);
    }
    if (seen.seriesId) {
      // One date of a series: Exchange gets an exception for that date only.
      await changeOccurrence(ctx, req.user!, id, parseForm(BookingChangeForm, req.body));
      flash(req, 'success', t('series.flash.date_changed'));
      return res.redirect(303, `/bookings/${id}`);
    }
    const { warnings } = await bookings.updateBooking(ctx, req.user!, id, parseForm(BookingChangeForm, req.body));
    flash(req, 'success', messages.updated);
    for (const w of warnings) flash(req, 'info', w);
    res.redirect(303, `/bookings/${id}`);
  });

  const cancelModel = (req: Request) => {
    const booking = bookings.getBookingForViewer(ctx, req.user!, idParam(req.params.id, 'booking'));
    return { title: t('booking.cancel_booking'), booking: presenter(ctx)(booking), action: `/bookings/${booking.id}/cancel` };
  };

  /** GET /bookings/:id/cancel: the confirmation page */
  router.get('/:id/cancel', ...pages.signedIn, (req, res) => res.render('bookings/cancel', cancelModel(req)));

  /** POST /bookings/:id/cancel */
  router.post('/:id/cancel', ...pages.signedIn, formPage('bookings/cancel', cancelModel), (req, res) => {
    const id = idParam(req.params.id, 'booking');
    const seen = bookings.getBookingForViewer(ctx, req.user!, id);
    const { message } = parseForm(CancelForm, req.body);
    const scope = (req.body as Record<string, unknown>).scope;
    if (seen.seriesId && scope === 'series') cancelWholeSeries(ctx, req.user!, id, message);
    else if (seen.seriesId && scope === 'following') cancelFollowing(ctx, req.user!, id);
    else if (seen.seriesId) cancelOccurrence(ctx, req.user!, id, message);
    else bookings.cancelBooking(ctx, req.user!, id, message);
    flash(req, 'success', messages.cancelled);
    res.redirect(303, `/bookings/${id}`);
  });

  return router;
}
