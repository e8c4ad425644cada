import type { Db } from '../db/connection.ts';
import type { Role } from './roles.ts';
import { isLocale, type Locale } from '../i18n/catalog.ts';
import { usersSql } from './sql-dialect.ts';

export interface User {
  id: number;
  username: string;
  displayName: string;
  email: string;
  role: Role;
  source: 'local' | 'ntlm' | 'ldap';
  active: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  /** Chosen language (migration 0012); null = the browser's, then DEFAULT_LOCALE. */
  locale: Locale | null;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  email: string;
  password_hash: string | null;
  role: Role;
  source: User['source'];
  active: number;
  created_at: string;
  last_login_at: string | null;
  locale: string | null;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  email: r.email,
  role: r.role,
  source: r.source,
  active: r.active === 1,
  createdAt: r.created_at,
  lastLoginAt: r.last_login_at,
  locale: isLocale(r.locale) ? r.locale : null,
});

// Prepared once per connection: every signed-in request reads its user, and preparing cost more than the lookup
// (4 % of a cached day view's CPU, issue 13).
const byIdStatements = new WeakMap<Db, ReturnType<typeof prepareById>>();
const prepareById = (db: Db) => db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?');

export function findUserById(db: Db, id: number): User | undefined {
  let stmt = byIdStatements.get(db);
  if (!stmt) byIdStatements.set(db, (stmt = prepareById(db)));
  const row = stmt.get(id);
  return row && toUser(row);
}

/** The user and their password hash, for local sign-in only. */
export function findCredentials(db: Db, username: string): { user: User; passwordHash: string | null } | undefined {
  const row = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?').get(username);
  return row && { user: toUser(row), passwordHash: row.password_hash };
}

export function listUsers(db: Db): User[] {
  return db
    .prepare<[], UserRow>(`SELECT * FROM users ORDER BY ${usersSql(db).caseless('display_name')}`)
    .all()
    .map(toUser);
}

export interface NewUser {
  username: string;
  displayName: string;
  email: string;
  passwordHash: string | null;
  role: Role;
  source: User['source'];
  createdAt: string;
}

export function insertUser(db: Db, u: NewUser): User {
  // RETURNING id: both engines (lastInsertRowid is SQLite's only).
  const row = db
    .prepare<[NewUser], { id: number }>(
      `INSERT INTO users (username, display_name, email, password_hash, role, source, created_at)
       VALUES (@username, @displayName, @email, @passwordHash, @role, @source, @createdAt) RETURNING id`,
    )
    .get(u)!;
  return findUserById(db, Number(row.id))!;
}

export function updateUserAccess(db: Db, id: number, role: Role, active: boolean): void {
  db.prepare('UPDATE users SET role = ?, active = ? WHERE id = ?').run(role, active ? 1 : 0, id);
}

export function updateDisplayName(db: Db, id: number, displayName: string): void {
  db.prepare('UPDATE users SET display_name = ? WHERE id = ?').run(displayName, id);
}

export function updateUserLocale(db: Db, id: number, locale: Locale | null): void {
  db.prepare('UPDATE users SET locale = ? WHERE id = ?').run(locale, id);
}

export function touchLastLogin(db: Db, id: number, at: string): void {
  db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(at, id);
}

export function countAdmins(db: Db): number {
  return db.prepare<[], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND active = 1").get()!.n;
}

export function findUsersByEmails(db: Db, emails: string[]): User[] {
  if (!emails.length) return [];
  return db
    .prepare<[string], UserRow>(`SELECT * FROM users WHERE lower(email) IN ${usersSql(db).lowerTexts('?')}`)
    .all(JSON.stringify(emails))
    .map(toUser);
}
