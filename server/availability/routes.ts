import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { fieldMessages } from '../http/form.ts';
import { listBuildings, listEquipment } from '../rooms/service.ts';
import { presentRoom } from '../rooms/present.ts';
import { FindQuery } from './schema.ts';
import { findRooms, type RoomOption, type TimeSuggestion } from './service.ts';

function bookHref(roomId: number, slot: RoomOption['slot'], zone: string): string {
  const s = slot.start.setZone(zone);
  const e = slot.end.setZone(zone);
  const q = new URLSearchParams({ roomId: String(roomId), date: s.toFormat('yyyy-MM-dd'), start: s.toFormat('HH:mm'), end: e.toFormat('HH:mm') });
  return `/bookings/new?${q}`;
}

/** GET /find: find a free room for a time. */
export function availabilityRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', ...pages.signedIn, async (req, res) => {
    const catalogue = listEquipment(ctx);
    const now = ctx.clock.now().setZone('Europe/London');
    const nextHour = now.plus({ hours: 1 }).startOf('hour');
    const defaults = { date: nextHour.toFormat('yyyy-MM-dd'), start: nextHour.toFormat('HH:mm'), end: nextHour.plus({ hours: 1 }).toFormat('HH:mm') };
    const asked = req.query.date !== undefined || req.query.start !== undefined;
    const model = { title: 'Find a room', buildings: listBuildings(ctx), equipment: catalogue, values: asked ? req.query : defaults, errors: {}, result: null as unknown };
    if (!asked) return res.render('availability/find', model);

    const parsed = FindQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400);
      return res.render('availability/find', { ...model, errors: fieldMessages(parsed.error) });
    }
    const result = await findRooms(ctx, parsed.data);
    const option = (o: RoomOption) => ({
      ...presentRoom(o.room, catalogue),
      times: `${o.slot.start.setZone(o.room.timeZone).toFormat('HH:mm')}–${o.slot.end.setZone(o.room.timeZone).toFormat('HH:mm')}`,
      strip: o.strip,
      misses: o.misses,
      href: bookHref(o.room.id, o.slot, o.room.timeZone),
    });
    const time = (t: TimeSuggestion) => ({
      label: `${t.slot.start.setZone(t.room.timeZone).toFormat('HH:mm')}–${t.slot.end.setZone(t.room.timeZone).toFormat('HH:mm')} in ${t.room.name} (${t.room.capacity})`,
      href: bookHref(t.room.id, t.slot, t.room.timeZone),
    });
    res.render('availability/find', {
      ...model,
      result: {
        matches: result.matches.map(option),
        nearMisses: result.nearMisses.map(option),
        otherTimes: result.otherTimes.map(time),
        exchangeUnavailable: result.exchangeUnavailable,
        zones: result.zones,
      },
    });
  });
  return router;
}
