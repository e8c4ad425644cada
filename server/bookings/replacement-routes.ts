import { Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError, ConflictError, SlotTakenError } from '../errors.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { checkbox, integer, text } from '../http/fields.ts';
import { parseForm } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import { toActor } from '../users/service.ts';
import { getRoom } from '../rooms/service.ts';
import { buildingSettings, messages, replacementView, replaceRoom, setBuildingAutoReplace } from './replacement.ts';
import * as bookings from './service.ts';
import { t } from '../i18n/context.ts';

const ReplaceForm = z.object({ roomId: integer('field.room', 1, Number.MAX_SAFE_INTEGER) });
const BuildingForm = z.object({ building: text('field.building', 80), autoReplace: checkbox });

/** What the booking page needs of the reconciler (handed in by app.ts): when it last read an organizer's answers. */
type AnswerReads = { answersReadAt(mailbox: string): DateTime | undefined };

/** "last read at 10:42" (in the booking's zone) for the attendees' answers; null when not read since start. */
export function answersReadText(readAt: DateTime | undefined, zone: string, intervalSeconds: number): string {
  const every =
    intervalSeconds > 0
      ? t('replace.read_every', {
          every: intervalSeconds < 120 ? t('duration.seconds', { n: intervalSeconds }) : t('duration.minutes', { n: Math.round(intervalSeconds / 60) }),
        })
      : '';
  if (!readAt) return `${t('replace.not_read')}${every}`;
  return `${t('replace.last_read', { time: readAt.setZone(zone).toFormat('HH:mm:ss') })}${every}`;
}

/**
 * Replacement rooms on the booking page (issue 12). Mounted on /bookings before the booking routes: GET /:id only
 * adds `replacements` and `answersRead` to the page's locals (views/bookings/_replacements.ejs shows them) and passes
 * on; POST /:id/replace is the organizer's one click.
 */
export function replacementRoutes(ctx: AppContext, reconciler?: AnswerReads): Router {
  const router = Router();

  router.get('/:id', async (req, res, next) => {
    const user = req.user;
    if (!user || !/^[1-9]\d{0,15}$/.test(req.params.id)) return next();
    const booking = bookings.getBooking(ctx, Number(req.params.id));
    // The booking routes answer 404 for a booking this viewer may not see; say nothing here.
    try {
      if (booking) bookings.getBookingForViewer(ctx, user, booking.id);
      else return next();
    } catch {
      return next();
    }
    const zone = getRoom(ctx, booking.roomId).timeZone;
    res.locals.answersRead = booking.exchangeMailbox
      ? answersReadText(reconciler?.answersReadAt(booking.exchangeMailbox), zone, ctx.config.reconcileIntervalSeconds)
      : null;
    res.locals.replacements = await replacementView(ctx, user, booking);
    next();
  });

  /** POST /bookings/:id/replace: move the meeting to one of the offered rooms. */
  router.post('/:id/replace', ...pages.signedIn, async (req, res) => {
    const id = idParam(req.params.id, 'booking');
    bookings.getBookingForViewer(ctx, req.user!, id);
    const { roomId } = parseForm(ReplaceForm, req.body);
    try {
      const { from, to } = await replaceRoom(ctx, req.user!, id, roomId);
      flash(req, 'success', messages.moved(from.name, to.name));
    } catch (err) {
      // Taken since the page was shown, or the booking moved on: the page says so and offers what is free now.
      if (!(err instanceof SlotTakenError || err instanceof ConflictError)) throw err;
      flash(req, 'error', err instanceof SlotTakenError ? messages.notOffered(err.roomName) : err.message);
    }
    res.redirect(303, `/bookings/${id}`);
  });

  return router;
}

/** /admin/buildings: per building, whether declined meetings move to a free room automatically. */
export function adminBuildingRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/buildings', ...pages.admin, (_req, res) => {
    res.render('admin/buildings', { title: 'Buildings', buildings: buildingSettings(ctx) });
  });

  router.post('/buildings', ...pages.admin, (req, res) => {
    const { building, autoReplace } = parseForm(BuildingForm, req.body);
    const known = buildingSettings(ctx).find((b) => b.building.toLowerCase() === building.toLowerCase());
    if (!known) throw new AppError(404, 'not_found', t('replace.no_building'));
    setBuildingAutoReplace(ctx, toActor(req.user!), known.building, autoReplace);
    flash(
      req,
      'success',
      autoReplace
        ? `${known.building}: when a room declines a meeting, the app moves it to a free room automatically.`
        : `${known.building}: declined meetings are no longer moved automatically; organizers are offered free rooms.`,
    );
    res.redirect(303, '/admin/buildings');
  });

  return router;
}
