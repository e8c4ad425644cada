import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { BadRequestError } from '../errors.ts';
import { safeReturnTo } from '../auth/sign-in.ts';
import { setPreferredLocale } from '../users/service.ts';
import { isLocale } from './catalog.ts';
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE_MS } from './middleware.ts';
import { t } from './context.ts';

/** POST /locale: the language switch in the header and on the account page. */
export function localeRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/locale', (req, res) => {
    const body = req.body as { locale?: unknown; returnTo?: unknown };
    if (!isLocale(body.locale)) throw new BadRequestError(t('error.locale_unknown'));
    // Signed in: saved on the account, so it follows the person to other browsers; the cookie keeps it after sign-out.
    if (req.user) {
      setPreferredLocale(ctx, req.user.id, body.locale);
      req.user.locale = body.locale;
    }
    res.cookie(LOCALE_COOKIE, body.locale, { httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: LOCALE_COOKIE_MAX_AGE_MS, path: '/' });
    res.redirect(303, safeReturnTo(body.returnTo));
  });
  return router;
}
