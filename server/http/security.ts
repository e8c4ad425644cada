import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import type { Config } from '../config.ts';
import type { SqliteSessionStore } from '../auth/session-store.ts';

export const SESSION_COOKIE = 'roombook.sid';

/** Security headers with a strict CSP: no inline scripts or styles, everything from this origin. */
export function securityHeaders(config: Pick<Config, 'production'>): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        // Only force HTTPS for sub-resources when the deployment is production-like.
        'upgrade-insecure-requests': config.production ? [] : null,
      },
    },
    // HSTS only makes sense behind HTTPS; a proxy in front usually sets it for the whole host.
    strictTransportSecurity: config.production,
  });
}

/**
 * Signed, HttpOnly, SameSite=Lax session cookie; Secure whenever the request arrived over HTTPS.
 *
 * A session row is written only when something is stored in it (saveUninitialized: false, and no page stores
 * anything for an anonymous visitor: see csrf.ts). `rolling` is off so a page view by a signed-in user neither
 * writes the row nor re-signs the cookie; rollSession() below extends the idle timeout at most once a minute.
 */
export function sessions(config: Pick<Config, 'sessionSecret' | 'sessionIdleMinutes'>, store: SqliteSessionStore): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    proxy: undefined, // follows the app's `trust proxy` setting
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: 'auto',
      maxAge: config.sessionIdleMinutes * 60_000,
    },
  });
}

/** How often a signed-in user's activity extends the session's idle timeout (one write and one cookie per period). */
export const SESSION_ROLL_MS = 60_000;

/**
 * Rolling idle timeout without a write per request. A stored session's cookie expiry tells when it was last saved
 * (expires - maxAge); when that is a minute or more ago, mark the session changed so express-session saves it with
 * a fresh expiry and sends the cookie again. Idle time is counted from the last activity, give or take a minute.
 * A session that is not stored yet has a fresh expiry, so nothing is marked and nothing is written for it.
 */
export function rollSession(everyMs = SESSION_ROLL_MS): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const cookie = req.session?.cookie;
    if (cookie?.expires && cookie.originalMaxAge) {
      const now = Date.now();
      const savedAt = cookie.expires.getTime() - cookie.originalMaxAge;
      if (now - savedAt >= everyMs) req.session.lastSeenAt = now;
    }
    next();
  };
}
