// A room's photo (issue 16): an admin adds, replaces or removes it on the room form; the room's page shows it.
// What a file is comes from its first bytes (its magic number and header), never from the name or the type the
// browser declared: a renamed HTML page, an SVG (scripts) or a GIF is refused, and so is a cut-off upload.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit, type Actor } from '../audit/record.ts';
import { text } from '../http/fields.ts';
import * as repo from './photo.repo.ts';
import type { PhotoType } from './photo.repo.ts';
import { getRoom } from './service.ts';

export type { RoomPhoto, RoomPhotoMeta, PhotoType } from './photo.repo.ts';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

/** The largest photo accepted: plenty for a room's picture on a page, small enough to keep in the database. */
export const PHOTO_MAX_BYTES = 2 * 1024 * 1024;
/** A header that claims more than this is not a room photo (and would be a decompression bomb in a browser). */
const MAX_SIDE = 12_000;

export const PhotoForm = z.object({ altText: text('rooms.photo.alt', 200) });

export interface SniffedImage {
  contentType: PhotoType;
  width: number;
  height: number;
}

const startsWith = (b: Buffer, bytes: number[], at = 0) => b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x);
const ascii = (b: Buffer, at: number, s: string) => b.length >= at + s.length && b.toString('latin1', at, at + s.length) === s;
const sized = (contentType: PhotoType, width: number, height: number): SniffedImage | null =>
  width > 0 && height > 0 && width <= MAX_SIDE && height <= MAX_SIDE ? { contentType, width, height } : null;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** PNG: the signature, then IHDR first (width and height), and the IEND chunk last (else the file was cut off). */
function png(b: Buffer): SniffedImage | null {
  if (!startsWith(b, PNG) || b.length < 8 + 25 + 12 || !ascii(b, 12, 'IHDR')) return null;
  if (!ascii(b, b.length - 8, 'IEND')) return null;
  return sized('image/png', b.readUInt32BE(16), b.readUInt32BE(20));
}

/** JPEG: SOI, then segments up to a frame header (SOFn: height and width); the EOI marker must close the file. */
function jpeg(b: Buffer): SniffedImage | null {
  if (!startsWith(b, [0xff, 0xd8, 0xff])) return null;
  // Some cameras write a few padding bytes after EOI; a cut-off file has none.
  const tail = b.subarray(Math.max(0, b.length - 64));
  if (tail.lastIndexOf(Buffer.from([0xff, 0xd9])) < 0) return null;
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = b.readUInt16BE(at + 2);
    if (length < 2) return null;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return at + 9 <= b.length ? sized('image/jpeg', b.readUInt16BE(at + 7), b.readUInt16BE(at + 5)) : null;
    if (marker === 0xda || marker === 0xd9) return null; // scan data before any frame header
    at += 2 + length;
  }
  return null;
}

/** WebP: RIFF….WEBP whose RIFF size matches the file (else cut off), then a VP8, VP8L or VP8X chunk. */
function webp(b: Buffer): SniffedImage | null {
  if (b.length < 30 || !ascii(b, 0, 'RIFF') || !ascii(b, 8, 'WEBP')) return null;
  const riff = b.readUInt32LE(4) + 8;
  if (riff !== b.length && riff + 1 !== b.length) return null;
  if (ascii(b, 12, 'VP8X')) return sized('image/webp', b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1);
  if (ascii(b, 12, 'VP8L')) {
    if (b[20] !== 0x2f) return null;
    const bits = b.readUInt32LE(21);
    return sized('image/webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (ascii(b, 12, 'VP8 ')) {
    if (!startsWith(b, [0x9d, 0x01, 0x2a], 23)) return null;
    return sized('image/webp', b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff);
  }
  return null;
}

/** The image's type and size read from its own bytes, or null for anything that is not a whole JPEG, PNG or WebP. */
export function sniffImage(bytes: Buffer): SniffedImage | null {
  return png(bytes) ?? jpeg(bytes) ?? webp(bytes);
}

export function roomPhotoMeta(ctx: Pick<AppContext, 'db'>, roomId: number): repo.RoomPhotoMeta | null {
  return repo.findRoomPhotoMeta(ctx.db, roomId);
}

export function roomPhoto(ctx: Pick<AppContext, 'db'>, roomId: number): repo.RoomPhoto | null {
  return repo.findRoomPhoto(ctx.db, roomId);
}

/** The photo's version: its ETag and the room page's ?v= both come from its stored time. */
export const photoVersion = (p: Pick<repo.RoomPhotoMeta, 'updatedAt'>): string => createHash('sha256').update(p.updatedAt).digest('base64url').slice(0, 16);

/** The room page's photo (its facts and a versioned URL, so a replaced photo is never served from a cache), or null. */
export function roomPagePhoto(ctx: Pick<AppContext, 'db'>, roomId: number): (repo.RoomPhotoMeta & { src: string }) | null {
  const meta = repo.findRoomPhotoMeta(ctx.db, roomId);
  return meta ? { ...meta, src: `/rooms/${roomId}/photo?v=${photoVersion(meta)}` } : null;
}

/** What the audit keeps of a photo: its facts, not its bytes. */
const audited = (p: repo.RoomPhotoMeta & { bytes?: Buffer }) => ({
  contentType: p.contentType,
  altText: p.altText,
  width: p.width,
  height: p.height,
  ...(p.bytes ? { size: p.bytes.length } : {}),
});

/** Adds or replaces the room's photo (already sniffed); audited as room.photo_updated. */
export function saveRoomPhoto(ctx: Ctx, actor: Actor, roomId: number, image: SniffedImage & { bytes: Buffer }, altText: string): repo.RoomPhotoMeta {
  return ctx.db
    .transaction(() => {
      getRoom(ctx, roomId);
      const before = repo.findRoomPhotoMeta(ctx.db, roomId);
      const photo = { ...image, altText, updatedAt: toDbTime(ctx.clock.now()) };
      repo.saveRoomPhotoRow(ctx.db, roomId, photo);
      recordAudit(ctx, actor, 'room.photo_updated', { type: 'room', id: roomId }, before ? audited(before) : null, audited(photo));
      return photo;
    })
    .immediate();
}

/** Removes the room's photo; false when it had none (nothing audited then). */
export function removeRoomPhoto(ctx: Ctx, actor: Actor, roomId: number): boolean {
  return ctx.db
    .transaction(() => {
      getRoom(ctx, roomId);
      const before = repo.findRoomPhotoMeta(ctx.db, roomId);
      if (!before || !repo.deleteRoomPhotoRow(ctx.db, roomId)) return false;
      recordAudit(ctx, actor, 'room.photo_removed', { type: 'room', id: roomId }, audited(before), null);
      return true;
    })
    .immediate();
}
