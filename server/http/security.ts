import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.ts';
import type { Logger } from 'pino';
import { sessions as sessionLayer, type SessionRows } from './session.ts';

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

/** How often a signed-in user's activity extends the session's idle timeout (one write and one cookie per period). */
const SESSION_ROLL_MS = 60_000;

/**
 * Signed, HttpOnly, SameSite=Lax session cookie; Secure whenever the request arrived over HTTPS (the app's
 * `trust proxy` setting decides what req.secure believes).
 *
 * A session row is written only when something is stored in it: no page stores anything for an anonymous visitor
 * (see csrf.ts). A page view by a signed-in user neither writes the row nor re-signs the cookie; the idle timeout is
 * extended at most once a minute (session.ts).
 */
export function sessions(config: Pick<Config, 'sessionSecret' | 'sessionIdleMinutes'>, rows: SessionRows, log: Logger): RequestHandler {
  return sessionLayer(rows, {
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    idleMs: config.sessionIdleMinutes * 60_000,
    rollEveryMs: SESSION_ROLL_MS,
    onSaveError: (err) => log.error({ err, event: 'session.save_failed' }, 'session not saved'),
  });
}
