import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit, type Actor } from '../audit/record.ts';
import { AppError, FieldErrors, NotFoundError } from '../errors.ts';
import { findRoomByAlias, listAllRooms, type Room } from '../rooms/service.ts';
import * as repo from './repo.ts';
import { t } from '../i18n/context.ts';
import type { Locale } from '../i18n/catalog.ts';

export type { DeviceToken } from './repo.ts';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

// Getters: the words are read per request, in the reader's language.
const messages = {
  get unknownRoom() {
    return t('displays.rooms_from_list');
  },
  get missing() {
    return t('displays.token_missing');
  },
  get invalid() {
    return t('displays.token_invalid');
  },
};

/** The request carried no token, or one that is unknown or revoked (401, so devices can tell it from "no such room"). */
export class TokenError extends AppError {
  constructor(message: string) {
    super(401, 'invalid_token', message);
  }
}

/** Prefix makes a leaked token recognisable to secret scanners and people alike. */
const PREFIX = 'rbd_';
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface CreateTokenInput {
  /** What the admin calls the device or subscription. */
  label: string;
  /** Rooms the token may read (at least one). */
  roomIds: number[];
  /** Show meeting subjects; otherwise meetings read "Busy" on the display, the API and the feed. */
  showSubjects: boolean;
  /** The display's and feed's language; null or absent = DEFAULT_LOCALE. */
  locale?: Locale | null;
}

/** Creates a token; the secret is returned once and only its hash is stored. */
export function createDeviceToken(ctx: Ctx, actor: Actor, input: CreateTokenInput): { token: repo.DeviceToken; secret: string } {
  const known = new Set(listAllRooms(ctx).map((r) => r.id));
  if (!input.roomIds.length || input.roomIds.some((id) => !known.has(id))) throw new FieldErrors({ roomIds: messages.unknownRoom });
  const secret = PREFIX + randomBytes(24).toString('base64url');
  return ctx.db
    .transaction(() => {
      const id = repo.insertToken(ctx.db, {
        label: input.label,
        hash: hashOf(secret),
        hint: secret.slice(-4),
        showSubjects: input.showSubjects,
        createdById: actor.id,
        at: toDbTime(ctx.clock.now()),
        roomIds: [...new Set(input.roomIds)],
        locale: input.locale ?? null,
      });
      const token = repo.findToken(ctx.db, id)!;
      // The audit row names the token by id and hint; the secret never reaches the audit trail or the logs.
      recordAudit(ctx, actor, 'device_token.created', { type: 'device_token', id }, null, auditView(token));
      return { token, secret };
    })
    .immediate();
}

export function revokeDeviceToken(ctx: Ctx, actor: Actor, id: number): repo.DeviceToken {
  return ctx.db
    .transaction(() => {
      const before = repo.findToken(ctx.db, id);
      if (!before) throw new NotFoundError('token');
      if (!repo.revokeTokenRow(ctx.db, id, toDbTime(ctx.clock.now()))) return before;
      const after = repo.findToken(ctx.db, id)!;
      recordAudit(ctx, actor, 'device_token.revoked', { type: 'device_token', id }, auditView(before), auditView(after));
      return after;
    })
    .immediate();
}

export function listDeviceTokens(ctx: Ctx): repo.DeviceToken[] {
  return repo.listTokens(ctx.db);
}

// Recording every poll of every door tablet would be a write per request; once a minute is enough to see it is alive.
const TOUCH_EVERY_MS = 60_000;

/** Finds the live token for a secret; throws TokenError otherwise. */
export function authenticateToken(ctx: Ctx, secret: string | undefined): repo.DeviceToken {
  if (!secret) throw new TokenError(messages.missing);
  if (!secret.startsWith(PREFIX) || secret.length > 100) throw new TokenError(messages.invalid);
  const token = repo.findLiveTokenByHash(ctx.db, hashOf(secret));
  if (!token) throw new TokenError(messages.invalid);
  const now = ctx.clock.now();
  // Date.parse, not luxon: this runs on every door-display poll, and the stored time is a UTC ISO string.
  if (!token.lastUsedAt || now.toMillis() - Date.parse(token.lastUsedAt) > TOUCH_EVERY_MS) {
    repo.touchToken(ctx.db, token.id, toDbTime(now));
  }
  return token;
}

/** The room behind an alias if the token may read it; a room outside its scope looks like no room at all. */
export function roomForToken(ctx: Ctx, token: repo.DeviceToken, alias: string): Room {
  const room = findRoomByAlias(ctx, alias);
  if (!room || !room.active || !token.roomIds.includes(room.id)) throw new NotFoundError('room');
  return room;
}

export function roomsForToken(ctx: Ctx, token: repo.DeviceToken): Room[] {
  return listAllRooms(ctx).filter((r) => r.active && token.roomIds.includes(r.id));
}

const auditView = (t: repo.DeviceToken) => ({
  label: t.label,
  hint: t.hint,
  rooms: t.roomIds,
  showSubjects: t.showSubjects,
  locale: t.locale,
  revokedAt: t.revokedAt,
});
