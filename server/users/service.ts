import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit, SYSTEM_ACTOR, type Actor } from '../audit/record.ts';
import { hashPassword } from './password.ts';
import type { Role } from './roles.ts';
import { FieldErrors, NotFoundError } from '../errors.ts';
import * as repo from './repo.ts';
import type { Locale } from '../i18n/catalog.ts';
import { t } from '../i18n/context.ts';

export type { User } from './repo.ts';

// Getters: the words are read per request, in the reader's language.
const messages = {
  get lastAdmin() {
    return t('users.last_admin');
  },
  get usernameTaken() {
    return t('users.username_taken');
  },
  get emailTaken() {
    return t('users.email_taken');
  },
};

type Ctx = Pick<AppContext, 'db' | 'clock'>;

export function getUser(ctx: Ctx, id: number): repo.User {
  const user = repo.findUserById(ctx.db, id);
  if (!user) throw new NotFoundError('user');
  return user;
}

export function findUser(ctx: Ctx, id: number): repo.User | undefined {
  return repo.findUserById(ctx.db, id);
}

export function listUsers(ctx: Ctx): repo.User[] {
  return repo.listUsers(ctx.db);
}

/** Saves the language a person chose with the switch (null: back to the browser's). */
export function setPreferredLocale(ctx: Ctx, id: number, locale: Locale | null): void {
  repo.updateUserLocale(ctx.db, id, locale);
}

export const toActor = (u: Pick<repo.User, 'id' | 'username'>): Actor => ({ id: u.id, username: u.username });

/** Changes a user's role and whether they may sign in; the last active admin cannot lock everyone out. */
export function setUserAccess(ctx: Ctx, actor: Actor, id: number, role: Role, active: boolean): repo.User {
  return ctx.db
    .transaction(() => {
      const before = getUser(ctx, id);
      if (before.role === role && before.active === active) return before;
      const losesAdmin = before.role === 'admin' && before.active && (role !== 'admin' || !active);
      if (losesAdmin && repo.countAdmins(ctx.db) <= 1) throw new FieldErrors({ role: messages.lastAdmin });
      repo.updateUserAccess(ctx.db, id, role, active);
      const after = getUser(ctx, id);
      recordAudit(ctx, actor, 'user.access_changed', { type: 'user', id }, pickAccess(before), pickAccess(after));
      return after;
    })
    .immediate();
}

const pickAccess = (u: repo.User) => ({ username: u.username, role: u.role, active: u.active });

export interface NewLocalUser {
  username: string;
  displayName: string;
  email: string;
  role: Role;
  password: string;
}

export async function createLocalUser(ctx: Ctx, actor: Actor, input: NewLocalUser): Promise<repo.User> {
  const passwordHash = await hashPassword(input.password); // outside the transaction: it takes ~50 ms
  return ctx.db
    .transaction(() => {
      const problems: Record<string, string> = {};
      if (repo.findCredentials(ctx.db, input.username)) problems.username = messages.usernameTaken;
      if (isEmailTaken(ctx, input.email)) problems.email = messages.emailTaken;
      if (Object.keys(problems).length) throw new FieldErrors(problems);
      const user = repo.insertUser(ctx.db, {
        username: input.username,
        displayName: input.displayName,
        email: input.email,
        passwordHash,
        role: input.role,
        source: 'local',
        createdAt: toDbTime(ctx.clock.now()),
      });
      recordAudit(ctx, actor, 'user.created', { type: 'user', id: user.id }, null, pickAccess(user));
      return user;
    })
    .immediate();
}

export function recordSignIn(ctx: Ctx, user: repo.User): void {
  repo.touchLastLogin(ctx.db, user.id, toDbTime(ctx.clock.now()));
}

/** Display names of the organisation's people, by lower-case address (for attendee lists). */
export function namesByEmail(ctx: Ctx, emails: string[]): Map<string, string> {
  return new Map(repo.findUsersByEmails(ctx.db, emails).map((u) => [u.email.toLowerCase(), u.displayName]));
}

export function findUserByUsername(ctx: Pick<Ctx, 'db'>, username: string): repo.User | undefined {
  return repo.findCredentials(ctx.db, username)?.user;
}

export function isEmailTaken(ctx: Pick<Ctx, 'db'>, email: string): boolean {
  return repo.findUsersByEmails(ctx.db, [email]).length > 0;
}

/** Creates the record of a Windows account on its first sign-in: role employee, no stored password. */
export function insertDomainUser(ctx: Ctx, input: { username: string; displayName: string; email: string; source: 'ntlm' | 'ldap' }): repo.User {
  const user = repo.insertUser(ctx.db, {
    ...input,
    passwordHash: null, // the domain checks the password; the app never stores one for these accounts
    role: 'employee',
    createdAt: toDbTime(ctx.clock.now()),
  });
  recordAudit(ctx, SYSTEM_ACTOR, 'user.created', { type: 'user', id: user.id }, null, { username: user.username, role: user.role, source: input.source });
  return user;
}

/**
 * A Windows account's name as the directory says it now (a marriage, a typo fixed in Active Directory): kept on the
 * record at each sign-in, so pages, schedules and invitations show it. Only the name: the address decides whose
 * mailbox the app's meetings were sent from, so a changed address stays an admin's decision. Audited.
 */
export function refreshDirectoryName(ctx: Ctx, user: repo.User, directoryName: string | undefined): repo.User {
  const name = directoryName?.trim();
  if (!name || name === user.displayName) return user;
  repo.updateDisplayName(ctx.db, user.id, name);
  recordAudit(ctx, SYSTEM_ACTOR, 'user.renamed_by_directory', { type: 'user', id: user.id }, { displayName: user.displayName }, { displayName: name });
  return getUser(ctx, user.id);
}

/** The user and their password hash, for local sign-in only. */
export function findCredentials(ctx: Pick<Ctx, 'db'>, username: string): { user: repo.User; passwordHash: string | null } | undefined {
  return repo.findCredentials(ctx.db, username);
}
