import session from 'express-session';
import type { SessionData } from 'express-session';
import type { SqlClient } from '../db/sql.ts';
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
    private readonly db: SqlClient,
    private readonly defaultTtlMs: number,
  ) {
    super();
  }

  private expiry(sess: SessionData): number {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.defaultTtlMs;
  }

  override get(sid: string, cb: Callback<SessionData | null>): void {
    readSession(this.db, sid, Date.now()).then(
      (data) => cb(null, data ? (JSON.parse(data) as SessionData) : null),
      (err: unknown) => cb(err),
    );
  }

  override set(sid: string, sess: SessionData, cb?: Callback): void {
    let data: string;
    try {
      data = JSON.stringify(sess);
    } catch (err) {
      return cb?.(err);
    }
    writeSession(this.db, sid, data, this.expiry(sess)).then(
      () => cb?.(),
      (err: unknown) => cb?.(err),
    );
  }

  override destroy(sid: string, cb?: Callback): void {
    deleteSession(this.db, sid).then(
      () => cb?.(),
      (err: unknown) => cb?.(err),
    );
  }
}
