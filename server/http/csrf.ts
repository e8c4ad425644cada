import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError } from '../errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_FIELD = '_csrf';
export const CSRF_EXPIRED = 'This form has expired. Go back, reload the page and try again.';

/** The session's synchronizer token, created on first use. */
export function csrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Every state-changing request must echo the session's token in the form body or the X-CSRF-Token header. */
export function verifyCsrf(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method)) return next();
  const body = req.body as Record<string, unknown> | undefined;
  const sent = typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : req.get('x-csrf-token');
  const expected = req.session?.csrfToken;
  if (!sent || !expected || !sameToken(sent, expected)) return next(new ForbiddenError(CSRF_EXPIRED));
  next();
}
