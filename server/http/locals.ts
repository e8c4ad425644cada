import type { NextFunction, Request, Response } from 'express';
import { DateTime } from 'luxon';
import { CATALOGS, LOCALE_NAMES, LOCALES } from '../i18n/catalog.ts';
import { currentLocale, t } from '../i18n/context.ts';
import { dateExample, formatDate, formatNumber, timeExample, zoneLabel } from '../i18n/format.ts';
import { hasRole, roleLabel, type Role } from '../users/roles.ts';
import { csrfToken } from './csrf.ts';
import { takeFlash } from './flash.ts';

/** View helpers registered once (STYLE 2.8): templates never call luxon themselves. */
export const fmt = {
  /** "24 Nov 2026, 21:40" (hu: "2026. nov. 24. 21:40") in the given zone, in the request's language. */
  dateTime(iso: string | null | undefined, zone = 'UTC'): string {
    if (!iso) return '—';
    return formatDate(DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone), 'dateTime');
  },
  number: (n: number) => formatNumber(n),
  /** A time zone as people read it ("Central European Time", hu "közép-európai idő"); forms keep the id. */
  zone: (zone: string) => zoneLabel(zone),
};

/** Catalog keys the browser scripts need; they use only {name} placeholders, which the scripts fill in. */
const CLIENT_MESSAGES = ['client.local_time_booking', 'client.local_time_form', 'client.attendee_placeholder', 'client.attendee_label', 'client.attendees'];

const LOCALE_CHOICES = LOCALES.map((code) => ({ code, name: LOCALE_NAMES[code] }));

/** Values every template may use: the signed-in user, their role, the CSRF token and queued flash messages. */
export function baseLocals(req: Request): Record<string, unknown> {
  const user = req.user;
  // Flash is read lazily so a redirect response does not consume the messages meant for the next page.
  let flashed: ReturnType<typeof takeFlash> | undefined;
  let token: string | undefined;
  return {
    user: user ?? null,
    can: (role: Role) => (user ? hasRole(user.role, role) : false),
    get roleLabel() {
      return user ? roleLabel(user.role) : '';
    },
    // Every template's text comes from the catalogs (locales/*.json) through t(); <html lang> is `locale`.
    t,
    locale: currentLocale(),
    localeChoices: LOCALE_CHOICES,
    // Messages the page's scripts show (public/js/*.js read them from #roombook-messages), with `<` escaped so the
    // JSON cannot close its <script> element.
    get clientMessagesJson() {
      const locale = currentLocale();
      return JSON.stringify(Object.fromEntries(CLIENT_MESSAGES.map((k) => [k, CATALOGS[locale][k] ?? CATALOGS.en[k]]))).replace(/</g, '\\u003c');
    },
    // The examples next to date and time inputs, in the form the page's text uses (getters: a cached page never reads them).
    get dateExample() {
      return dateExample();
    },
    get timeExample() {
      return timeExample();
    },
    // The language switch comes back to the page it was used on.
    returnTo: req.originalUrl,
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
