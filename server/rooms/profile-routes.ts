import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { idParam } from '../http/params.ts';
import { toActor } from '../users/service.ts';
import { readStored, storedMessage } from '../i18n/stored.ts';
import { t } from '../i18n/context.ts';
import { RoomProfileForm, roomProfile, saveRoomProfile } from './profile.ts';
import { getRoom } from './service.ts';

const firstMessage = (error: { issues: { message: string }[] }) => readStored(error.issues[0]?.message ?? storedMessage('rooms.profile.check'));

/** The room form's "Room page" section (views/rooms/_profile-admin.ejs reads res.locals.roomProfile); mounted before adminRoomRoutes. */
export function roomProfileRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/admin/rooms/:id/edit', ...pages.admin, (req, res, next) => {
    try {
      const room = getRoom(ctx, idParam(req.params.id, 'room'));
      res.locals.roomProfile = { roomId: room.id, ...roomProfile(ctx, room.id) };
    } catch {
      // The rooms route answers 404 itself.
    }
    next();
  });

  router.post('/admin/rooms/:id/profile', ...pages.admin, (req, res) => {
    const room = getRoom(ctx, idParam(req.params.id, 'room'));
    const parsed = RoomProfileForm.safeParse(req.body);
    if (!parsed.success) flash(req, 'error', firstMessage(parsed.error));
    else {
      saveRoomProfile(ctx, toActor(req.user!), room.id, parsed.data);
      flash(req, 'success', t('rooms.profile.saved', { room: room.name }));
    }
    res.redirect(303, `/admin/rooms/${room.id}/edit#room-page`);
  });
  return router;
}
