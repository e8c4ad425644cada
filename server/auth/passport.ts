import passport from 'passport';
import type { AppContext } from '../context.ts';
import { findUser, type User as AppUser } from '../users/service.ts';
import { lookUpProfile } from './directory.ts';
import { hasDomainUser, refreshDomainUserName, signInDomainUser } from './domain-user.ts';
import { ldapStrategy } from './ldap.ts';
import { localStrategy } from './local.ts';
import { NtlmStrategy, SignOnUnavailableError } from './ntlm.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport puts the signed-in account on req.user; it is the app's own user record.
    interface User extends AppUser {}
  }
}

/** Builds the passport instance with every sign-in method AUTH_MODE enables: `local`, `ntlm`, `ldapauth`. */
export function createPassport(ctx: Pick<AppContext, 'db' | 'clock' | 'config' | 'log'>): passport.Authenticator {
  const instance = new passport.Passport();
  const { modes, domain, emailPattern, ntlm, ldap } = ctx.config.auth;
  if (modes.includes('local')) instance.use('local', localStrategy(ctx));
  if (ntlm && domain) {
    // NTLM names the account only: on the first sign-in, name and address come from the directory when one is set up.
    const verify = async (account: { domain: string; user: string }) => {
      if (!ldap) return signInDomainUser(ctx, account, 'ntlm', emailPattern);
      if (hasDomainUser(ctx, account)) {
        const user = signInDomainUser(ctx, account, 'ntlm', emailPattern);
        // The name as the directory says it now, for the next page: looked up after the sign-in, never before it (a
        // known account needs nothing from the directory to sign in, and a slow directory must not slow sign-ins).
        if (user)
          void lookUpProfile(ldap, account.user)
            .then((profile) => refreshDomainUserName(ctx, user.id, profile?.displayName))
            .catch((err: unknown) => ctx.log.warn({ err, event: 'auth.directory_name_refresh_failed' }, 'directory name not refreshed'));
        return user;
      }
      const profile = await lookUpProfile(ldap, account.user);
      // CASE: without the directory's answer and without a pattern there is no address to create the user with.
      if (!profile && !emailPattern) throw new SignOnUnavailableError('directory lookup failed');
      return signInDomainUser(ctx, { ...account, ...profile }, 'ntlm', emailPattern);
    };
    instance.use('ntlm', new NtlmStrategy(ntlm, domain, verify, ctx.log.child({ area: 'auth' })));
  }
  if (modes.includes('ldap') && ldap && domain) {
    instance.use(
      'ldapauth',
      ldapStrategy(ldap, domain, (account) => signInDomainUser(ctx, { domain, ...account }, 'ldap', emailPattern)),
    );
  }
  instance.serializeUser((user, done) => done(null, user.id));
  instance.deserializeUser((id: unknown, done) => {
    // A user disabled while signed in loses the session on their next request.
    const user = typeof id === 'number' ? findUser(ctx, id) : undefined;
    done(null, user?.active ? user : false);
  });
  return instance;
}
