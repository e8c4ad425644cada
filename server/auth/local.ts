import { Strategy as LocalStrategy } from 'passport-local';
import type { AppContext } from '../context.ts';
import { findCredentials, recordSignIn, type User } from '../users/service.ts';
import { burnPasswordCheck, verifyPassword } from '../users/password.ts';

export const SIGN_IN_FAILED = 'The user name or password is incorrect.';

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
      (user) => done(null, user ?? false, user ? undefined : { message: SIGN_IN_FAILED }),
      (err: unknown) => done(err),
    );
  });
}
