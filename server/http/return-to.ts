import type { Request, Response } from 'express';
import { readCookie } from './cookies.ts';

/** Where an anonymous visitor wanted to go, kept in a cookie so a redirect to the sign-in page stores no session. */
export const RETURN_TO_COOKIE = 'roombook.return';

/**
 * Remembers the page to come back to after sign-in. Not secret and not signed: whoever reads it passes it through
 * safeReturnTo(), which follows local paths only, so a planted value can at worst pick a page of this app.
 */
export function rememberReturnTo(req: Request, res: Response, url: string): void {
  if (url === '/') return; // where sign-in goes anyway
  res.cookie(RETURN_TO_COOKIE, url, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: 60 * 60_000 });
}

/** The remembered page (from the cookie, or from a session of an older version), forgotten once read. */
export function takeReturnTo(req: Request, res: Response): string | undefined {
  const fromCookie = readCookie(req.headers.cookie, RETURN_TO_COOKIE);
  if (fromCookie !== undefined) res.clearCookie(RETURN_TO_COOKIE, { path: '/' });
  return fromCookie ?? req.session?.returnTo;
}
