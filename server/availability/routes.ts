import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { fieldMessages } from '../http/form.ts';
import { listBuildings, listEquipment } from '../rooms/service.ts';
import { zoneLabel } from '../i18n/format.ts';
import { FindQuery } from './schema.ts';
import { bookingLink, presentStrip, slotLabel } from './present.ts';
import { findRooms, type FindResult, type LocalBookings, type RoomOption, type TimeSuggestion } from './service.ts';
import { t } from '../i18n/context.ts';

/**
 * Draws the attendees' free/busy rows beside the rooms found. Scheduling owns people's working hours and rows, and it
 * already depends on this folder, so app.ts hands the function in instead of this folder importing scheduling.
 */
export type PeopleRows = (ctx: AppContext, user: { email: string; displayName: string }, date: string, result: FindResult, people: string[]) => object;

/** How many matching rooms the results page draws before "Show all". */
const SHOWN = 25;

/** GET /find: find a free room for a time. `local`: the app's own bookings (app.ts hands in bookings' queries). */
export function availabilityRoutes(ctx: AppContext, local: LocalBookings, peopleRows: PeopleRows): Router {
  const router = Router();
  router.get('/', ...pages.signedIn, async (req, res) => {
    const catalogue = listEquipment(ctx);
    const now = ctx.clock.now().setZone('Europe/London');
    const nextHour = now.plus({ hours: 1 }).startOf('hour');
    const defaults = { date: nextHour.toFormat('yyyy-MM-dd'), start: nextHour.toFormat('HH:mm'), end: nextHour.plus({ hours: 1 }).toFormat('HH:mm') };
    const asked = req.query.date !== undefined || req.query.start !== undefined;
    const model = {
      title: t('nav.find'),
      buildings: listBuildings(ctx),
      equipment: catalogue,
      values: asked ? req.query : defaults,
      errors: {},
      result: null as unknown,
    };
    if (!asked) return res.render('availability/find', model);

    const parsed = FindQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400);
      return res.render('availability/find', { ...model, errors: fieldMessages(parsed.error) });
    }
    // Attendees typed (and the searcher) are asked in the same free/busy request as the rooms (issue 16).
    const me = req.user!.email.toLowerCase();
    const people = parsed.data.attendees.length ? [me, ...parsed.data.attendees.filter((e) => e !== me)] : [];
    // The best-fitting SHOWN rooms are drawn, unless the user asks for all (issue 13: 2,000 free rooms' cards were
    // most of a 5,000-room search, and nobody reads them). The count is always of every free room.
    const all = req.query.all === '1';
    const result = await findRooms(ctx, local, parsed.data, { strips: all ? Infinity : SHOWN, alsoAsk: people });
    // The card shows name, seats, place and equipment only: presentRoom's durations and notes (plural messages per
    // room) are not drawn here. Labels and the zone note are looked up once per search, not per card.
    const labels = new Map(catalogue.map((e) => [e.code, e.label]));
    const zoneNotes = new Map<string, string>();
    const zoneNote = (zone: string) => {
      let note = zoneNotes.get(zone);
      if (note === undefined) zoneNotes.set(zone, (note = t('strip.times_in', { zone: zoneLabel(zone) })));
      return note;
    };
    const option = (o: RoomOption) => ({
      id: o.room.id,
      name: o.room.name,
      capacity: o.room.capacity,
      building: o.room.building,
      floor: o.room.floor,
      timeZone: o.room.timeZone,
      equipment: o.room.equipment.map((code) => ({ code, label: labels.get(code) ?? code })),
      zoneNote: zoneNote(o.room.timeZone),
      times: slotLabel(o.room, o.slot),
      strip: presentStrip(o.room.name, o.strip),
      // "8 seats, 10 too few" says how far off a room is (issue 16), not just its size.
      misses: o.misses.map((m) =>
        m === t('find.miss.seats', { count: o.room.capacity }) && parsed.data.people
          ? t('find.miss.seats_short', { seats: o.room.capacity, short: parsed.data.people - o.room.capacity })
          : m,
      ),
      href: bookingLink(o.room, o.slot),
    });
    const time = (t: TimeSuggestion) => ({
      label: `${slotLabel(t.room, t.slot)} in ${t.room.name} (${t.room.capacity})`,
      href: bookingLink(t.room, t.slot),
    });
    res.render('availability/find', {
      ...model,
      result: {
        matches: (all ? result.matches : result.matches.slice(0, SHOWN)).map(option),
        total: result.matches.length,
        showAll: !all && result.matches.length > SHOWN ? `${req.originalUrl}&all=1` : null,
        nearMisses: result.nearMisses.map(option),
        otherTimes: result.otherTimes.map(time),
        exchangeUnavailable: result.exchangeUnavailable,
        zones: result.zones,
        rows: people.length && result.window ? peopleRows(ctx, req.user!, parsed.data.date, result, people) : null,
      },
    });
  });
  return router;
}
