import type { NextFunction, Request, Response } from 'express';
import type passport from 'passport';
import { TooManyRequestsError } from '../errors.ts';
import { FailureLimiter } from '../http/rate-limit.ts';
import type { User } from '../users/service.ts';
import { t } from '../i18n/context.ts';

// Shared by every sign-in route: run a strategy, start the session, throttle wrong passwords, follow returnTo.

const tooMany = (s: number) => t('auth.too_many', { minutes: Math.ceil(s / 60) });

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
    if (wait > 0) throw new TooManyRequestsError(tooMany(wait), wait);
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
