import session from 'express-session';
import type { SessionData } from 'express-session';
import type { Db } from '../db/connection.ts';

type Callback<T = void> = (err?: unknown, value?: T) => void;

/** express-session store in the app's SQLite database, so sign-ins survive a restart. */
export class SqliteSessionStore extends session.Store {
  private readonly pruneTimer: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly defaultTtlMs: number,
    pruneEveryMs = 15 * 60_000,
  ) {
    super();
    this.pruneTimer = setInterval(() => this.prune(), pruneEveryMs);
    this.pruneTimer.unref();
  }

  private expiry(sess: SessionData): number {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.defaultTtlMs;
  }

  override get(sid: string, cb: Callback<SessionData | null>): void {
    try {
      const row = this.db
        .prepare<[string, number], { data: string }>('SELECT data FROM sessions WHERE sid = ? AND expires_at > ?')
        .get(sid, Date.now());
      cb(null, row ? (JSON.parse(row.data) as SessionData) : null);
    } catch (err) {
      cb(err);
    }
  }

  override set(sid: string, sess: SessionData, cb?: Callback): void {
    try {
      this.db
        .prepare(
          `INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
        )
        .run(sid, JSON.stringify(sess), this.expiry(sess));
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  override touch(sid: string, sess: SessionData, cb?: Callback): void {
    try {
      this.db.prepare('UPDATE sessions SET expires_at = ? WHERE sid = ?').run(this.expiry(sess), sid);
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  override destroy(sid: string, cb?: Callback): void {
    try {
      this.db.prepare('DELETE FROM sessions WHERE sid = ?').run(sid);
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  prune(): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(Date.now()).changes;
  }

  close(): void {
    clearInterval(this.pruneTimer);
  }
}
