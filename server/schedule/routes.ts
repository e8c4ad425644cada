import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { parseForm } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import { listBuildings, listEquipment } from '../rooms/service.ts';
import { presentDay, presentWeek } from './present.ts';
import { DayQuery, WeekQuery } from './schema.ts';
import { listDaySchedule, listRoomWeek } from './service.ts';

const STYLES = { screen: 'schedule/day', print: 'schedule/print' } as const;

/** Reception pages: the day timeline, its print view and one room's week (receptionists and admins only). */
export function scheduleRoutes(ctx: AppContext): Router {
  const router = Router();

  const dayPage = (view: (typeof STYLES)[keyof typeof STYLES]) =>
    function renderDay(req: Request, res: Response) {
      const query = parseForm(DayQuery, req.query, 400);
      const day = listDaySchedule(ctx, query);
      const equipment = listEquipment(ctx);
      res.render(view, {
        title: view === STYLES.print ? 'Print: rooms of the day' : 'Schedule',
        day: presentDay(day, equipment, req.query as Record<string, unknown>),
        buildings: listBuildings(ctx),
        equipment,
        values: { ...(req.query as Record<string, unknown>), date: day.date },
      });
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
