import type { NextFunction, Request, Response } from 'express';
import { DateTime } from 'luxon';
import { hasRole, ROLE_LABELS, type Role } from '../auth/roles.ts';
import { csrfToken } from './csrf.ts';
import { takeFlash } from './flash.ts';

/** View helpers registered once (STYLE 2.8): templates never call luxon themselves. */
export const fmt = {
  /** "24 Nov 2026, 21:40" in the given zone. */
  dateTime(iso: string | null | undefined, zone = 'UTC'): string {
    if (!iso) return '—';
    const t = DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);
    return t.isValid ? t.toFormat('d LLL yyyy, HH:mm') : '—';
  },
};

/** Values every template may use: the signed-in user, their role, the CSRF token and queued flash messages. */
export function baseLocals(req: Request): Record<string, unknown> {
  const user = req.user;
  // Flash is read lazily so a redirect response does not consume the messages meant for the next page.
  let flashed: ReturnType<typeof takeFlash> | undefined;
  let token: string | undefined;
  return {
    user: user ?? null,
    can: (role: Role) => (user ? hasRole(user.role, role) : false),
    roleLabel: user ? ROLE_LABELS[user.role] : '',
    // A getter, so only a page that is rendered (not a redirect or JSON) issues an anonymous form's CSRF cookie.
    get csrfToken() {
      return (token ??= csrfToken(req));
    },
    path: req.path,
    fmt,
    flashMessages: () => (flashed ??= req.session ? takeFlash(req) : []),
    errors: {},
    values: {},
  };
}

/** Copies baseLocals onto res.locals keeping the getters (Object.assign would call them now). */
export function applyBaseLocals(req: Request, res: Response): void {
  Object.defineProperties(res.locals, Object.getOwnPropertyDescriptors(baseLocals(req)));
}

export function setLocals(req: Request, res: Response, next: NextFunction): void {
  applyBaseLocals(req, res);
  next();
}
