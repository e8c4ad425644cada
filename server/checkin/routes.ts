// Check-in pages: the booking page's section, its buttons, the organizer's signed link, reception's exemption, and the
// room form's settings. Mounted by app.ts after sessions (the signed link needs no sign-in but lives with the rest).
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { idParam } from '../http/params.ts';
import { getBookingForViewer, type Booking } from '../bookings/service.ts';
import { getRoom } from '../rooms/service.ts';
import { registerCheckinLink } from './link-in-body.ts';
import { dueCheckins } from './timeline-due.ts';
import { hasRole } from '../users/roles.ts';
import { findUser, listUsers, toActor } from '../users/service.ts';
import { listDeviceTokens } from '../schedule/tokens.ts';
import { displaySettings, saveDisplaySettings } from './display.ts';
import { BuildingCheckinForm, DisplayActingForm, ExemptForm, ExemptPersonForm, RoomCheckinForm } from './schema.ts';
import * as checkin from './service.ts';
import { readStored, storedMessage } from '../i18n/stored.ts';
import { t } from '../i18n/context.ts';

/** Where a check-in button sends the user back to: the booking page, or the reception timeline it was pressed on. */
function backTo(req: Request, b: Pick<Booking, 'id'>): string {
  const back = (req.body as Record<string, unknown> | undefined)?.back;
  return typeof back === 'string' && /^\/schedule(\/[\w\-/]*)?(\?[\w=&%-]*)?$/.test(back) ? back : `/bookings/${b.id}`;
}

// Schema messages are catalog references (i18n/zod.ts): words in the request's language.
const firstMessage = (error: { issues: { message: string }[] }) => readStored(error.issues[0]?.message ?? storedMessage('checkin.err.check_values'));

