import { Strategy as LocalStrategy } from 'passport-local';
import type { AppContext } from '../context.ts';
import { findCredentials, recordSignIn, type User } from '../users/service.ts';
import { burnPasswordCheck, verifyPassword } from '../users/password.ts';
import { t } from '../i18n/context.ts';

/** One answer for every wrong sign-in, in the request's language. */
export const signInFailed = (): string => t('auth.sign_in_failed');

/** Checks a local account's password; unknown, disabled and domain-only accounts all fail the same way. */
export async function authenticateLocal(ctx: Pick<AppContext, 'db' | 'clock'>, username: string, password: string): Promise<User | null> {
  const found = username && password ? findCredentials(ctx, username.trim()) : undefined;
  if (!found?.passwordHash) {
    await burnPasswordCheck(password);
    return null;
  }
  const ok = await verifyPassword(password, found.passwordHash);
  if (!ok || !found.user.active) return null;
  recordSignIn(ctx, found.user);
  return found.user;
}

export function localStrategy(ctx: Pick<AppContext, 'db' | 'clock'>): LocalStrategy {
  return new LocalStrategy({ usernameField: 'username', passwordField: 'password' }, (username, password, done) => {
    authenticateLocal(ctx, username, password).then(
      (user) => done(null, user ?? false, user ? undefined : { message: signInFailed() }),
      (err: unknown) => done(err),
    );
  });
}
