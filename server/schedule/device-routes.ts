import { Router, type NextFunction, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { BadRequestError } from '../errors.ts';
import { parseForm } from '../http/form.ts';
import type { Room } from '../rooms/service.ts';
import { buildCalendar } from './ical.ts';
import { presentDisplay, presentApiBooking, presentApiRoom } from './device-present.ts';
import { DeviceQuery } from './schema.ts';
import { listRoomDay, listRoomFeed, roomDisplayState, type ScheduleDeps } from './service.ts';
import { authenticateToken, roomForToken, roomsForToken, type DeviceToken } from './tokens.ts';
import { runInLocale, t } from '../i18n/context.ts';
import { shownOrganizer, visibleSubject } from './present.ts';

/** How often door displays reload, and feed clients are told to poll. */
const DISPLAY_REFRESH_SECONDS = 30;
const FEED_REFRESH_MINUTES = 15;

/** The token from `Authorization: Bearer …` (integrations) or `?token=` (displays and calendar clients, which cannot set headers). */
function tokenOf(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return typeof req.query.token === 'string' ? req.query.token : undefined;
}

const tokenOfRes = (res: Response) => res.locals.deviceToken as DeviceToken;

/**
 * "Now" for a device request. CASE: outside production `?now=<ISO time>` fakes the clock, so tests and demos can show
 * a display during and after a meeting; in production the parameter is ignored.
 */
function nowFor(ctx: AppContext, req: Request): DateTime {
  const { now } = parseForm(DeviceQuery, req.query, 400);
  if (ctx.config.production || !now) return ctx.clock.now();
  const at = DateTime.fromISO(now, { setZone: true });
  if (!at.isValid) throw new BadRequestError(t('error.bad_now'));
  return at.toUTC();
}

/** Room-door displays, the JSON read API and calendar feeds: read-only, signed in by a device token, not a session. */
export function deviceRoutes(ctx: AppContext, deps: ScheduleDeps): Router {
  const router = Router();

  const requireToken = (req: Request, res: Response, next: NextFunction) => {
    const token = authenticateToken(ctx, tokenOf(req));
    res.locals.deviceToken = token;
    // Tokens travel in URLs: keep the answers out of shared caches (Referrer-Policy no-referrer is set by helmet).
    res.set('Cache-Control', 'private, no-store');
    // A door display speaks its token's language (set by the admin), else the organisation's; never the tablet's.
    const locale = token.locale ?? ctx.config.defaultLocale;
    res.locals.locale = locale;
    res.locals.t = t;
    res.setHeader('Content-Language', locale);
    runInLocale(locale, next);
  };
  const room = (req: Request, res: Response): Room => roomForToken(ctx, tokenOfRes(res), String(req.params.alias));

  /** GET /display/:alias?token= */
  router.get('/display/:alias', requireToken, (req, res) => {
    const r = room(req, res);
    const now = nowFor(ctx, req);
    const { state } = roomDisplayState({ ...ctx, ...deps }, r, now);
    res.render('schedule/display', {
      display: presentDisplay(r, state, now, tokenOfRes(res).showSubjects, now.toMillis() !== ctx.clock.now().toMillis()),
      refreshSeconds: DISPLAY_REFRESH_SECONDS,
    });
  });

  /** GET /api/rooms: the token's rooms */
  router.get('/api/rooms', requireToken, (_req, res) => {
    res.json({ rooms: roomsForToken(ctx, tokenOfRes(res)).map(presentApiRoom) });
  });

  /** GET /api/rooms/:alias/bookings?date=YYYY-MM-DD: the room's meetings on a local day (today by default) */
  router.get('/api/rooms/:alias/bookings', requireToken, (req, res) => {
    const r = room(req, res);
    const { date } = parseForm(DeviceQuery, req.query, 400);
    const day = listRoomDay({ ...ctx, ...deps }, r, date);
    const show = tokenOfRes(res).showSubjects;
    res.json({ room: presentApiRoom(r), date: day.date, timeZone: r.timeZone, bookings: day.items.map((i) => presentApiBooking(i, r, show)) });
  });

  /** GET /api/rooms/:alias/status: free or busy now, as the door display shows it */
  router.get('/api/rooms/:alias/status', requireToken, (req, res) => {
    const r = room(req, res);
    const now = nowFor(ctx, req);
    const { state } = roomDisplayState({ ...ctx, ...deps }, r, now);
    const show = tokenOfRes(res).showSubjects;
    res.json({
      room: r.alias,
      at: now.toUTC().toISO(),
      busy: state.busy,
      busyUntil: state.busyUntil === null ? null : new Date(state.busyUntil).toISOString(),
      freeUntil: state.freeUntil === null ? null : new Date(state.freeUntil).toISOString(),
      current: state.current ? presentApiBooking(state.current, r, show) : null,
      next: state.upcoming.map((i) => presentApiBooking(i, r, show)),
    });
  });

  /** GET /feeds/rooms/:alias.ics?token=: iCalendar subscription (Outlook, Thunderbird, phones) */
  router.get('/feeds/rooms/:file', requireToken, (req, res) => {
    const file = String(req.params.file);
    if (!file.endsWith('.ics')) throw new BadRequestError(t('error.feed_ics'));
    const r = roomForToken(ctx, tokenOfRes(res), file.slice(0, -4));
    const show = tokenOfRes(res).showSubjects;
    const events = listRoomFeed({ ...ctx, ...deps }, r)
      .filter((i) => i.active || i.checkin === 'released')
      .map((i) => ({
        // A series date is an instance of the series: its Exchange UID with the date's RECURRENCE-ID, no master (the
        // feed is a window of this room's dates; a master's RRULE would claim dates outside it or in other rooms).
        uid: i.kind === 'booking' ? `${i.seriesUid ?? i.uid}@roombook` : i.uid,
        ...(i.recurrenceId !== undefined ? { recurrenceId: DateTime.fromMillis(i.recurrenceId, { zone: 'utc' }) } : {}),
        start: DateTime.fromMillis(i.start, { zone: 'utc' }),
        end: DateTime.fromMillis(i.end, { zone: 'utc' }),
        summary: visibleSubject(i, show),
        description: show
          ? `${t('feed.organizer', { name: shownOrganizer(i) })}${i.series ? ` · ${t('feed.series')}` : ''}${i.checkin === 'checked-in' ? ` · ${t('feed.checked_in')}` : i.checkin === 'released' ? ` · ${t('feed.released')}` : ''}`
          : undefined,
        location: `${r.name}, ${t('room.place', { building: r.building, floor: r.floor })}`,
        status: i.checkin === 'released' ? ('CANCELLED' as const) : i.state === 'pending' ? ('TENTATIVE' as const) : ('CONFIRMED' as const),
        sequence: i.sequence,
        lastModified: i.updatedAt ? DateTime.fromISO(i.updatedAt) : null,
      }));
    res.type('text/calendar; charset=utf-8');
    res.set('Content-Disposition', `inline; filename="${r.alias}.ics"`);
    res.send(buildCalendar({ name: `${r.name} (${r.building})`, stamp: ctx.clock.now(), refreshMinutes: FEED_REFRESH_MINUTES, events }));
  });

  return router;
}
