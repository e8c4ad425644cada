import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { fieldMessages } from '../http/form.ts';
import { multipartForm } from '../http/multipart.ts';
import { idParam } from '../http/params.ts';
import { t } from '../i18n/context.ts';
import { hasRole } from '../users/roles.ts';
import { toActor } from '../users/service.ts';
import {
  PHOTO_MAX_BYTES,
  PhotoForm,
  photoVersion,
  removeRoomPhoto,
  roomPagePhoto,
  roomPhoto,
  roomPhotoMeta,
  saveRoomPhoto,
  sniffImage,
  type RoomPhotoMeta,
} from './photo.ts';
import { getRoom } from './service.ts';

const UPLOAD_PATH = '/admin/rooms/:id/photo';
/** A replaced photo gets a new URL on the room page (?v=), so a cached copy is only ever the current one. */
const MAX_AGE_SECONDS = 3600;

/**
 * The upload form's multipart parser, mounted BEFORE csrfProtection (the token is a field of the parsed body).
 * Only a signed-in admin's post is parsed: anyone else's body is left unread and the CSRF check (no token) or the
 * route's admin check refuses it, so nobody else can make the server buffer a file.
 */
export function roomPhotoUploadParser(): Router {
  const router = Router();
  const parse = multipartForm({ fileField: 'photo', fileSize: PHOTO_MAX_BYTES, fields: 4 });
  router.post(UPLOAD_PATH, (req, res, next) => (req.user && hasRole(req.user.role, 'admin') ? parse(req, res, next) : next()));
  return router;
}

interface PhotoAdminModel {
  roomId: number;
  photo: (RoomPhotoMeta & { src: string }) | null;
  values: { altText: string };
  errors: Record<string, string>;
}

function photoAdminModel(ctx: AppContext, roomId: number, values?: { altText: string }, errors: Record<string, string> = {}): PhotoAdminModel {
  const photo = roomPagePhoto(ctx, roomId);
  return {
    roomId,
    photo,
    values: values ?? { altText: photo?.altText ?? '' },
    errors,
  };
}

/** The room photo's routes: the image itself, and the admin form's section (views/rooms/_photo-admin.ejs). */
export function roomPhotoRoutes(ctx: AppContext): Router {
  const router = Router();

  /** GET /rooms/:id/photo: the stored bytes, for signed-in people (like the room page). */
  router.get('/rooms/:id/photo', ...pages.signedIn, (req, res) => {
    const roomId = idParam(req.params.id, 'room');
    const photo = roomPhoto(ctx, roomId);
    if (!photo) throw new NotFoundError(t('rooms.photo.none'));
    res.set({
      'Content-Type': photo.contentType,
      'X-Content-Type-Options': 'nosniff',
      // Personal to the signed-in session: shared caches must not keep it.
      'Cache-Control': `private, max-age=${MAX_AGE_SECONDS}`,
      ETag: `"${photoVersion(photo)}"`,
      'Last-Modified': new Date(photo.updatedAt).toUTCString(),
      // Shown inline as an image; saved under a name a person recognises.
      'Content-Disposition': `inline; filename="room-${roomId}.${photo.contentType.slice('image/'.length)}"`,
    });
    // res.send answers 304 itself when the browser's If-None-Match / If-Modified-Since still matches.
    res.send(photo.bytes);
  });

  // The room form's section reads res.locals.roomPhotoAdmin; mounted before adminRoomRoutes renders the page.
  router.get('/admin/rooms/:id/edit', ...pages.admin, (req, _res, next) => {
    try {
      const room = getRoom(ctx, idParam(req.params.id, 'room'));
      _res.locals.roomPhotoAdmin = photoAdminModel(ctx, room.id);
    } catch {
      // The rooms route answers 404 itself.
    }
    next();
  });

  /** The form again with its errors, the typed description kept (a browser never refills a file input). */
  const refuse = (req: Request, res: Response, roomId: number, roomName: string, altText: string, errors: Record<string, string>) => {
    res.status(422).render('rooms/photo-admin', {
      title: t('rooms.photo.title_for', { room: roomName }),
      roomName,
      roomPhotoAdmin: photoAdminModel(ctx, roomId, { altText }, errors),
    });
  };

  /** POST /admin/rooms/:id/photo (multipart): add or replace the photo, or change only its description. */
  router.post(UPLOAD_PATH, ...pages.admin, (req, res) => {
    const room = getRoom(ctx, idParam(req.params.id, 'room'));
    const body = (req.body ?? {}) as Record<string, unknown>;
    const altText = typeof body.altText === 'string' ? body.altText : '';
    const parsed = PhotoForm.safeParse({ altText: body.altText });
    const errors: Record<string, string> = parsed.success ? {} : fieldMessages(parsed.error);
    const upload = req.upload;
    const existing = roomPhotoMeta(ctx, room.id);
    let image: ReturnType<typeof sniffImage> = null;
    if (!upload) {
      if (!existing) errors.photo = t('rooms.photo.choose');
    } else if (upload.tooLarge) errors.photo = t('rooms.photo.too_large', { max: PHOTO_MAX_BYTES / (1024 * 1024) });
    else if (!(image = sniffImage(upload.bytes))) errors.photo = t('rooms.photo.wrong_type');
    if (Object.keys(errors).length || !parsed.success) return refuse(req, res, room.id, room.name, altText, errors);
    if (image && upload) saveRoomPhoto(ctx, toActor(req.user!), room.id, { ...image, bytes: upload.bytes }, parsed.data.altText);
    else saveRoomPhoto(ctx, toActor(req.user!), room.id, { ...existing!, bytes: roomPhoto(ctx, room.id)!.bytes }, parsed.data.altText);
    flash(req, 'success', t(image ? 'rooms.photo.saved' : 'rooms.photo.alt_saved', { room: room.name }));
    res.redirect(303, `/admin/rooms/${room.id}/edit#room-photo`);
  });

  /** POST /admin/rooms/:id/photo/delete: remove it (the room page shows none again). */
  router.post('/admin/rooms/:id/photo/delete', ...pages.admin, (req, res) => {
    const room = getRoom(ctx, idParam(req.params.id, 'room'));
    const removed = removeRoomPhoto(ctx, toActor(req.user!), room.id);
    flash(req, removed ? 'success' : 'info', t(removed ? 'rooms.photo.removed' : 'rooms.photo.none', { room: room.name }));
    res.redirect(303, `/admin/rooms/${room.id}/edit#room-photo`);
  });

  return router;
}
