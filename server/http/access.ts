import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenError } from '../errors.ts';
import { hasRole, type Role } from '../users/roles.ts';
import { rememberReturnTo } from './return-to.ts';
import { t } from '../i18n/context.ts';

/** Sends anonymous page requests to the sign-in form, remembering where they wanted to go. */
function requireSignIn(req: Request, res: Response, next: NextFunction): void {
  if (req.user) return next();
  if (req.method === 'GET') rememberReturnTo(req, res, req.originalUrl);
  res.redirect(303, '/login');
}

function requireRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    if (req.user && hasRole(req.user.role, role)) return next();
    next(new ForbiddenError(t('error.role_only', { role })));
  };
}

/** Named access stacks, one per level (Ghost's middleware.js): spread them in front of a route's handler. */
export const pages = {
  signedIn: [requireSignIn] as RequestHandler[],
  reception: [requireSignIn, requireRole('receptionist')] as RequestHandler[],
  admin: [requireSignIn, requireRole('admin')] as RequestHandler[],
};
