// Door-display actions (issue 15): Book now, Extend, End early, Check in, for a token an admin allowed to act. Every
// action goes to Exchange through the outbox (the bookings service queues it) and is audited with the token's name.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit, type Actor } from '../audit/record.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { changeEnd, createBooking, getBooking } from '../bookings/service.ts';
import type { Room } from '../rooms/service.ts';
import { roomDisplayState, type ScheduleItem } from '../schedule/service.ts';
import type { DeviceToken } from '../schedule/tokens.ts';
import { findUser, type User } from '../users/service.ts';
import * as repo from './repo.ts';
import { checkIn, checkinLabels, checkinView } from './service.ts';
import { t, tFor } from '../i18n/context.ts';
import { organizerLocale } from '../i18n/meeting-body.ts';

export const BOOK_MINUTES = [15, 30, 45, 60] as const;
export const EXTEND_MINUTES = [15, 30] as const;
const MINUTE = 60_000;

/** The token-bound form secret: a page from elsewhere cannot post without having read this display's page. */
export function formSecret(appSecret: string, token: Pick<DeviceToken, 'id'>, alias: string): string {
  return createHmac('sha256', appSecret).update(`display-form:${token.id}:${alias.toLowerCase()}`).digest('base64url');
}

export function formSecretOk(appSecret: string, token: Pick<DeviceToken, 'id'>, alias: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const want = Buffer.from(formSecret(appSecret, token, alias));
  const got = Buffer.from(given);
  return want.length === got.length && timingSafeEqual(want, got);
}

export interface DisplaySettings {
  canAct: boolean;
  walkinUserId: number | null;
  /** Named people a "Book now" meeting may be organized by, chosen on the display (empty = the walk-in account). */
  peopleIds?: number[];
}

export function displaySettings(ctx: Pick<AppContext, 'db'>, tokenId: number): DisplaySettings {
  return { ...repo.displaySettings(ctx.db, tokenId), peopleIds: repo.displayPeople(ctx.db, tokenId) };
}

export function saveDisplaySettings(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, tokenId: number, s: DisplaySettings): void {
  ctx.db
    .transaction(() => {
      const before = displaySettings(ctx, tokenId);
      if (!repo.setDisplaySettings(ctx.db, tokenId, s)) throw new NotFoundError('token');
      if (s.peopleIds) repo.setDisplayPeople(ctx.db, tokenId, s.peopleIds);
      recordAudit(ctx, actor, 'device_token.actions', { type: 'device_token', id: tokenId }, before, s);
    })
    .immediate();
}

/** The display's actor: the token's name in the audit trail. */
const actorOf = (token: DeviceToken): Actor => ({ id: null, username: `display: ${token.label}` });

/** Where the room's day stands for the buttons. */
function situation(ctx: AppContext, room: Room, now: DateTime) {
  const { state } = roomDisplayState({ ...ctx, checkinLabels }, room, now);
  const nowMs = now.toMillis();
  const closes = DateTime.fromISO(`${now.setZone(room.timeZone).toFormat('yyyy-MM-dd')}T${room.closesAt}`, { zone: room.timeZone }).toMillis();
  const current = state.current;
  const currentBooking = current?.kind === 'booking' ? current : null;
  const next = state.upcoming.find((i) => i.start >= (current?.end ?? nowMs));
  return { state, nowMs, closes, current, currentBooking, next };
}

/** Start of a "Book now" meeting: this minute (the booking rules allow a start a few minutes back). */
const startMinute = (nowMs: number) => Math.floor(nowMs / MINUTE) * MINUTE;

export interface DisplayActions {
  bookNow: number[];
  /** Who a Book now meeting may be for (the admin's list); empty = the walk-in account organizes it. */
  people: { id: number; name: string }[];
  extend: number[];
  endEarly: boolean;
  checkIn: boolean;
  /** The current booking the buttons act on. */
  bookingId: number | null;
}

