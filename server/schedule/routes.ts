import { Router, type Request, type Response } from 'express';
import { nowMillis, type AppContext } from '../context.ts';
import { BadRequestError } from '../errors.ts';
import { pages } from '../http/access.ts';
import { parseForm } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import { listBuildings, listEquipment } from '../rooms/service.ts';
import { cachedUntilChange, cachedUntilRoomsChange } from './cache.ts';
import { newPageStore, sendCachedPage, type PageStore } from './page-cache.ts';
import { scheduleRoomVersions } from './invalidation.ts';
import { keptRow, rowHtml } from './row-html.ts';
import { presentDay, presentWeek } from './present.ts';
import { DayQuery, WeekQuery, type DayQueryInput } from './schema.ts';
import { timelineParts } from './timeline-parts.ts';
import { listDaySchedule, listRoomWeek, type ScheduleDeps } from './service.ts';
import { currentLocale, t } from '../i18n/context.ts';

const VIEWS = { screen: 'schedule/day', print: 'schedule/print' } as const;
const TIMELINE_SLOT = '<!--roombook:timeline-->';

/** The locals' signed-in user with the display name the cached page is rendered with (page-cache.ts: a marker). */
function readerAs(res: Response, displayName: string): { user?: unknown } {
  const user = res.locals.user as Record<string, unknown> | null | undefined;
  return user ? { user: { ...user, displayName } } : {};
}

/** What a day view's pages are made of, kept per data version, query and minute (and reused across versions). */
interface DayPageModel {
  day: ReturnType<typeof presentDay>;
  timeline: Awaited<ReturnType<typeof timelineParts>> | null;
  buildings: string[];
  equipment: ReturnType<typeof listEquipment>;
  values: Record<string, unknown>;
  pages: PageStore;
}
/** Day models kept across data versions (see modelsMade); a few queries a minute at a front desk. */
const MODELS_MADE = 16;
/** Query strings whose parse is kept (filters a few front desks use; oldest out first). */
const DAY_QUERIES = 256;

