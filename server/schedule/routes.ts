import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { parseForm } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import { listBuildings, listEquipment } from '../rooms/service.ts';
import { cachedUntilChange } from './cache.ts';
import { presentDay, presentWeek } from './present.ts';
import { DayQuery, WeekQuery } from './schema.ts';
import { listDaySchedule, listRoomWeek } from './service.ts';

const STYLES = { screen: 'schedule/day', print: 'schedule/print' } as const;

/** Reception pages: the day timeline, its print view and one room's week (receptionists and admins only). */
export function scheduleRoutes(ctx: AppContext): Router {
  const router = Router();

  const renderPartial = (req: Request, view: string, locals: object) =>
    new Promise<string>((resolve, reject) => req.app.render(view, locals, (err: Error | null, html?: string) => (err ? reject(err) : resolve(html ?? ''))));

  const dayPage = (view: (typeof STYLES)[keyof typeof STYLES]) =>
    async function renderDay(req: Request, res: Response) {
      const query = parseForm(DayQuery, req.query, 400);
      // The page model depends on the data (the cache's change counter), the query and "now" to the minute (the
      // now-line, the gaps still bookable today, "updated at"): receptionists' 30-second refreshes share one model,
      // and the screen view shares its rendered timeline too (rendering 200 rooms costs more than the data).
      const minute = Math.floor(ctx.clock.now().toMillis() / 60_000);
      const model = await cachedUntilChange(ctx.db, `${view}|${minute}|${JSON.stringify(req.query)}`, async () => {
        const day = listDaySchedule(ctx, query);
        const equipment = listEquipment(ctx);
        const presented = presentDay(day, equipment, req.query as Record<string, unknown>);
        return {
          day: presented,
          timelineHtml: view === STYLES.screen ? await renderPartial(req, 'schedule/_day-body', { day: presented }) : '',
          buildings: listBuildings(ctx),
          equipment,
          values: { ...(req.query as Record<string, unknown>), date: day.date },
        };
      });
      res.render(view, { title: view === STYLES.print ? 'Print: rooms of the day' : 'Schedule', ...model });
    };

  /** GET /schedule?date=&building=&floor=&capacity=&equipment=&q= */
  router.get('/', ...pages.reception, dayPage(STYLES.screen));

  /** GET /schedule/print: the same day, A4 landscape, one building per page */
  router.get('/print', ...pages.reception, dayPage(STYLES.print));

  /** GET /schedule/rooms/:id/week?date= */
  router.get('/rooms/:id/week', ...pages.reception, (req, res) => {
    const { date } = parseForm(WeekQuery, req.query, 400);
    const week = presentWeek(listRoomWeek(ctx, idParam(req.params.id, 'room'), date), listEquipment(ctx));
    res.render('schedule/week', { title: `${week.room.name}: week`, week });
  });

  return router;
}
