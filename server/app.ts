import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { AppContext } from './context.ts';
import { createPassport } from './auth/passport.ts';
import { authRoutes } from './auth/routes.ts';
import { sessionRows } from './auth/session-store.ts';
import { adminAuditRoutes } from './audit/routes.ts';
import { homeRoutes } from './home/routes.ts';
import { accessLog } from './http/access-log.ts';
import { compressText } from './http/compress.ts';
import { csrfProtection } from './http/csrf.ts';
import { errorHandler, notFound } from './http/error-handler.ts';
import { fmt, setLocals } from './http/locals.ts';
import { exchangeBanner } from './ops/outage.ts';
import { securityHeaders, sessions } from './http/security.ts';
import './http/session-types.ts';
import { adminRoomRoutes, roomRoutes } from './rooms/routes.ts';
import { adminUserRoutes } from './users/routes.ts';
import { availabilityRoutes } from './availability/routes.ts';
import { findPageRows } from './scheduling/find-rows.ts';
import { localBookings } from './bookings/queries.ts';
import { bookingRoutes } from './bookings/routes.ts';
import { adminBuildingRoutes, replacementRoutes } from './bookings/replacement-routes.ts';
import type { Reconciler } from './sync/reconciler.ts';
import type { ExchangeProbe } from './ops/health.ts';
import type { AppMetrics } from './ops/metrics.ts';
import { opsRoutes } from './ops/routes.ts';
import { adminExchangeRoutes } from './sync/routes.ts';
import { adminDisplayRoutes } from './schedule/admin-routes.ts';
import { deviceRoutes } from './schedule/device-routes.ts';
import { scheduleRoutes } from './schedule/routes.ts';
import { listRoomWeek } from './schedule/service.ts';
import { bookingLink } from './availability/present.ts';
import { reportRoutes } from './reports/routes.ts';
import { withRequestLocale } from './i18n/middleware.ts';
import { localeRoutes } from './i18n/routes.ts';
import { t } from './i18n/context.ts';
import { schedulingRoutes } from './scheduling/routes.ts';
import { checkinRoutes } from './checkin/routes.ts';
import { roomProfileRoutes } from './rooms/profile-routes.ts';
import { roomPhotoRoutes, roomPhotoUploadParser } from './rooms/photo-routes.ts';
import { displayActionRoutes } from './checkin/display-routes.ts';
import { checkinLabels } from './checkin/service.ts';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export interface BuiltApp {
  app: Express;
  /** Stops timers the app owns (none today); the caller closes the HTTP server and the DB. */
  close(): void;
}

/** Builds the Express app; it never listens (main.ts and the tests do). */
export function createApp(ctx: AppContext, services: { reconciler: Reconciler; ops: { metrics: AppMetrics; probe: ExchangeProbe } }): BuiltApp {
  const app = express();
  const passport = createPassport(ctx);

  app.set('trust proxy', ctx.config.trustProxy);
  app.disable('x-powered-by');
  // No ETag hashing of dynamic pages: Express would SHA-1 every body (a 460 KB day view per request) for a tag that
  // changes with the CSRF token and the minute anyway. Static files keep their own (size + mtime) ETags.
  app.set('etag', false);
  app.set('view engine', 'ejs');
  app.set('views', root('views'));
  if (ctx.config.production) app.enable('view cache');
  // Every render, also app.render() of page parts outside res.locals, can translate and format (zone names, dates):
  // t() and fmt read the request's language.
  app.locals.t = t;
  app.locals.fmt = fmt;

  // One line per request with method, path (no query: it may carry tokens), status and duration.
  app.use(accessLog(ctx.log, app.request));
  app.use(services.ops.metrics.http());
  app.use(securityHeaders(ctx.config));
  app.use(compressText);
  // Static files come before sessions so assets never touch the session store. Mounted per folder of public/, so a
  // page request never costs a file-system lookup for a file that is not there.
  const publicDirs = readdirSync(root('public'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  for (const dir of publicDirs) app.use(`/${dir}`, express.static(root(`public/${dir}`), { maxAge: ctx.config.production ? '1h' : 0, index: false }));
  // Flat form fields only (repeated names become arrays); 100 kB is far more than any form here needs.
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 500 }));
  // The language from the cookie and Accept-Language; re-chosen below once the signed-in person is known (issue 17).
  app.use(withRequestLocale(ctx.config.defaultLocale));
  // Door displays, the read API and feeds sign in with a device token, never a session: mounted before sessions.
  // Door-display actions (check-in, book now, …) come first: they add the buttons to the display page's answer.
  app.use(displayActionRoutes(ctx));
  // The schedule shows check-in facts; the check-in feature imports the schedule, so they are handed to it here.
  const scheduleDeps = { checkinLabels };
  app.use(deviceRoutes(ctx, scheduleDeps));
  // Health and metrics come before sessions: probes never touch the session store.
  app.use(opsRoutes(ctx, services.ops));
  app.use(sessions(ctx.config, sessionRows(ctx.db), ctx.log.child({ area: 'http' })));
  // No passport.initialize(): passport 0.7 documents it as a compatibility shim for strategies written for 0.4
  // (req._passport), which none of ours are; passport.session() and passport.authenticate() set up req.logIn and the
  // session manager themselves. It was 3 % of a cached week view's CPU (new properties on every request object).
  app.use(passport.session());
  // The photo upload is multipart: parsed here, so the CSRF check below finds its token (rooms/photo-routes.ts).
  app.use(roomPhotoUploadParser());
  app.use(csrfProtection(ctx.config.sessionSecret));
  app.use(withRequestLocale(ctx.config.defaultLocale));
  app.use(setLocals);
  // Booking pages and find-a-room say so while Exchange does not answer (views/partials/exchange-banner.ejs).
  app.use(['/bookings', '/find', '/find-time'], exchangeBanner(ctx));

  app.use(homeRoutes(ctx));
  app.use(localeRoutes(ctx));
  app.use(authRoutes(ctx, passport));
  // The room page's day comes from the schedule (which imports rooms, so rooms cannot import it back).
  const roomDays = {
    day: (room: { id: number }, date: string) => listRoomWeek({ ...ctx, ...scheduleDeps }, room.id, date).rows.find((r) => r.date === date)!,
    week: (room: { id: number }, date: string) => listRoomWeek({ ...ctx, ...scheduleDeps }, room.id, date).rows,
    bookingLink,
  };
  app.use('/rooms', roomRoutes(ctx, roomDays));
  app.use('/find', availabilityRoutes(ctx, localBookings, findPageRows));
  app.use('/bookings', replacementRoutes(ctx, services.reconciler));
  app.use('/find-time', schedulingRoutes(ctx));
  // Before the bookings and rooms routes: it adds the check-in section's data to their pages (and its own routes).
  app.use(checkinRoutes(ctx));
  app.use(roomProfileRoutes(ctx));
  app.use(roomPhotoRoutes(ctx));
  app.use('/bookings', bookingRoutes(ctx, services.reconciler));
  app.use('/schedule', scheduleRoutes(ctx, scheduleDeps));
  app.use(reportRoutes(ctx));
  app.use(
    '/admin',
    adminRoomRoutes(ctx),
    adminUserRoutes(ctx),
    adminAuditRoutes(ctx),
    adminExchangeRoutes(ctx, services.reconciler),
    adminDisplayRoutes(ctx),
    adminBuildingRoutes(ctx),
  );

  app.use(notFound);
  app.use(errorHandler(ctx.log));

  return { app, close: () => undefined };
}
