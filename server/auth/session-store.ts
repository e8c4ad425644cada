import session from 'express-session';
import type { SessionData } from 'express-session';
import type { Db } from '../db/connection.ts';
import { deleteSession, readSession, writeSession } from './session.repo.ts';

type Callback<T = void> = (err?: unknown, value?: T) => void;

/**
 * express-session store in the app's SQLite database, so sign-ins survive a restart.
 *
 * It has no `touch()` on purpose: express-session would call it on every request of a signed-in user, one write
 * per page view. The idle timeout is rolled by `rollSession()` (server/http/security.ts) instead, which changes the
 * session at most once a minute so it is saved with a new expiry. Expired rows are deleted by the purge job
 * (server/ops/purge.ts).
 */
export class SqliteSessionStore extends session.Store {
  constructor(
    private readonly db: Db,
    private readonly defaultTtlMs: number,
  ) {
    super();
  }

  private expiry(sess: SessionData): number {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.defaultTtlMs;
  }

  override get(sid: string, cb: Callback<SessionData | null>): void {
    try {
      const data = readSession(this.db, sid, Date.now());
      cb(null, data ? (JSON.parse(data) as SessionData) : null);
    } catch (err) {
      cb(err);
    }
  }

  override set(sid: string, sess: SessionData, cb?: Callback): void {
    try {
      writeSession(this.db, sid, JSON.stringify(sess), this.expiry(sess));
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  override destroy(sid: string, cb?: Callback): void {
    try {
      deleteSession(this.db, sid);
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }
}
