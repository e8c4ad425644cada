import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { DateTime, Info } from 'luxon';
import type { AppContext } from '../context.ts';
import { zoneDay } from '../time/zone-day.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { fieldMessages, formPage, parseForm } from '../http/form.ts';
import { listBuildings, listEquipment } from '../rooms/service.ts';
import { namesByEmail } from '../users/service.ts';
import { bookingLink, cellsMarkup, local } from '../availability/present.ts';
import { BookNowForm, FindTimeQuery, FormRowsQuery, RangeQuery, WorkHoursForm } from './schema.ts';
import { formRows } from './form-rows.ts';
import { findRoomsAcross, findTime, ownWorkHours, rememberBuilding, saveWorkHours, type FindTimeResult } from './service.ts';
import { currentLocale, t } from '../i18n/context.ts';
import { formatDate, zoneLabel } from '../i18n/format.ts';

const fmt = (ms: number, zone: string, f: string) => DateTime.fromMillis(ms, { zone }).toFormat(f);
// "yyyy-MM-dd" and "HH:mm" in a zone by arithmetic (zone-day.ts), the same text luxon's toFormat gives, without a
// zone conversion and format parse per value (they were a tenth of a find-a-time's CPU).
const localDate = (ms: number, zone: string) => local(ms, zone).date;
const hhmmIn = (ms: number, zone: string) => local(ms, zone).time;

/** What views/scheduling/find-time.ejs prints: every label is made here, in the zone it is shown in. */
function present(r: FindTimeResult, q: { required: string[]; optional: string[]; subject?: string | undefined }, query: URLSearchParams) {
  const lines = (list: string[]) => list.join('\n');
  const dayLink = (d: string) => {
    const p = new URLSearchParams(query);
    p.set('day', d);
    return `/find-time?${p}`;
  };
  // The grid's labels by arithmetic on the shown day (zone-day.ts): a luxon zone conversion per cell was most of the
  // page's CPU (21 people and 8 rooms × 26 cells).
  const zd = zoneDay(r.day, r.zone);
  const hhmm = (ms: number) => (zd ? zd.label(ms) : fmt(ms, r.zone, 'HH:mm'));
  // Three words looked up once per page, not per cell.
  const words = { busy: t('strip.busy'), off: t('scheduling.off_hours'), free: t('strip.free') };
  const labelOf = (cell: { start: number; state: string }) =>
    `${hhmm(cell.start)} ${cell.state === 'busy' ? words.busy : cell.state === 'off' ? words.off : words.free}`;
  // The cells and their finished markup (views/scheduling/_rows.ejs prints it; 28 rows × 26 cells escaped one by one
  // were most of the page's render).
  const cellsOf = (list: { start: number; state: string }[]) => {
    const cells = list.map((c) => ({ state: c.state, title: labelOf(c) }));
    return { cells, cellsHtml: cellsMarkup(cells.map((c) => ({ className: `cell ${c.state}`, title: c.title }))) };
  };
  return {
    zone: r.zone,
    seats: r.seats,
    exchangeUnavailable: r.exchangeUnavailable,
    days: r.days.map((d) => ({ date: d, label: formatDate(DateTime.fromISO(d), 'dayShort'), href: dayLink(d), current: d === r.day })),
    dayLabel: formatDate(DateTime.fromISO(r.day), 'weekdayDate'),
    proposals: r.proposals.map((p) => {
      const z = p.room.timeZone;
      const fields = {
        roomId: String(p.room.id),
        date: localDate(p.slot.start, z),
        start: hhmmIn(p.slot.start, z),
        end: hhmmIn(p.slot.end, z),
        required: lines(q.required),
        optional: lines(q.optional),
      };
      return {
        label: `${formatDate(DateTime.fromMillis(p.slot.start, { zone: z }), 'dayShort')}, ${fields.start}–${fields.end}`,
        room: `${p.room.name} (${t('room.people', { count: p.room.capacity })}, ${t('room.place', { building: p.room.building, floor: p.room.floor })})`,
        zone: z,
        optionalBusy: p.optionalBusy,
        otherRooms: p.otherRooms.map((o) => o.name),
        // One click books when a subject was given; otherwise the booking form opens filled in.
        post: q.subject ? { ...fields, subject: q.subject, idempotencyKey: randomBytes(16).toString('base64url') } : null,
        href: `/bookings/new?${new URLSearchParams(fields)}`,
      };
    }),
    grid: r.grid && {
      scale: (r.grid.people[0]?.cells ?? r.grid.rooms[0]?.cells ?? []).map((c) => {
        const hm = hhmm(c.start);
        return hm.endsWith(':00') && Number(hm.slice(0, 2)) % 2 === 0 ? hm : '';
      }),
      people: r.grid.people.map((p) => ({
        name: p.name ? `${p.name} (${p.email})` : p.email,
        role: p.required ? t('booking.role.required') : t('booking.role.optional'),
        note: p.known ? t('scheduling.works', { start: p.hours.start, end: p.hours.end, zone: zoneLabel(p.hours.timeZone) }) : t('scheduling.no_freebusy'),
        ...cellsOf(p.cells),
        busy: p.cells.filter((c) => c.state === 'busy').map((c) => hhmm(c.start)),
      })),
      rooms: r.grid.rooms.map((x) => ({
        name: `${x.room.name} (${x.room.capacity})`,
        ...cellsOf(x.cells),
        busy: x.cells.filter((c) => c.state === 'busy').map((c) => hhmm(c.start)),
      })),
    },
  };
}

