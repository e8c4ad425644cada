import type { RequestHandler } from 'express';
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

/** Signed, HttpOnly, SameSite=Lax session cookie; Secure whenever the request arrived over HTTPS. */
export function sessions(config: Pick<Config, 'sessionSecret' | 'sessionIdleMinutes'>, store: SqliteSessionStore): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: undefined, // follows the app's `trust proxy` setting
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: 'auto',
      maxAge: config.sessionIdleMinutes * 60_000,
    },
  });
}
