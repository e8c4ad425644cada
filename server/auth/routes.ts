import { Router, type NextFunction, type Request, type Response } from 'express';
import type passport from 'passport';
import type { AppContext } from '../context.ts';
import { FieldErrors, TooManyRequestsError } from '../errors.ts';
import { flash } from '../http/flash.ts';
import { formPage } from '../http/form.ts';
import { FailureLimiter } from '../http/rate-limit.ts';
import type { User } from '../users/service.ts';
import { SIGN_IN_FAILED } from './local.ts';

const messages = {
  tooMany: (s: number) => `Too many failed sign-in attempts. Try again in ${Math.ceil(s / 60)} minute${s > 60 ? 's' : ''}.`,
  signedOut: 'You have signed out.',
};

// Five wrong passwords per account, or thirty per address, within 15 minutes block further tries for the window.
const ACCOUNT_LIMIT = { max: 5, windowMs: 15 * 60_000 };
const ADDRESS_LIMIT = { max: 30, windowMs: 15 * 60_000 };

/** Only local paths are followed after sign-in, so the form cannot be used as an open redirect. */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/';
}

function authenticate(instance: passport.Authenticator, req: Request, res: Response, next: NextFunction): Promise<User | null> {
  return new Promise((resolve, reject) => {
    instance.authenticate('local', { session: false }, (err: unknown, user: User | false) => {
      if (err) reject(err);
      else resolve(user || null);
    })(req, res, next);
  });
}

function logIn(req: Request, user: User): Promise<void> {
  // passport >= 0.6 regenerates the session id here, so a fixated id never carries a signed-in user.
  return new Promise((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
}

export function authRoutes(_ctx: AppContext, instance: passport.Authenticator): Router {
  const router = Router();
  const perAccount = new FailureLimiter(ACCOUNT_LIMIT.max, ACCOUNT_LIMIT.windowMs);
  const perAddress = new FailureLimiter(ADDRESS_LIMIT.max, ADDRESS_LIMIT.windowMs);
  const loginPage = () => ({ title: 'Sign in' });

  /** GET /login */
  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    res.render('auth/login', loginPage());
  });

  /** POST /login */
  router.post('/login', formPage('auth/login', loginPage), async (req, res, next) => {
    const body = req.body as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim().toLowerCase() : '';
    const accountKey = `u:${username}`;
    const addressKey = `a:${req.ip ?? 'unknown'}`;
    const wait = Math.max(perAccount.retryAfterSeconds(accountKey), perAddress.retryAfterSeconds(addressKey));
    if (wait > 0) throw new TooManyRequestsError(messages.tooMany(wait), wait);

    const user = await authenticate(instance, req, res, next);
    if (!user) {
      perAccount.fail(accountKey);
      perAddress.fail(addressKey);
      req.log?.info({ event: 'auth.sign_in_failed', username }, 'sign-in failed');
      throw new FieldErrors({ _form: SIGN_IN_FAILED }, 401);
    }
    perAccount.reset(accountKey);
    const returnTo = safeReturnTo(req.session.returnTo);
    await logIn(req, user);
    req.log?.info({ event: 'auth.signed_in', userId: user.id, method: 'local' }, 'signed in');
    res.redirect(303, returnTo);
  });

  /** POST /logout */
  router.post('/logout', (req, res, next) => {
    const userId = req.user?.id;
    req.logout((err) => {
      if (err) return next(err);
      req.log?.info({ event: 'auth.signed_out', userId }, 'signed out');
      flash(req, 'info', messages.signedOut);
      res.redirect(303, '/login');
    });
  });

  return router;
}