/** Reception pages: the day timeline, its print view and one room's week (receptionists and admins only). */
export function scheduleRoutes(ctx: AppContext, deps: ScheduleDeps): Router {
  const router = Router();

  // The last model made per key (view, language, minute, query) with its fingerprint: kept across data versions,
  // bounded like the cache it feeds (a model of a past minute is never asked again and goes first).
  const modelsMade = new Map<string, { fingerprint: string; model: DayPageModel }>();

  // Each query string's parse, kept: a front desk's 30-second refreshes repeat the same few, and zod's parse of the
  // filters with the key's JSON.stringify was ~25 µs of a cached day view's ~1.4 ms (issue 13). Only valid queries are
  // kept (a bad one answers 400 in the language asked); the parsed query is shared, so read-only.
  const dayQueries = new Map<string, { query: DayQueryInput; text: string }>();
  const dayQuery = (req: Request) => {
    const at = req.url.indexOf('?');
    const raw = at < 0 ? '' : req.url.slice(at + 1);
    let parsed = dayQueries.get(raw);
    if (!parsed) {
      parsed = { query: parseForm(DayQuery, req.query, 400), text: JSON.stringify(req.query) };
      if (dayQueries.size >= DAY_QUERIES) dayQueries.delete(dayQueries.keys().next().value!);
      dayQueries.set(raw, parsed);
    }
    return parsed;
  };

  const render = (req: Request, view: string, locals: object) =>
    new Promise<string>((resolve, reject) => req.app.render(view, locals, (err: Error | null, html?: string) => (err ? reject(err) : resolve(html ?? ''))));

  const dayPage = (view: (typeof VIEWS)[keyof typeof VIEWS]) =>
    async function renderDay(req: Request, res: Response) {
      const { query, text } = dayQuery(req);
      // The page model depends on the data (the cache's change counter), the query and "now" to the minute (the
      // now-line, the gaps still bookable today, "updated at"): receptionists' 30-second refreshes share one model.
      const minute = Math.floor(nowMillis(ctx.clock) / 60_000);
      // The model holds words, so its language is part of the key.
      const key = `${view}|${currentLocale()}|${minute}|${text}`;
      const model = await cachedUntilChange(ctx.db, key, async () => {
        const day = listDaySchedule({ ...ctx, ...deps }, query);
        // The data moved, but perhaps not on this day (a booking next week): then the model and its finished pages
        // are the ones already made (issue 13). The rooms directory's counter covers the building list and filters.
        const fingerprint = day.fingerprint === null ? null : `${scheduleRoomVersions(ctx.db)?.get(-1) ?? 0}|${day.fingerprint}`;
        const made = fingerprint === null ? undefined : modelsMade.get(key);
        if (made && made.fingerprint === fingerprint) return made.model;
        const equipment = listEquipment(ctx);
        const presented = presentDay(day, equipment, req.query as Record<string, unknown>, keptRow);
        const built: DayPageModel = {
          day: presented,
          // The screen view's timeline is rendered, encoded and compressed once: for 200 rooms, building, encoding
          // and gzipping that string again per request cost more than everything else together.
          // Kept in pieces across changes: after one booking changed only its rows' chunk is compressed again.
          timeline: view === VIEWS.screen ? await timelineParts((placeRow) => render(req, 'schedule/_day-body', { day: presented, rowHtml: placeRow })) : null,
          buildings: listBuildings(ctx),
          equipment,
          values: { ...(req.query as Record<string, unknown>), date: day.date },
          // The finished pages of this model, per user (page-cache.ts).
          pages: newPageStore(),
        };
        if (fingerprint !== null) {
          if (modelsMade.size >= MODELS_MADE) modelsMade.delete(modelsMade.keys().next().value!);
          modelsMade.set(key, { fingerprint, model: built });
        }
        return built;
      });
      const { timeline, pages, ...locals } = model;
      await sendCachedPage(req, res, pages, async (csrfToken, displayName) => {
        const page = await render(req, view, {
          ...res.locals,
          ...readerAs(res, displayName),
          csrfToken,
          title: view === VIEWS.print ? t('print.title') : t('nav.schedule'),
          ...locals,
          timelineHtml: TIMELINE_SLOT,
          rowHtml,
        });
        if (!timeline) return [page];
        // The slot cannot come from data: every value in the page is escaped, and '<' never survives escaping.
        const at = page.indexOf(TIMELINE_SLOT);
        if (at < 0) throw new Error(`${view}.ejs lost its timeline slot`);
        return [page.slice(0, at), ...timeline, page.slice(at + TIMELINE_SLOT.length)];
      });
    };

  /** GET /schedule?date=&building=&floor=&capacity=&equipment=&q= */
  router.get('/', ...pages.reception, dayPage(VIEWS.screen));

  /** GET /schedule/print: the same day, A4 landscape, one building per page */
  router.get('/print', ...pages.reception, dayPage(VIEWS.print));

  /** GET /schedule/gap/:roomId/:date/:times: a free gap's link, sent on to the booking form (organizer chosen there) */
  router.get('/gap/:roomId/:date/:times', ...pages.reception, (req, res) => {
    const roomId = idParam(req.params.roomId, 'room');
    const times = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(String(req.params.times));
    const { date } = parseForm(WeekQuery, { date: req.params.date }, 400);
    if (!times || !date) throw new BadRequestError(t('schedule.bad_gap'));
    res.redirect(303, `/bookings/new?${new URLSearchParams({ roomId: String(roomId), date, start: times[1]!, end: times[2]! })}`);
  });

  /** GET /schedule/rooms/:id/week?date= */
  router.get('/rooms/:id/week', ...pages.reception, async (req, res) => {
    const { date } = parseForm(WeekQuery, req.query, 400);
    const roomId = idParam(req.params.id, 'room');
    // Like the day view: one model and one finished page per data version, query and minute (the now-line).
    const minute = Math.floor(ctx.clock.now().toMillis() / 60_000);
    // Kept by the room's own counter (and the directory's: its name, hours and equipment are on the page), not the
    // global one: another room's booking no longer re-renders every room's week for every reader.
    const model = cachedUntilRoomsChange(ctx.db, 'pages', [roomId], true, `week|${currentLocale()}|${minute}|${roomId}|${date ?? ''}`, () => {
      const week = presentWeek(listRoomWeek({ ...ctx, ...deps }, roomId, date), listEquipment(ctx));
      return { week, pages: newPageStore() };
    });
    await sendCachedPage(req, res, model.pages, async (csrfToken, displayName) => [
      await render(req, 'schedule/week', {
        ...res.locals,
        ...readerAs(res, displayName),
        csrfToken,
        title: t('week.title', { room: model.week.room.name }),
        week: model.week,
        rowHtml,
      }),
    ]);
  });

  return router;
}
