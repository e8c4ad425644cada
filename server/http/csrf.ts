import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenError } from '../errors.ts';
import { t } from '../i18n/context.ts';
import { readCookie } from './cookies.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const KEPT_SESSION_TOKENS = 10_000;
export const CSRF_FIELD = '_csrf';
/** Carries the anonymous forms' token (the sign-in page), so showing a form never needs a session row. */
export const CSRF_COOKIE = 'roombook.csrf';
/** The message when a form's token is missing or stale, in the request's language. */
export const csrfExpired = (): string => t('error.csrf_expired');

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The token this request's forms must echo; set by csrfProtection(). */
      csrfToken?: () => string;
    }
  }
}

/** The CSRF token for forms rendered for this request ('' outside csrfProtection, e.g. device routes). */
export function csrfToken(req: Request): string {
  return req.csrfToken?.() ?? '';
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * CSRF protection on every state-changing request, without storing anything for visitors who are not signed in:
 *
 * - signed in: the token is an HMAC of the session id (the id is secret and changes at sign-in, so the token does
 *   too); nothing is kept in the session, so rendering a page never causes a session write;
 * - anonymous (the sign-in forms): a signed double-submit cookie. The cookie holds a random nonce and its HMAC;
 *   the form carries the nonce. A cross-site page can neither read the HttpOnly cookie nor forge the HMAC. Such
 *   a token is accepted only while nobody is signed in, so a tossed cookie cannot act for a signed-in user.
 *
 * The cookie is set only when a page actually uses a token (lazily), never on redirects, JSON or health probes.
 */
export function csrfProtection(secret: string): RequestHandler {
  const mac = (purpose: string, value: string) => createHmac('sha256', secret).update(`${purpose}:${value}`).digest('base64url');

  const cookieNonce = (req: Request): string | undefined => {
    const raw = readCookie(req.headers.cookie, CSRF_COOKIE);
    const dot = raw?.indexOf('.') ?? -1;
    if (!raw || dot <= 0) return undefined;
    const nonce = raw.slice(0, dot);
    return sameToken(raw.slice(dot + 1), mac('csrf-cookie', nonce)) ? nonce : undefined;
  };

  // A session's token never changes (an HMAC of its id), and every page of a signed-in user carries it: kept for the
  // most recent sessions instead of one HMAC per page view (issue 13). Bounded; a session not kept is just computed.
  const kept = new Map<string, string>();
  const sessionToken = (req: Request) => {
    let token = kept.get(req.sessionID);
    if (token === undefined) {
      token = mac('csrf-session', req.sessionID);
      if (kept.size >= KEPT_SESSION_TOKENS) kept.delete(kept.keys().next().value!);
      kept.set(req.sessionID, token);
    }
    return token;
  };

  return (req: Request, res: Response, next: NextFunction): void => {
    let issued: string | undefined;
    req.csrfToken = () => {
      if (req.user) return sessionToken(req);
      if (issued) return issued;
      issued = cookieNonce(req);
      if (!issued) {
        issued = randomBytes(24).toString('base64url');
        if (!res.headersSent) {
          res.cookie(CSRF_COOKIE, `${issued}.${mac('csrf-cookie', issued)}`, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
        }
      }
      return issued;
    };

    if (SAFE_METHODS.has(req.method)) return next();
    const body = req.body as Record<string, unknown> | undefined;
    const sent = typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : req.get('x-csrf-token');
    if (!sent) return next(new ForbiddenError(csrfExpired()));
    if (req.user) {
      if (!sameToken(sent, sessionToken(req))) return next(new ForbiddenError(csrfExpired()));
      return next();
    }
    const nonce = cookieNonce(req);
    if (!nonce || !sameToken(sent, nonce)) return next(new ForbiddenError(csrfExpired()));
    next();
  };
}
