import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { findUser, findUserByUsername, insertDomainUser, isEmailTaken, recordSignIn, refreshDirectoryName, type User } from '../users/service.ts';
import { t } from '../i18n/context.ts';

/** A Windows account the domain controller vouched for (NTLM) or the directory bound (LDAPS). */
export interface DomainAccount {
  /** NetBIOS domain, e.g. CORP. */
  domain: string;
  /** sAMAccountName, e.g. carol. */
  user: string;
  displayName?: string | undefined;
  email?: string | undefined;
}

/** The account's address is already someone else's: an admin must sort it out; never merge accounts silently. */
export class DomainAccountConflictError extends AppError {
  constructor() {
    super(409, 'account_conflict', t('auth.account_conflict'));
  }
}

/** Neither the directory nor AUTH_EMAIL_PATTERN gives the account an address: invitations could not reach them. */
export class DomainAccountWithoutEmailError extends AppError {
  constructor() {
    super(403, 'no_email', t('auth.no_email'));
  }
}

/** The app's user name for a domain account: `domain\user`, lower case, so NTLM and LDAPS find the same record. */
export const domainUsername = (a: Pick<DomainAccount, 'domain' | 'user'>) => `${a.domain}\\${a.user}`.toLowerCase();

export const emailFromPattern = (pattern: string, user: string) => pattern.replace('{user}', user.toLowerCase());

/** Whether the domain account signed in before (its user record exists). */
export function hasDomainUser(ctx: Pick<AppContext, 'db'>, account: Pick<DomainAccount, 'domain' | 'user'>): boolean {
  return findUserByUsername(ctx, domainUsername(account)) !== undefined;
}

/**
 * Finds the user record of a domain account, creating it (role employee) on the first sign-in.
 * Returns null when an admin disabled the user in the app.
 */
export function signInDomainUser(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  account: DomainAccount,
  source: 'ntlm' | 'ldap',
  emailPattern: string | null,
): User | null {
  const username = domainUsername(account);
  const user = ctx.db
    .transaction(() => {
      const found = findUserByUsername(ctx, username);
      // The directory's name when it answered (a lookup that timed out gives none: the record keeps its name).
      if (found) return refreshDirectoryName(ctx, found, account.displayName);
      const email = account.email || (emailPattern ? emailFromPattern(emailPattern, account.user) : null);
      if (!email) throw new DomainAccountWithoutEmailError();
      if (isEmailTaken(ctx, email)) throw new DomainAccountConflictError();
      const created = insertDomainUser(ctx, { username, displayName: account.displayName?.trim() || account.user, email, source });
      return created;
    })
    .immediate();
  if (!user.active) return null;
  recordSignIn(ctx, user);
  return user;
}

/** After an NTLM sign-in: the record takes the directory's current name (none when the lookup failed: no change). */
export function refreshDomainUserName(ctx: Pick<AppContext, 'db' | 'clock'>, userId: number, directoryName: string | undefined): void {
  const user = findUser(ctx, userId);
  if (user) refreshDirectoryName(ctx, user, directoryName);
}
