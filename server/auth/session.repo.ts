import type { Db } from '../db/connection.ts';

// Every SQL statement on the sessions table. expires_at is epoch milliseconds (compared with Date.now()).

export function readSession(db: Db, sid: string, now: number): string | undefined {
  return db.prepare<[string, number], { data: string }>('SELECT data FROM sessions WHERE sid = ? AND expires_at > ?').get(sid, now)?.data;
}

export function writeSession(db: Db, sid: string, data: string, expiresAt: number): void {
  db.prepare(
    `INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
  ).run(sid, data, expiresAt);
}

export function deleteSession(db: Db, sid: string): void {
  db.prepare('DELETE FROM sessions WHERE sid = ?').run(sid);
}

/** Removes sessions whose idle time ran out; returns how many. */
export function deleteExpiredSessions(db: Db, now: number): number {
  return db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
}

export function countSessions(db: Db): number {
  return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sessions').get()!.n;
}
