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

/** The request each res.locals belongs to, for the getters below (which run with the locals object as `this`). */
const requestOf = new WeakMap<object, Request>();

/** Caches a getter's first answer on the locals object itself, as a plain property. */
function keep(locals: object, name: string, value: unknown): unknown {
  Object.defineProperty(locals, name, { value, enumerable: true, writable: true, configurable: true });
  return value;
}

/**
 * The page variables worked out only when a page is rendered (Express spreads res.locals into the render options, so
 * they are read then, and a cached page or a redirect never reads them). One shared descriptor set: defining a fresh
 * set of getters per request (getOwnPropertyDescriptors + defineProperties) was ~3 % of a cached page's CPU.
 */
const LAZY: PropertyDescriptorMap = {
  roleLabel: {
    enumerable: true,
    configurable: true,
    get(this: { user: Express.User | null }) {
      return this.user ? roleLabel(this.user.role) : '';
    },
  },
  // Messages the page's scripts show (public/js/*.js read them from #roombook-messages), with `<` escaped so the
  // JSON cannot close its <script> element.
  clientMessagesJson: {
    enumerable: true,
    configurable: true,
    get() {
      const locale = currentLocale();
      return JSON.stringify(Object.fromEntries(CLIENT_MESSAGES.map((k) => [k, CATALOGS[locale][k] ?? CATALOGS.en[k]]))).replace(/</g, '\\u003c');
    },
  },
  // The examples next to date and time inputs, in the form the page's text uses.
  dateExample: { enumerable: true, configurable: true, get: () => dateExample() },
  timeExample: { enumerable: true, configurable: true, get: () => timeExample() },
  // Only a page that is rendered (not a redirect or JSON) issues an anonymous form's CSRF cookie.
  csrfToken: {
    enumerable: true,
    configurable: true,
    get(this: object) {
      const req = requestOf.get(this);
      return keep(this, 'csrfToken', req ? csrfToken(req) : '');
    },
  },
};

/** Values every template may use: the signed-in user, their role, the CSRF token and queued flash messages. */
export function applyBaseLocals(req: Request, res: Response): void {
  const locals = res.locals;
  const user = req.user;
  // Flash is read lazily so a redirect response does not consume the messages meant for the next page.
  let flashed: ReturnType<typeof takeFlash> | undefined;
  requestOf.set(locals, req);
  locals.user = user ?? null;
  locals.can = (role: Role) => (user ? hasRole(user.role, role) : false);
  // Every template's text comes from the catalogs (locales/*.json) through t(); <html lang> is `locale`.
  locals.t = t;
  locals.locale = currentLocale();
  locals.localeChoices = LOCALE_CHOICES;
  // The language switch comes back to the page it was used on.
  locals.returnTo = req.originalUrl;
  locals.path = req.path;
  locals.fmt = fmt;
  locals.flashMessages = () => (flashed ??= req.session ? takeFlash(req) : []);
  locals.errors = {};
  locals.values = {};
  Object.defineProperties(locals, LAZY);
}

export function setLocals(req: Request, res: Response, next: NextFunction): void {
  applyBaseLocals(req, res);
  next();
}
