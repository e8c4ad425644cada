import { Router } from 'express';
import type passport from 'passport';
import type { AppContext } from '../context.ts';
import { FieldErrors } from '../errors.ts';
import { flash } from '../http/flash.ts';
import { formPage } from '../http/form.ts';
import { takeReturnTo } from '../http/return-to.ts';
import { signInFailed } from './local.ts';
import { logIn, runStrategy, safeReturnTo, SignInThrottle } from './sign-in.ts';
import { loginPage, windowsRoutes } from './windows-routes.ts';
import { t } from '../i18n/context.ts';

export { safeReturnTo } from './sign-in.ts';

const messages = {
  get signedOut() {
    return t('auth.signed_out');
  },
};

export function authRoutes(ctx: AppContext, instance: passport.Authenticator): Router {
  const router = Router();
  const throttle = new SignInThrottle();
  const { modes } = ctx.config.auth;
  const page = () => loginPage(ctx.config.auth);

  /** GET /login */
  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    // Single sign-on is tried first, once: after a sign-out or a failed attempt the page itself is shown.
    if (modes.includes('ntlm') && !req.session.skipSso) return res.redirect(303, '/login/windows');
    res.render('auth/login', page());
  });

  router.use(windowsRoutes(ctx, instance, throttle));

  /** POST /login (local accounts) */
  if (modes.includes('local')) {
    router.post('/login', formPage('auth/login', page), async (req, res, next) => {
      const body = req.body as Record<string, unknown>;
      const username = typeof body.username === 'string' ? body.username.trim().toLowerCase() : '';
      const accountKey = `u:${username}`;
      throttle.check(req, accountKey);

      const { user } = await runStrategy(instance, 'local', req, res, next);
      if (!user) {
        throttle.fail(req, accountKey);
        req.log?.info({ event: 'auth.sign_in_failed', username, method: 'local' }, 'sign-in failed');
        throw new FieldErrors({ _form: signInFailed() }, 401);
      }
      throttle.succeed(accountKey);
      const returnTo = safeReturnTo(takeReturnTo(req, res));
      await logIn(req, user);
      req.log?.info({ event: 'auth.signed_in', userId: user.id, method: 'local' }, 'signed in');
      res.redirect(303, returnTo);
    });
  }

  /** POST /logout */
  router.post('/logout', (req, res, next) => {
    const userId = req.user?.id;
    req.logout((err) => {
      if (err) return next(err);
      req.log?.info({ event: 'auth.signed_out', userId }, 'signed out');
      flash(req, 'info', messages.signedOut);
      // CASE: without this, single sign-on would sign the person straight back in on the sign-in page.
      req.session.skipSso = true;
      res.redirect(303, '/login');
    });
  });

  return router;
}