/** Which buttons the display shows now (all empty for a token that may not act). */
export function availableActions(ctx: AppContext, token: DeviceToken, room: Room, now: DateTime): DisplayActions {
  const none: DisplayActions = { bookNow: [], people: [], extend: [], endEarly: false, checkIn: false, bookingId: null };
  const settings = displaySettings(ctx, token.id);
  if (!settings.canAct) return none;
  const s = situation(ctx, room, now);
  if (!s.current) {
    const start = startMinute(s.nowMs);
    const limit = Math.min(s.next?.start ?? Infinity, s.closes);
    const people = (settings.peopleIds ?? []).map((id) => findUser(ctx, id)).flatMap((u) => (u ? [{ id: u.id, name: u.displayName }] : []));
    const bookNow = settings.walkinUserId === null && !people.length ? [] : BOOK_MINUTES.filter((m) => start + m * MINUTE <= limit);
    // CASE: the next meeting's window opens before its start: it can be checked in to from the door already.
    const soon = s.next?.kind === 'booking' ? getBooking(ctx, s.next.id) : undefined;
    if (soon && checkinView(ctx, soon, room).canCheckIn) return { ...none, bookNow, people, checkIn: true, bookingId: soon.id };
    return { ...none, bookNow, people };
  }
  if (!s.currentBooking) return none; // an Outlook meeting: the app cannot change it
  const b = getBooking(ctx, s.currentBooking.id);
  if (!b) return none;
  const limit = Math.min(s.next?.start ?? Infinity, s.closes);
  const view = checkinView(ctx, b, room);
  return {
    bookNow: [],
    people: [],
    extend: EXTEND_MINUTES.filter((m) => s.currentBooking!.end + m * MINUTE <= limit),
    // Only what is under way and has more than a minute left (ending the last minute early frees nothing).
    endEarly: s.currentBooking.end - s.nowMs > MINUTE && s.currentBooking.start < s.nowMs,
    checkIn: view.canCheckIn,
    bookingId: b.id,
  };
}

export class DisplayActionRefused extends ConflictError {}

const refuse = (message: string): never => {
  throw new DisplayActionRefused(message);
};

/**
 * Book now: a meeting from this minute, checked in at once (someone is there), organized by the person chosen on the
 * display from the admin's list, or by the walk-in account when the token has no list.
 */
export async function bookNow(ctx: AppContext, token: DeviceToken, room: Room, minutes: number, personId?: number): Promise<void> {
  const now = ctx.clock.now();
  const allowed = availableActions(ctx, token, room, now);
  if (!allowed.bookNow.includes(minutes)) refuse(t('display.refuse.not_free'));
  const listed = allowed.people.find((p) => p.id === personId);
  // CASE: a list is configured: a person from it must be chosen (anyone else is refused, whatever the form says).
  if (allowed.people.length && !listed) refuse(t('display.refuse.choose_person'));
  const walkin =
    (listed ? findUser(ctx, listed.id) : findUser(ctx, displaySettings(ctx, token.id).walkinUserId ?? -1)) ?? refuse(t('display.refuse.no_walkin'));
  const start = DateTime.fromMillis(startMinute(now.toMillis()), { zone: room.timeZone });
  const end = start.plus({ minutes });
  // The display books as reception would on behalf of the walk-in account; the audit trail names the token.
  const deviceActor: User = { ...walkin, username: actorOf(token).username, role: 'receptionist' };
  const { booking } = await createBooking(ctx, deviceActor, {
    roomId: room.id,
    date: start.toFormat('yyyy-MM-dd'),
    start: start.toFormat('HH:mm'),
    end: end.toFormat('HH:mm'),
    // Written into Exchange in the walk-in organizer's language (else the organisation's, not the display's).
    subject: tFor(organizerLocale(walkin.locale), 'display.walkin.subject'),
    description: tFor(organizerLocale(walkin.locale), 'display.walkin.description', { label: token.label }),
    required: [],
    optional: [],
    private: false,
    organizerId: walkin.id,
    idempotencyKey: `display-${token.id}-${room.id}-${start.toMillis()}`,
  });
  checkIn(ctx, actorOf(token), booking.id, token.label);
}

/** Extend the meeting under way by 15 or 30 minutes when the room is free after it. */
export function extend(ctx: AppContext, token: DeviceToken, room: Room, bookingId: number, minutes: number): void {
  const allowed = availableActions(ctx, token, room, ctx.clock.now());
  if (allowed.bookingId !== bookingId || !allowed.extend.includes(minutes)) refuse(t('display.refuse.not_free_after'));
  const b = getBooking(ctx, bookingId)!;
  changeEnd(ctx, actorOf(token), bookingId, toDbTime(DateTime.fromISO(b.endsAt).plus({ minutes })));
}

/** End early: the meeting ends now (to the second, so the door shows free at once); Exchange gets the shortened meeting. */
export function endEarly(ctx: AppContext, token: DeviceToken, room: Room, bookingId: number): void {
  const now = ctx.clock.now();
  const allowed = availableActions(ctx, token, room, now);
  if (allowed.bookingId !== bookingId || !allowed.endEarly) refuse(t('display.refuse.cannot_end'));
  const end = now.toUTC().startOf('second');
  changeEnd(ctx, actorOf(token), bookingId, toDbTime(end));
}

export function checkInAtDoor(ctx: AppContext, token: DeviceToken, room: Room, bookingId: number): void {
  const allowed = availableActions(ctx, token, room, ctx.clock.now());
  if (allowed.bookingId !== bookingId || !allowed.checkIn) refuse(t('display.refuse.nothing_to_checkin'));
  checkIn(ctx, actorOf(token), bookingId, token.label);
}

export type { ScheduleItem };
