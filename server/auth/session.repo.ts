import type { Db } from '../db/connection.ts';
import type { SqlClient } from '../db/sql.ts';
import type { SessionRows } from '../http/session.ts';

// Every SQL statement on the sessions table; the same text runs on SQLite and PostgreSQL (session.repo.test.ts runs
// it on both). expires_at is epoch milliseconds, compared with Date.now().

const READ = 'SELECT data, expires_at FROM sessions WHERE sid = ? AND expires_at > ?';
const WRITE = `INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`;
const REMOVE = 'DELETE FROM sessions WHERE sid = ?';

export async function readSession(db: SqlClient, sid: string, now: number): Promise<{ data: string; expiresAt: number } | undefined> {
  const row = await db.get<{ data: string; expires_at: number | string }>(READ, [sid, now]);
  return row && { data: row.data, expiresAt: Number(row.expires_at) };
}

export async function writeSession(db: SqlClient, sid: string, data: string, expiresAt: number): Promise<void> {
  await db.run(WRITE, [sid, data, expiresAt]);
}

export async function deleteSession(db: SqlClient, sid: string): Promise<void> {
  await db.run(REMOVE, [sid]);
}

/**
 * The same statements on the app's own connection, synchronously: the session layer saves a changed session from
 * the answer's header hook, so a write must be done when the call returns (server/http/session.ts).
 */
export function sessionRows(db: Db): SessionRows {
  return {
    read(sid, now) {
      const row = db.prepare<[string, number], { data: string; expires_at: number }>(READ).get(sid, now);
      return row && { data: row.data, expiresAt: Number(row.expires_at) };
    },
    write(sid, data, expiresAt) {
      db.prepare(WRITE).run(sid, data, expiresAt);
    },
    remove(sid) {
      db.prepare(REMOVE).run(sid);
    },
  };
}

/** Removes sessions whose idle time ran out; returns how many. */
export async function deleteExpiredSessions(db: SqlClient, now: number): Promise<number> {
  return (await db.run('DELETE FROM sessions WHERE expires_at <= ?', [now])).changes;
}

export async function countSessions(db: SqlClient): Promise<number> {
  return (await db.get<{ n: number }>('SELECT count(*) AS n FROM sessions'))!.n;
}
