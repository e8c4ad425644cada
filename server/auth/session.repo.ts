import type { SqlClient } from '../db/sql.ts';

// Every SQL statement on the sessions table; the same text runs on SQLite and PostgreSQL (session.repo.test.ts runs
// it on both). expires_at is epoch milliseconds, compared with Date.now().

export async function readSession(db: SqlClient, sid: string, now: number): Promise<string | undefined> {
  return (await db.get<{ data: string }>('SELECT data FROM sessions WHERE sid = ? AND expires_at > ?', [sid, now]))?.data;
}

export async function writeSession(db: SqlClient, sid: string, data: string, expiresAt: number): Promise<void> {
  await db.run(
    `INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
    [sid, data, expiresAt],
  );
}

export async function deleteSession(db: SqlClient, sid: string): Promise<void> {
  await db.run('DELETE FROM sessions WHERE sid = ?', [sid]);
}

/** Removes sessions whose idle time ran out; returns how many. */
export async function deleteExpiredSessions(db: SqlClient, now: number): Promise<number> {
  return (await db.run('DELETE FROM sessions WHERE expires_at <= ?', [now])).changes;
}

export async function countSessions(db: SqlClient): Promise<number> {
  return (await db.get<{ n: number }>('SELECT count(*) AS n FROM sessions'))!.n;
}
