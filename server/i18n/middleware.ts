import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Locale } from './catalog.ts';
import { runInLocale } from './context.ts';
import { chooseLocale } from './negotiate.ts';
import { readCookie } from '../http/cookies.ts';

/** Visitors who are not signed in keep their choice here (a signed-in person's choice is also saved on their account). */
export const LOCALE_COOKIE = 'roombook.lang';
export const LOCALE_COOKIE_MAX_AGE_MS = 365 * 24 * 3600_000;

/** The language of this request: the account's choice, else the cookie, else Accept-Language, else DEFAULT_LOCALE. */
export function requestLocale(req: Request, fallback: Locale): Locale {
  const saved = (req.user as { locale?: Locale | null } | undefined)?.locale;
  return chooseLocale({ saved, cookie: readCookie(req.headers.cookie, LOCALE_COOKIE), acceptLanguage: req.get('accept-language'), fallback });
}

/**
 * Runs the rest of the request in its language (context.ts). Mounted twice: before the device routes and sessions
 * (cookie and Accept-Language only) and again after passport, when the signed-in person's saved choice is known.
 */
export function withRequestLocale(fallback: Locale): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const locale = requestLocale(req, fallback);
    // The second pass, when the person's saved choice is the language already chosen: the request already runs in it
    // and its headers say so.
    if (res.locals.locale === locale) return next();
    res.locals.locale = locale;
    res.setHeader('Content-Language', locale);
    // The same URL answers in different languages: shared caches must key on what chose it.
    res.vary('Accept-Language');
    res.vary('Cookie');
    runInLocale(locale, next, fallback);
  };
}