/** GET /find-time: people and rooms together, and the first times all required people and a room are free. */
export function schedulingRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', ...pages.signedIn, async (req, res) => {
    const user = req.user!;
    const query = new URLSearchParams(req.url.split('?')[1] ?? '');
    const asked = query.has('required') || query.has('duration');
    const model = {
      title: t('nav.find_time'),
      buildings: listBuildings(ctx),
      equipment: listEquipment(ctx),
      values: asked ? req.query : { duration: '60' },
      errors: {},
      result: null as unknown,
      me: user.email,
    };
    if (!asked) return res.render('scheduling/find-time', model);
    const parsed = FindTimeQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400);
      return res.render('scheduling/find-time', { ...model, errors: fieldMessages(parsed.error) });
    }
    const q = parsed.data;
    const names = namesByEmail(ctx, [...q.required, ...q.optional]);
    const result = await findTime(ctx, user, q, names);
    res.render('scheduling/find-time', { ...model, result: present(result, q, query) });
  });

  /** GET /find-time/rooms: search across days — each room's first free slots from..to, any time, mornings or afternoons. */
  router.get('/rooms', ...pages.signedIn, async (req, res) => {
    const now = ctx.clock.now().setZone('Europe/London');
    const friday = now.plus({ days: (5 - now.weekday + 7) % 7 });
    const nextMonday = now.plus({ days: 8 - now.weekday });
    const presets = [
      { label: t('scheduling.preset.week'), href: `/find-time/rooms?${new URLSearchParams({ from: now.toISODate()!, to: friday.toISODate()!, part: 'any' })}` },
      {
        label: t('scheduling.preset.mon_wed'),
        href: `/find-time/rooms?${new URLSearchParams({ from: nextMonday.toISODate()!, to: nextMonday.plus({ days: 2 }).toISODate()!, part: 'afternoon' })}`,
      },
    ];
    const asked = Object.keys(req.query).length > 0;
    const model = {
      title: t('scheduling.across_days'),
      buildings: listBuildings(ctx),
      equipment: listEquipment(ctx),
      presets,
      values: asked ? req.query : { duration: '60', part: 'any' },
      errors: {},
      result: null as unknown,
    };
    if (!asked) return res.render('scheduling/rooms', model);
    const parsed = RangeQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400);
      return res.render('scheduling/rooms', { ...model, errors: fieldMessages(parsed.error) });
    }
    const r = await findRoomsAcross(ctx, parsed.data);
    const label = (ms: number, zone: string) => `${formatDate(DateTime.fromMillis(ms, { zone }), 'dayShort')} ${hhmmIn(ms, zone)}`;
    res.render('scheduling/rooms', {
      ...model,
      result: {
        exchangeUnavailable: r.exchangeUnavailable,
        range: r.days.length ? `${formatDate(DateTime.fromISO(r.days[0]!), 'dayShort')} – ${formatDate(DateTime.fromISO(r.days.at(-1)!), 'dayShort')}` : '',
        rooms: r.rooms.map(({ room, slots }) => ({
          name: room.name,
          facts: `${t('room.people', { count: room.capacity })} · ${t('room.place', { building: room.building, floor: room.floor })} · ${zoneLabel(room.timeZone)}`,
          slots: slots.map((s) => ({ label: `${label(s.start, room.timeZone)}–${hhmmIn(s.end, room.timeZone)}`, href: bookingLink(room, s) })),
        })),
      },
    });
  });

  /**
   * POST /find-time/now: the earliest free 30 or 60 minutes in a room of the chosen building (remembered for next
   * time) while the user is free too, opened in the booking form; one free/busy request like any search.
   */
  router.post('/now', ...pages.signedIn, async (req, res) => {
    const user = req.user!;
    const form = parseForm(BookNowForm, req.body, 400);
    rememberBuilding(ctx, user.id, form.building ?? null);
    const q = {
      required: [],
      optional: [],
      duration: form.duration,
      people: 1,
      building: form.building,
      equipment: [],
      from: undefined,
      day: undefined,
      subject: undefined,
    };
    const result = await findTime(ctx, user, q, new Map(), { earliestFirst: true, limit: 1 });
    const first = result.proposals[0];
    if (!first) {
      flash(
        req,
        'info',
        form.building
          ? t('scheduling.now_none_building', { building: form.building, minutes: form.duration })
          : t('scheduling.now_none', { minutes: form.duration }),
      );
      return res.redirect(303, '/');
    }
    const z = first.room.timeZone;
    const fields = {
      roomId: String(first.room.id),
      date: localDate(first.slot.start, z),
      start: hhmmIn(first.slot.start, z),
      end: hhmmIn(first.slot.end, z),
    };
    res.redirect(303, `/bookings/new?${new URLSearchParams(fields)}`);
  });
  /**
   * GET /find-time/rows: the booking form's "who is free" panel (an HTML fragment public/js/form-freebusy.js puts
   * under the attendees): the organizer and attendees beside the chosen room and other fits, one free/busy request.
   */
  router.get('/rows', ...pages.signedIn, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const parsed = FormRowsQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400);
      return res.render('scheduling/_form-rows', { rows: null, problems: Object.values(fieldMessages(parsed.error)) });
    }
    const names = namesByEmail(ctx, [...parsed.data.required, ...parsed.data.optional]);
    const rows = await formRows(ctx, req.user!, parsed.data, names);
    res.render('scheduling/_form-rows', { rows, problems: [] });
  });

  /** The working-hours page's model: the saved hours (or the defaults find a time assumes) and the weekday names. */
  const hoursModel = (req: Request) => {
    const saved = ownWorkHours(ctx, req.user!.email);
    const names = Info.weekdays('long', { locale: currentLocale() });
    return {
      title: t('scheduling.hours.title'),
      saved: saved !== null,
      weekdays: names.map((name, i) => ({ value: String(i + 1), name })),
      values: saved
        ? { timeZone: saved.timeZone, start: saved.start, end: saved.end, days: saved.days.map(String) }
        : { timeZone: 'Europe/London', start: '09:00', end: '17:00', days: ['1', '2', '3', '4', '5'] },
    };
  };

  /** GET /find-time/hours: the user's own working hours and zone, which find a time uses for them. */
  router.get('/hours', ...pages.signedIn, (req, res) => res.render('scheduling/hours', hoursModel(req)));

  /** POST /find-time/hours */
  router.post('/hours', ...pages.signedIn, formPage('scheduling/hours', hoursModel), (req, res) => {
    const input = parseForm(WorkHoursForm, req.body);
    saveWorkHours(ctx, req.user!.email, { timeZone: input.timeZone, start: input.start, end: input.end, days: input.days });
    flash(req, 'success', t('scheduling.hours.saved'));
    res.redirect(303, '/find-time/hours');
  });
  return router;
}
