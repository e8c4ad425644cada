import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { fieldMessages, formPage, parseForm } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import { hasRole } from '../users/roles.ts';
import { toActor } from '../users/service.ts';
import { presentRoom, presentRoomDay, roomFormValues, roomToday, type RoomDaySource } from './present.ts';
import { DirectoryQuery, EquipmentForm, RoomDayQuery, RoomForm } from './schema.ts';
import * as rooms from './service.ts';
import { roomProfile } from './profile.ts';
import { roomPagePhoto } from './photo.ts';
import type { MailboxProblem } from './service.ts';
import { t } from '../i18n/context.ts';

const messages = {
  created: (name: string) => t('rooms.flash.created', { name }),
  updated: (name: string) => t('rooms.flash.updated', { name }),
  deactivated: (name: string) => t('rooms.flash.deactivated', { name }),
  activated: (name: string) => t('rooms.flash.activated', { name }),
  notVerified: (name: string, why: MailboxProblem) => t(why === 'unreachable' ? 'rooms.flash.unverified_unreachable' : 'rooms.flash.unverified', { name }),
  equipmentAdded: (label: string) => t('equipment.flash.added', { label }),
};

/**
 * Room directory and detail pages for every signed-in user. `days` answers a room's day; app.ts passes the schedule's
 * query in, because the schedule (and availability) import rooms and a way back would be a feature cycle.
 */
export function roomRoutes(ctx: AppContext, days: RoomDaySource): Router {
  const router = Router();

  /** GET /rooms */
  router.get('/', ...pages.signedIn, (req, res) => {
    const catalogue = rooms.listEquipment(ctx);
    const parsed = DirectoryQuery.safeParse(req.query);
    const errors = parsed.success ? {} : fieldMessages(parsed.error);
    if (!parsed.success) res.status(400);
    const list = rooms.listRooms(ctx, parsed.success ? parsed.data : {});
    res.render('rooms/index', {
      title: t('nav.rooms'),
      rooms: list.map((r) => presentRoom(r, catalogue)),
      buildings: rooms.listBuildings(ctx),
      equipment: catalogue,
      values: req.query,
      errors,
    });
  });

  /** GET /rooms/:id?date=YYYY-MM-DD: the room's facts and its day (default today in the room's zone) */
  router.get('/:id', ...pages.signedIn, (req, res) => {
    const room = rooms.getRoom(ctx, idParam(req.params.id, 'room'));
    if (!room.active && !hasRole(req.user!.role, 'admin')) throw new NotFoundError('room');
    // A bad date is answered on the room's own page (400, the message by the date field) with today shown instead.
    const parsed = RoomDayQuery.safeParse(req.query);
    const errors = parsed.success ? {} : fieldMessages(parsed.error);
    if (!parsed.success) res.status(400);
    const now = ctx.clock.now();
    const date = (parsed.success ? parsed.data.date : undefined) ?? roomToday(room, now);
    const profile = roomProfile(ctx, room.id);
    const viewer = { email: req.user!.email, seesAllSubjects: hasRole(req.user!.role, 'receptionist'), roomShowsSubjects: profile.showSubjects };
    const weekView = req.query.view === 'week' && days.week !== undefined;
    const week = weekView ? days.week!(room, date).map((d) => presentRoomDay(room, d.date, d, days, now, viewer)) : null;
    res.render('rooms/show', {
      week,
      title: room.name,
      errors,
      values: { date: parsed.success ? date : String(req.query.date ?? '') },
      room: presentRoom(room, rooms.listEquipment(ctx)),
      profile,
      photo: roomPagePhoto(ctx, room.id),
      day: presentRoomDay(room, date, days.day(room, date), days, now, viewer),
    });
  });

  return router;
}

/** Room administration under /admin. */
export function adminRoomRoutes(ctx: AppContext): Router {
  const router = Router();
  const formModel = (req: Request, error?: unknown) => {
    const id = req.params.id ? idParam(req.params.id, 'room') : undefined;
    const room = id ? rooms.getRoom(ctx, id) : undefined;
    return {
      title: room ? t('rooms.edit_label', { room: room.name }) : t('rooms.new'),
      room: room ? presentRoom(room, rooms.listEquipment(ctx)) : null,
      equipment: rooms.listEquipment(ctx),
      values: roomFormValues(room),
      // Offered only once Exchange has said no, so nobody skips the check by habit.
      offerSaveAnyway: error instanceof rooms.MailboxCheckFailed,
    };
  };

  /** GET /admin/rooms */
  router.get('/rooms', ...pages.admin, (_req, res) => {
    const catalogue = rooms.listEquipment(ctx);
    res.render('admin/rooms/index', { title: t('nav.admin_rooms'), rooms: rooms.listAllRooms(ctx).map((r) => presentRoom(r, catalogue)) });
  });

  /** GET /admin/rooms/new */
  router.get('/rooms/new', ...pages.admin, (req, res) => res.render('admin/rooms/form', formModel(req)));

  /** POST /admin/rooms */
  router.post('/rooms', ...pages.admin, formPage('admin/rooms/form', formModel), async (req, res) => {
    const input = parseForm(RoomForm, req.body);
    const unverified = await rooms.checkMailbox(ctx, input, null);
    const room = rooms.createRoom(ctx, toActor(req.user!), input, unverified);
    flash(req, 'success', messages.created(room.name));
    if (unverified) flash(req, 'info', messages.notVerified(room.name, unverified));
    res.redirect(303, `/admin/rooms`);
  });

  /** GET /admin/rooms/:id/edit */
  router.get('/rooms/:id/edit', ...pages.admin, (req, res) => res.render('admin/rooms/form', formModel(req)));

  /** POST /admin/rooms/:id */
  router.post('/rooms/:id', ...pages.admin, formPage('admin/rooms/form', formModel), async (req, res) => {
    const id = idParam(req.params.id, 'room');
    const input = parseForm(RoomForm, req.body);
    const unverified = await rooms.checkMailbox(ctx, input, rooms.getRoom(ctx, id).id);
    const room = rooms.updateRoom(ctx, toActor(req.user!), id, input, unverified);
    flash(req, 'success', messages.updated(room.name));
    if (unverified) flash(req, 'info', messages.notVerified(room.name, unverified));
    res.redirect(303, `/admin/rooms`);
  });

  /** POST /admin/rooms/:id/deactivate and /activate */
  for (const [action, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    router.post(`/rooms/:id/${action}`, ...pages.admin, (req, res) => {
      const room = rooms.setRoomActive(ctx, toActor(req.user!), idParam(req.params.id, 'room'), active);
      flash(req, 'success', active ? messages.activated(room.name) : messages.deactivated(room.name));
      res.redirect(303, '/admin/rooms');
    });
  }

  const equipmentModel = () => ({ title: t('equipment.title'), equipment: rooms.listEquipment(ctx) });

  /** GET /admin/equipment */
  router.get('/equipment', ...pages.admin, (_req, res) => res.render('admin/equipment', equipmentModel()));

  /** POST /admin/equipment */
  router.post('/equipment', ...pages.admin, formPage('admin/equipment', equipmentModel), (req, res) => {
    const item = parseForm(EquipmentForm, req.body);
    rooms.addEquipment(ctx, toActor(req.user!), item);
    flash(req, 'success', messages.equipmentAdded(item.label));
    res.redirect(303, '/admin/equipment');
  });

  return router;
}
