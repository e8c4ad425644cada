import { Router, type NextFunction, type Request, type Response } from 'express';
import type passport from 'passport';
import type { AppContext } from '../context.ts';
import { FieldErrors, TooManyRequestsError } from '../errors.ts';
import { flash } from '../http/flash.ts';
import { formPage } from '../http/form.ts';
import { FailureLimiter } from '../http/rate-limit.ts';
import type { User } from '../users/service.ts';
import { SIGN_IN_FAILED } from './local.ts';
import { loginPage, windowsRoutes } from './windows-routes.ts';

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

/** What one strategy decided: a user, or a failure with its info and status. */
export interface StrategyOutcome {
  user: User | null;
  info: unknown;
  status: number | undefined;
}

export function runStrategy(instance: passport.Authenticator, name: string, req: Request, res: Response, next: NextFunction): Promise<StrategyOutcome> {
  return new Promise((resolve, reject) => {
    instance.authenticate(name, { session: false }, (err: unknown, user: User | false, info: unknown, status: number | undefined) => {
      if (err) reject(err);
      else resolve({ user: user || null, info, status });
    })(req, res, next);
  });
}

export function logIn(req: Request, user: User): Promise<void> {
  // passport >= 0.6 regenerates the session id here, so a fixated id never carries a signed-in user.
  return new Promise((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
}

/** Wrong-password throttling shared by the local and the directory form. */
export class SignInThrottle {
  private readonly perAccount = new FailureLimiter(ACCOUNT_LIMIT.max, ACCOUNT_LIMIT.windowMs);
  private readonly perAddress = new FailureLimiter(ADDRESS_LIMIT.max, ADDRESS_LIMIT.windowMs);

  /** Throws 429 while the account or the address is blocked. */
  check(req: Request, accountKey: string): void {
    const wait = Math.max(this.perAccount.retryAfterSeconds(accountKey), this.perAddress.retryAfterSeconds(this.addressKey(req)));
    if (wait > 0) throw new TooManyRequestsError(messages.tooMany(wait), wait);
  }

  fail(req: Request, accountKey: string): void {
    this.perAccount.fail(accountKey);
    this.perAddress.fail(this.addressKey(req));
  }

  succeed(accountKey: string): void {
    this.perAccount.reset(accountKey);
  }

  private addressKey(req: Request): string {
    return `a:${req.ip ?? 'unknown'}`;
  }
}

export function authRoutes(ctx: AppContext, instance: passport.Authenticator): Router {
  const router = Router();
  const throttle = new SignInThrottle();
  const { modes } = ctx.config.auth;
  const page = () => loginPage(ctx.config.auth);

  /** GET /login */
  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    // Single sign-on is tried first, once: after a sign-out or a failed attempt the page itself is shown.
    if (modes.includes('ntlm') && !req.session.skipSso && req.query.sso !== 'off') return res.redirect(303, '/login/windows');
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
        throw new FieldErrors({ _form: SIGN_IN_FAILED }, 401);
      }
      throttle.succeed(accountKey);
      const returnTo = safeReturnTo(req.session.returnTo);
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
