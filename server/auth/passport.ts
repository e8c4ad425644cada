import passport from 'passport';
import type { AppContext } from '../context.ts';
import { findUser, type User as AppUser } from '../users/service.ts';
import { localStrategy } from './local.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport puts the signed-in account on req.user; it is the app's own user record.
    interface User extends AppUser {}
  }
}

/**
 * Builds the passport instance with every enabled sign-in method. Local sign-in is the first strategy;
 * Windows sign-on (NTLM, LDAPS) registers beside it the same way.
 */
export function createPassport(ctx: Pick<AppContext, 'db' | 'clock'>): passport.Authenticator {
  const instance = new passport.Passport();
  instance.use('local', localStrategy(ctx));
  instance.serializeUser((user, done) => done(null, user.id));
  instance.deserializeUser((id: unknown, done) => {
    // A user disabled while signed in loses the session on their next request.
    const user = typeof id === 'number' ? findUser(ctx, id) : undefined;
    done(null, user?.active ? user : false);
  });
  return instance;
}
