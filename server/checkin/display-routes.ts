// Door-display actions over HTTP. Mounted before sessions with the other device routes: a device token signs in, and
// a form secret bound to the token (display.ts formSecret) stands in for the session's CSRF token.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { FieldErrors, ForbiddenError, SlotTakenError } from '../errors.ts';
import { idParam } from '../http/params.ts';
import { authenticateToken, roomForToken } from '../schedule/tokens.ts';
import { availableActions, bookNow, checkInAtDoor, DisplayActionRefused, endEarly, extend, formSecret, formSecretOk } from './display.ts';
import { CheckinRefused } from './service.ts';
import { t } from '../i18n/context.ts';

function tokenOf(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return typeof req.query.token === 'string' ? req.query.token : undefined;
}

const ActionForm = z.object({
  action: z.enum(['book', 'extend', 'end', 'checkin']),
  minutes: z.coerce.number().int().optional(),
  bookingId: z.coerce.number().int().positive().optional(),
  personId: z.coerce.number().int().positive().optional(),
});

/** What the display says after an action (codes in the URL, words here: nothing typed is ever echoed back). */
export const SAID: Record<string, string> = {
  booked: 'display.said.booked',
  extended: 'display.said.extended',
  ended: 'display.said.ended',
  'checked-in': 'display.said.checked_in',
  refused: 'display.said.refused',
};

export function displayActionRoutes(ctx: AppContext): Router {
  const router = Router();
  const secret = ctx.config.sessionSecret;

  /** The display page's buttons (views/checkin/_display-actions.ejs reads res.locals.displayActions). */
  router.get('/display/:alias', (req: Request, res: Response, next) => {
    try {
      // A faked ?now (tests, demos) shows the display at another time; actions always happen now, so none are offered.
      if (req.query.now === undefined) {
        const raw = tokenOf(req);
        const token = authenticateToken(ctx, raw);
        const room = roomForToken(ctx, token, String(req.params.alias));
        const actions = availableActions(ctx, token, room, ctx.clock.now());
        const saidKey = typeof req.query.said === 'string' && Object.hasOwn(SAID, req.query.said) ? SAID[req.query.said] : undefined;
        // In the display's language (the token's): device-routes runs the request in it.
        const said = saidKey ? t(saidKey) : undefined;
        res.locals.displayActions = {
          ...actions,
          formSecret: formSecret(secret, token, room.alias),
          actionUrl: `/display/${encodeURIComponent(room.alias)}/act?token=${encodeURIComponent(raw ?? '')}`,
          said: said ?? null,
          refused: req.query.said === 'refused',
        };
      }
    } catch {
      // The display route itself answers a bad token or room.
    }
    next();
  });

  /** POST /display/:alias/act?token=: one action; back to the display with what happened. */
  router.post('/display/:alias/act', async (req: Request, res: Response) => {
    const raw = tokenOf(req);
    const token = authenticateToken(ctx, raw);
    const room = roomForToken(ctx, token, String(req.params.alias));
    res.set('Cache-Control', 'private, no-store');
    const body = req.body as Record<string, unknown> | undefined;
    if (!formSecretOk(secret, token, room.alias, body?.formSecret)) throw new ForbiddenError(t('display.out_of_date'));
    const form = ActionForm.parse(body);
    const back = (said: string) => res.redirect(303, `/display/${encodeURIComponent(room.alias)}?token=${encodeURIComponent(raw ?? '')}&said=${said}`);
    const bookingId = () => form.bookingId ?? idParam(undefined, 'booking');
    try {
      if (form.action === 'book') {
        await bookNow(ctx, token, room, form.minutes ?? 0, form.personId);
        return back('booked');
      }
      if (form.action === 'extend') {
        extend(ctx, token, room, bookingId(), form.minutes ?? 0);
        return back('extended');
      }
      if (form.action === 'end') {
        endEarly(ctx, token, room, bookingId());
        return back('ended');
      }
      checkInAtDoor(ctx, token, room, bookingId());
      return back('checked-in');
    } catch (error) {
      // The room's day changed between the page and the touch (someone booked in Outlook, the meeting ended): say so.
      if (error instanceof DisplayActionRefused || error instanceof CheckinRefused || error instanceof SlotTakenError || error instanceof FieldErrors) {
        ctx.log.info(
          { event: 'display.action_refused', token: token.id, room: room.alias, action: form.action, error: error.message },
          'display action refused',
        );
        return back('refused');
      }
      throw error;
    }
  });

  return router;
}
