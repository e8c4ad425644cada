import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { formPage, parseForm } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import { listAllRooms } from '../rooms/service.ts';
import { toActor } from '../users/service.ts';
import { roomChoices } from './displays-present.ts';
import { TokenForm } from './schema.ts';
import { createDeviceToken, listDeviceTokens, revokeDeviceToken } from './tokens.ts';
import { t } from '../i18n/context.ts';
import { LOCALE_NAMES } from '../i18n/catalog.ts';

const messages = {
  revoked: (label: string) => t('displays.flash.revoked', { label }),
};

/** Display and feed tokens under /admin/displays (admins only). */
export function adminDisplayRoutes(ctx: AppContext): Router {
  const router = Router();

  const listModel = (req?: Request) => {
    const rooms = listAllRooms(ctx);
    const names = new Map(rooms.map((r) => [r.id, r.name]));
    return {
      title: t('displays.title'),
      rooms: roomChoices(rooms, (req?.body as { roomIds?: unknown } | undefined)?.roomIds),
      tokens: listDeviceTokens(ctx).map((tok) => ({
        ...tok,
        roomNames: tok.roomIds.map((id) => names.get(id) ?? `#${id}`).join(', '),
        localeName: tok.locale ? LOCALE_NAMES[tok.locale] : t('displays.language_default'),
      })),
      values: { showSubjects: '', locale: '' },
    };
  };

  /** GET /admin/displays */
  router.get('/displays', ...pages.admin, (_req, res) => res.render('admin/displays', listModel()));

  /** POST /admin/displays: creates a token and shows its secret once (never stored, so never shown again) */
  router.post('/displays', ...pages.admin, formPage('admin/displays', listModel), (req: Request, res) => {
    const input = parseForm(TokenForm, req.body);
    const { token, secret } = createDeviceToken(ctx, toActor(req.user!), input);
    const origin = `${req.protocol}://${req.get('host')}`;
    const rooms = listAllRooms(ctx).filter((r) => token.roomIds.includes(r.id));
    const q = `token=${encodeURIComponent(secret)}`;
    res.set('Cache-Control', 'no-store');
    res.status(201).render('admin/display-created', {
      title: t('displays.created_title'),
      token,
      secret,
      apiRooms: `${origin}/api/rooms?${q}`,
      links: rooms.map((r) => ({
        name: r.name,
        display: `${origin}/display/${encodeURIComponent(r.alias)}?${q}`,
        feed: `${origin}/feeds/rooms/${encodeURIComponent(r.alias)}.ics?${q}`,
        api: `${origin}/api/rooms/${encodeURIComponent(r.alias)}/bookings?${q}`,
      })),
    });
  });

  /** POST /admin/displays/:id/revoke */
  router.post('/displays/:id/revoke', ...pages.admin, (req, res) => {
    const token = revokeDeviceToken(ctx, toActor(req.user!), idParam(req.params.id, 'token'));
    flash(req, 'success', messages.revoked(token.label));
    res.redirect(303, '/admin/displays');
  });

  return router;
}
