import type { IncomingMessage } from 'node:http';
import LdapStrategy from 'passport-ldapauth';
import type { User } from '../users/service.ts';
import type { LdapConfig } from './auth-config.ts';
import { ldapAuthOptions } from './directory.ts';

/** Form fields of the directory sign-in form (distinct from the local form's, both can be on one page). */
export const DIRECTORY_FIELDS = { username: 'domainUsername', password: 'domainPassword' } as const;

/** The directory entry attributes the app reads; nothing else is fetched. */
interface DirectoryEntry {
  sAMAccountName?: string;
  displayName?: string;
  mail?: string;
}

export type VerifyDirectoryUser = (account: { user: string; displayName?: string | undefined; email?: string | undefined }) => User | null;

/**
 * The name typed in the form as the directory knows it: `CORP\carol` and `carol` both become `carol`;
 * a name from another domain becomes '' so it fails like an unknown user.
 */
export function directoryUsername(typed: unknown, domain: string): string {
  if (typeof typed !== 'string') return '';
  const name = typed.trim();
  const slash = name.indexOf('\\');
  if (slash < 0) return name;
  return name.slice(0, slash).toUpperCase() === domain ? name.slice(slash + 1) : '';
}

/** Form sign-in against Active Directory over LDAPS: the service account searches, the user binds. */
export function ldapStrategy(config: LdapConfig, domain: string, verify: VerifyDirectoryUser): LdapStrategy {
  return new LdapStrategy(
    {
      server: ldapAuthOptions(config),
      credentialsLookup: (req: IncomingMessage) => {
        const body = (req as IncomingMessage & { body?: Record<string, unknown> }).body ?? {};
        const password = body[DIRECTORY_FIELDS.password];
        return { username: directoryUsername(body[DIRECTORY_FIELDS.username], domain), password: typeof password === 'string' ? password : '' };
      },
      missingCredentialsStatus: 401,
    } as LdapStrategy.Options,
    (entry: DirectoryEntry, done: LdapStrategy.VerifyDoneCallback) => {
      try {
        const user = verify({ user: String(entry.sAMAccountName ?? '').toLowerCase(), displayName: entry.displayName, email: entry.mail });
        done(null, user ?? false, user ? undefined : { message: 'disabled in the app' });
      } catch (err) {
        done(err);
      }
    },
  );
}
