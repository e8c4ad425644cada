import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/record.ts';
import { AppError } from '../errors.ts';
import * as usersRepo from '../users/repo.ts';
import { recordSignIn, type User } from '../users/service.ts';

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
    super(409, 'account_conflict', 'Another Roombook account already uses your e-mail address. Ask the IT service desk to link your Windows account.');
  }
}

/** The app's user name for a domain account: `domain\user`, lower case, so NTLM and LDAPS find the same record. */
export const domainUsername = (a: Pick<DomainAccount, 'domain' | 'user'>) => `${a.domain}\\${a.user}`.toLowerCase();

export const emailFromPattern = (pattern: string, user: string) => pattern.replace('{user}', user.toLowerCase());

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
      const found = usersRepo.findCredentials(ctx.db, username)?.user;
      if (found) return found;
      const email = account.email || (emailPattern ? emailFromPattern(emailPattern, account.user) : `${account.user}@${account.domain}`.toLowerCase());
      if (usersRepo.listUsers(ctx.db).some((u) => u.email.toLowerCase() === email.toLowerCase())) throw new DomainAccountConflictError();
      const created = usersRepo.insertUser(ctx.db, {
        username,
        displayName: account.displayName?.trim() || account.user,
        email,
        passwordHash: null, // the domain checks the password; the app never stores one for these accounts
        role: 'employee',
        source,
        createdAt: toDbTime(ctx.clock.now()),
      });
      recordAudit(ctx, SYSTEM_ACTOR, 'user.created', { type: 'user', id: created.id }, null, { username, role: created.role, source });
      return created;
    })
    .immediate();
  if (!user.active) return null;
  recordSignIn(ctx, user);
  return user;
}