export function checkinRoutes(ctx: AppContext): Router {
  const router = Router();
  const secret = ctx.config.sessionSecret;
  // The signed link in the meetings the app sends (PUBLIC_URL set).
  registerCheckinLink(ctx);

  /** The booking page's check-in section (views/checkin/_booking.ejs reads res.locals.checkin). */
  router.get('/bookings/:id', ...pages.signedIn, (req, res, next) => {
    try {
      const b = getBookingForViewer(ctx, req.user!, idParam(req.params.id, 'booking'));
      const view = checkin.checkinView(ctx, b, getRoom(ctx, b.roomId));
      res.locals.checkin = {
        bookingId: b.id,
        view,
        canExempt: hasRole(req.user!.role, 'receptionist'),
        linkPath: b.organizerId === req.user!.id && view.required ? checkin.checkinLinkPath(secret, b) : null,
      };
    } catch {
      // The bookings route answers (404, 403) for a booking this user may not see.
    }
    next();
  });

  /** The reception timeline's "check-in open now" list (views/checkin/_timeline-due.ejs reads res.locals.checkinDue). */
  router.get('/schedule', ...pages.reception, (req, res, next) => {
    const building = typeof req.query.building === 'string' && req.query.building ? req.query.building : null;
    const back = req.originalUrl;
    // Only the rooms' today lists them (timeline-due.ts); backTo() checks the address again.
    const date = typeof req.query.date === 'string' && req.query.date ? req.query.date : null;
    res.locals.checkinDue = { items: dueCheckins(ctx, building, date), back };
    next();
  });

  /** POST /bookings/:id/checkin: anyone who may see the booking (organizer, attendees, reception). */
  router.post('/bookings/:id/checkin', ...pages.signedIn, (req, res) => {
    const b = getBookingForViewer(ctx, req.user!, idParam(req.params.id, 'booking'));
    try {
      checkin.checkIn(ctx, toActor(req.user!), b.id, req.user!.displayName);
      flash(req, 'success', t('checkin.flash.checked_in', { subject: b.subject }));
    } catch (error) {
      if (!(error instanceof checkin.CheckinRefused)) throw error;
      flash(req, 'error', error.message);
    }
    res.redirect(303, backTo(req, b));
  });

  /** POST /bookings/:id/checkin-exempt: reception marks "no check-in needed" (or takes it back). */
  router.post('/bookings/:id/checkin-exempt', ...pages.reception, (req, res) => {
    const b = getBookingForViewer(ctx, req.user!, idParam(req.params.id, 'booking'));
    const { exempt } = ExemptForm.parse(req.body);
    try {
      checkin.setExempt(ctx, toActor(req.user!), b.id, exempt);
      flash(req, 'success', exempt ? t('checkin.flash.exempt') : t('checkin.flash.not_exempt'));
    } catch (error) {
      if (!(error instanceof checkin.CheckinRefused)) throw error;
      flash(req, 'error', error.message);
    }
    res.redirect(303, backTo(req, b));
  });

  /** GET /checkin/:id/:signature: the organizer's one-click link; works only inside the window. */
  router.get('/checkin/:id/:signature', (req: Request, res: Response) => {
    const id = idParam(req.params.id, 'booking');
    const b = checkin.verifyLink(ctx, secret, id, String(req.params.signature));
    res.set('Cache-Control', 'no-store');
    if (!b) return res.status(404).render('checkin/link', { title: t('checkin.action.checkin'), ok: false, message: t('checkin.link_invalid'), subject: null });
    try {
      checkin.checkIn(ctx, { id: b.organizerId, username: 'signed-link' }, b.id, 'the organizer’s link');
      res.render('checkin/link', { title: t('schedule.checkin.checked_in'), ok: true, message: t('checkin.link_ok'), subject: b.subject });
    } catch (error) {
      if (!(error instanceof checkin.CheckinRefused)) throw error;
      res.status(409).render('checkin/link', { title: t('checkin.action.checkin'), ok: false, message: error.message, subject: b.subject });
    }
  });

  /** The room form's check-in section (views/checkin/_room-settings.ejs reads res.locals.checkinRoom). */
  router.get('/admin/rooms/:id/edit', ...pages.admin, (req, res, next) => {
    try {
      const room = getRoom(ctx, idParam(req.params.id, 'room'));
      res.locals.checkinRoom = {
        roomId: room.id,
        building: room.building,
        choice: checkin.roomChoice(ctx, room.id),
        buildingDefault: checkin.buildingDefault(ctx, room.building),
        effective: checkin.settingsForRoom(ctx, room),
      };
    } catch {
      // The rooms route answers 404 itself.
    }
    next();
  });

  router.post('/admin/rooms/:id/checkin', ...pages.admin, (req, res) => {
    const room = getRoom(ctx, idParam(req.params.id, 'room'));
    const parsed = RoomCheckinForm.safeParse(req.body);
    if (!parsed.success) flash(req, 'error', firstMessage(parsed.error));
    else {
      checkin.saveRoomChoice(ctx, toActor(req.user!), room.id, parsed.data);
      flash(req, 'success', t('checkin.flash.room_saved', { room: room.name }));
    }
    res.redirect(303, `/admin/rooms/${room.id}/edit#checkin`);
  });

  router.post('/admin/rooms/:id/checkin-building', ...pages.admin, (req, res) => {
    const room = getRoom(ctx, idParam(req.params.id, 'room'));
    const parsed = BuildingCheckinForm.safeParse(req.body);
    if (!parsed.success) flash(req, 'error', firstMessage(parsed.error));
    else {
      checkin.saveBuildingDefault(ctx, toActor(req.user!), room.building, parsed.data);
      flash(req, 'success', t('checkin.flash.building_saved', { building: room.building }));
    }
    res.redirect(303, `/admin/rooms/${room.id}/edit#checkin`);
  });

  /** The users page's "exempt from check-in" section (views/checkin/_exempt-people.ejs reads res.locals.checkinExempt). */
  router.get('/admin/users', ...pages.admin, (_req, res, next) => {
    const exempt = checkin.exemptPeople(ctx);
    const ids = new Set(exempt.map((e) => e.user.id));
    res.locals.checkinExempt = {
      people: exempt.map((e) => ({ id: e.user.id, name: e.user.displayName, email: e.user.email, addedBy: e.addedBy })),
      others: listUsers(ctx)
        .filter((u) => u.active && !ids.has(u.id))
        .map((u) => ({ id: u.id, name: `${u.displayName} <${u.email}>` })),
    };
    next();
  });

  /** POST /admin/checkin/exempt-people: an admin adds a person to the list (exempt=on) or takes them off it. */
  router.post('/admin/checkin/exempt-people', ...pages.admin, (req, res) => {
    const parsed = ExemptPersonForm.safeParse(req.body);
    const user = parsed.success ? findUser(ctx, parsed.data.userId) : undefined;
    if (!parsed.success || !user) flash(req, 'error', t('checkin.exempt_people.unknown'));
    else {
      checkin.setPersonExempt(ctx, toActor(req.user!), user.id, parsed.data.exempt);
      flash(req, 'success', t(parsed.data.exempt ? 'checkin.exempt_people.added' : 'checkin.exempt_people.removed', { name: user.displayName }));
    }
    res.redirect(303, '/admin/users#checkin-exempt');
  });

  /** The displays page's "may act" section (views/checkin/_display-admin.ejs reads res.locals.displayActing). */
  router.get('/admin/displays', ...pages.admin, (_req, res, next) => {
    res.locals.displayActing = {
      tokens: listDeviceTokens(ctx)
        .filter((t) => !t.revokedAt)
        .map((t) => ({ id: t.id, label: t.label, ...displaySettings(ctx, t.id) })),
      people: listUsers(ctx)
        .filter((u) => u.active)
        .map((u) => ({ id: u.id, name: `${u.displayName} <${u.email}>` })),
    };
    next();
  });

  router.post('/admin/displays/:id/actions', ...pages.admin, (req, res) => {
    const id = idParam(req.params.id, 'token');
    const parsed = DisplayActingForm.safeParse(req.body);
    if (!parsed.success) flash(req, 'error', firstMessage(parsed.error));
    else if (parsed.data.walkinUserId !== null && !findUser(ctx, parsed.data.walkinUserId)) flash(req, 'error', t('checkin.flash.walkin_list'));
    else if (parsed.data.peopleIds.some((p) => !findUser(ctx, p))) flash(req, 'error', t('checkin.flash.walkin_list'));
    else {
      saveDisplaySettings(ctx, toActor(req.user!), id, parsed.data);
      flash(req, 'success', parsed.data.canAct ? t('checkin.flash.may_act') : t('checkin.flash.read_only'));
    }
    res.redirect(303, '/admin/displays#display-actions');
  });

  return router;
}
