import type { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit } from '../audit/record.ts';
import { ConflictError, SlotTakenError } from '../errors.ts';
import { findRooms } from '../availability/service.ts';
import { localBookings } from './queries.ts';
import { getRoom, listAllRooms, type Room } from '../rooms/service.ts';
import { getUser, type User } from '../users/service.ts';
import { canChangeBooking } from './policy.ts';
import { localTime } from './present.ts';
import type { Booking } from './repo.ts';
import * as repo from './replacement.repo.ts';
import { bookingsOfRoomInWindow, changeState, getBooking, roomRefused, updateBooking } from './service.ts';
import { ROOM_MAILBOX_UNKNOWN } from '../sync/words.ts';
import { storedMessage } from '../i18n/stored.ts';
import { t } from '../i18n/context.ts';

/**
 * Replacement rooms (issue 12): a room that declined a meeting (Outlook booked it first) or whose mailbox Exchange does
 * not know is replaced by another room free at the same time — offered to the organizer (one click moves the meeting),
 * or done by the app where the building's admin turned that on. The move is an ordinary booking change
 * (bookings/service.updateBooking: rules, Exchange free/busy and the room's calendar, the outbox), in which the
 * refusing room gets nothing more (`quietlyDropped`).
 */

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway' | 'wakeOutbox'>;

export type { RefusalReason, ReplacementRecord } from './replacement.repo.ts';

/** How many rooms the organizer is offered. */
export const MAX_REPLACEMENTS = 3;

/** Automatic replacements per booking: a chain of refusing rooms stops here and is left to the organizer. */
const MAX_AUTOMATIC = 2;

const REPLACER = { id: null, username: 'replacement' };

/** Why the booking needs another room; null when its room did not refuse it. */
export function refusalOf(b: Pick<Booking, 'state' | 'roomResponse' | 'failedReason'>): repo.RefusalReason | null {
  if (!roomRefused(b)) return null;
  return b.state === 'declined' ? 'declined' : 'mailbox-unknown';
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The best replacements among rooms free for the slot: at least the refusing room's seats and every piece of its
 * equipment, and not a room saved with a mailbox Exchange did not know; the same building first (then the same floor),
 * then the closest fit (fewest extra seats), then by name.
 */
export function rankReplacements(refusing: Room, free: readonly Room[], limit = MAX_REPLACEMENTS): Room[] {
  // A room saved although Exchange did not know its mailbox would refuse the meeting too.
  const fits = (r: Room) =>
    r.id !== refusing.id &&
    r.active &&
    r.mailboxUnverified !== 'unknown' &&
    r.capacity >= refusing.capacity &&
    refusing.equipment.every((e) => r.equipment.includes(e));
  const near = (r: Room) => (same(r.building, refusing.building) ? (r.floor === refusing.floor ? 0 : 1) : 2);
  return free
    .filter(fits)
    .sort((a, b) => near(a) - near(b) || a.capacity - b.capacity || a.name.localeCompare(b.name))
    .slice(0, limit);
}

/**
 * Rooms free for the booking's exact time, ranked (at most three); none when its room did not refuse it. "Free" is the
 * availability service's: Exchange free/busy (one batched request) merged with the app's bookings and Outlook meetings.
 */
export async function findReplacements(ctx: Ctx, b: Booking): Promise<Room[]> {
  if (!refusalOf(b)) return [];
  const refusing = getRoom(ctx, b.roomId);
  const start = localTime(b.startsAt, refusing.timeZone);
  const end = localTime(b.endsAt, refusing.timeZone);
  // CASE: a meeting that ends on another local day cannot be asked for as one day's times; offer nothing.
  if (!start.hasSame(end, 'day') && end.toFormat('HH:mm') !== '00:00') return [];
  const found = await findRooms(ctx, localBookings, {
    date: start.toFormat('yyyy-MM-dd'),
    start: start.toFormat('HH:mm'),
    end: end.toFormat('HH:mm'),
    people: refusing.capacity,
    equipment: refusing.equipment,
    building: undefined,
    floor: undefined,
    // A replacement must seat at least as many as the refused room.
    allowFewerSeats: false,
  });
  // Each room reads the times in its own zone: keep only those free for the booking's instants.
  const [s, e] = [Date.parse(b.startsAt), Date.parse(b.endsAt)];
  const free = found.matches.filter((o) => o.slot.start === s && o.slot.end === e).map((o) => o.room);
  return rankReplacements(refusing, free);
}

/** Moves the booking to `room`, keeping everything else; the refusing room gets nothing more. */
async function moveTo(ctx: Ctx, actor: User, b: Booking, room: Room): Promise<Booking> {
  const start = localTime(b.startsAt, room.timeZone);
  const end = localTime(b.endsAt, room.timeZone);
  const { booking } = await updateBooking(ctx, actor, b.id, {
    roomId: room.id,
    date: start.toFormat('yyyy-MM-dd'),
    start: start.toFormat('HH:mm'),
    end: end.toFormat('HH:mm'),
    subject: b.subject,
    description: b.description,
    required: b.attendees.filter((a) => a.role === 'required').map((a) => a.email),
    optional: b.attendees.filter((a) => a.role === 'optional').map((a) => a.email),
    private: b.private,
    organizerId: undefined,
  });
  return booking;
}

// Getters and functions: read per request, in the reader's language.
export const messages = {
  get notRefused() {
    return t('replace.not_refused');
  },
  notOffered: (name: string) => t('replace.not_offered', { room: name }),
  moved: (from: string, to: string) => t('replace.moved', { from, to }),
};

/** The organizer's one click: moves the meeting to one of the offered rooms (re-checked now). */
export async function replaceRoom(ctx: Ctx, actor: User, bookingId: number, roomId: number): Promise<{ booking: Booking; from: Room; to: Room }> {
  const b = getBooking(ctx, bookingId);
  const reason = b && refusalOf(b);
  if (!b || !reason) throw new ConflictError(messages.notRefused);
  const from = getRoom(ctx, b.roomId);
  const offered = await findReplacements(ctx, b);
  const to = offered.find((r) => r.id === roomId);
  if (!to) throw new SlotTakenError(getRoom(ctx, roomId).name);
  const booking = await moveTo(ctx, actor, b, to);
  repo.insertReplacement(ctx.db, { bookingId: b.id, fromRoomId: from.id, toRoomId: to.id, reason, automatic: false, at: toDbTime(ctx.clock.now()) });
  return { booking, from, to };
}

/**
 * The room refused the booking: where its building asks for it, move the meeting to the best free room at once.
 * Never twice for the same refusing room, at most MAX_AUTOMATIC times per booking; finding no room is recorded so the
 * page can say so. Returns what was recorded (undefined when nothing was tried).
 */
export async function autoReplace(ctx: Ctx, bookingId: number): Promise<repo.ReplacementRecord | undefined> {
  const b = getBooking(ctx, bookingId);
  const reason = b && refusalOf(b);
  if (!b || !reason) return undefined;
  const from = getRoom(ctx, b.roomId);
  if (!repo.autoReplaceIn(ctx.db, from.building)) return undefined;
  const earlier = repo.listReplacements(ctx.db, b.id).filter((r) => r.automatic);
  if (earlier.length >= MAX_AUTOMATIC || earlier.some((r) => r.fromRoomId === from.id)) return undefined;
  const organizer = getUser(ctx, b.organizerId);
  const record = { bookingId: b.id, fromRoomId: from.id, toRoomId: null as number | null, reason, automatic: true, at: toDbTime(ctx.clock.now()) };
  // The app acts for the organizer: an organizer who can no longer change the booking gets no automatic move either.
  if (!canChangeBooking(organizer, b)) return undefined;
  for (const to of await findReplacements(ctx, b)) {
    try {
      await moveTo(ctx, organizer, b, to);
      record.toRoomId = to.id;
      break;
    } catch (err) {
      // Taken since the search (or the booking changed meanwhile): try the next room.
      if (!(err instanceof SlotTakenError || err instanceof ConflictError)) throw err;
      ctx.log.info({ event: 'replacement.candidate_taken', bookingId: b.id, room: to.alias, error: err.message }, 'replacement room taken; trying the next');
    }
  }
  record.at = toDbTime(ctx.clock.now());
  repo.insertReplacement(ctx.db, record);
  recordAudit(
    ctx,
    REPLACER,
    record.toRoomId ? 'booking.room_replaced' : 'booking.no_replacement',
    { type: 'booking', id: b.id },
    { roomId: from.id },
    { roomId: record.toRoomId, reason },
  );
  ctx.log.info({ event: 'replacement.automatic', bookingId: b.id, from: from.alias, to: record.toRoomId, reason }, 'refusing room replaced automatically');
  return { id: 0, ...record };
}

/**
 * Exchange answered that the room's mailbox does not exist (reading its calendar: 404): the app's sent bookings of the
 * room there cannot be held by it, so they fail with the reason in words, and are offered (or moved to) other rooms.
 * Returns the bookings failed now.
 */
export function failForUnknownMailbox(ctx: Pick<Ctx, 'db' | 'clock' | 'log'>, roomId: number, window: { start: DateTime; end: DateTime }): number[] {
  const failed: number[] = [];
  ctx.db
    .transaction(() => {
      for (const b of bookingsOfRoomInWindow(ctx, roomId, window.start, window.end)) {
        if (!(b.state === 'booked' || b.state === 'updating') || !b.submittedAt) continue;
        const change = changeState(
          ctx,
          b,
          'failed',
          { failedReason: storedMessage('booking.room_cannot_hold', { reason: storedMessage(ROOM_MAILBOX_UNKNOWN) }) },
          { actor: REPLACER, action: 'booking.room_mailbox_unknown' },
        );
        if (change.ok) failed.push(b.id);
      }
    })
    .immediate();
  return failed;
}

/** Runs autoReplace for each booking, logging (never throwing) what went wrong: callers are background jobs. */
export async function autoReplaceAll(ctx: Ctx, bookingIds: readonly number[]): Promise<void> {
  for (const id of bookingIds) {
    try {
      await autoReplace(ctx, id);
    } catch (err) {
      ctx.log.error({ err, event: 'replacement.failed', bookingId: id }, 'automatic room replacement failed');
    }
  }
}

/** What the booking page shows about replacements. */
export interface ReplacementView {
  /** The room refused the booking: the page offers `rooms` (possibly none). */
  refused: repo.RefusalReason | null;
  rooms: { id: number; name: string; place: string; capacity: number; sameBuilding: boolean }[];
  /** The last replacement, in words ("Dee declined …; the app moved the meeting to Severn"). */
  notice: { text: string; kind: 'info' | 'error' } | null;
  /** May this viewer take one (the organizer or reception)? */
  canTake: boolean;
}

function noticeOf(ctx: Ctx, b: Booking): ReplacementView['notice'] {
  const last = repo.listReplacements(ctx.db, b.id).at(-1);
  if (!last) return null;
  const rooms = new Map(listAllRooms(ctx).map((r) => [r.id, r]));
  const from = rooms.get(last.fromRoomId)?.name ?? t('replace.the_room');
  const why = last.reason === 'declined' ? t('replace.why_declined', { from }) : t('replace.why_no_mailbox', { from });
  const when = localTime(last.at, rooms.get(last.fromRoomId)?.timeZone ?? 'UTC').toFormat('HH:mm');
  if (last.toRoomId === null) return { kind: 'error', text: t('replace.notice_none', { why, when }) };
  if (last.toRoomId !== b.roomId) return null; // moved again since: the page shows the booking as it is now
  const to = rooms.get(last.toRoomId)?.name ?? t('replace.another_room');
  return last.automatic
    ? { kind: 'info', text: t('replace.notice_auto', { why, to, when, from }) }
    : { kind: 'info', text: t('replace.notice_manual', { why, to, when, from }) };
}

export async function replacementView(ctx: Ctx, viewer: User, b: Booking): Promise<ReplacementView> {
  const refused = refusalOf(b);
  const canTake = canChangeBooking(viewer, b);
  const here = refused ? getRoom(ctx, b.roomId) : null;
  const rooms = here && canTake ? await findReplacements(ctx, b) : [];
  return {
    refused,
    canTake,
    notice: noticeOf(ctx, b),
    rooms: rooms.map((r) => ({
      id: r.id,
      name: r.name,
      place: `${r.building}, floor ${r.floor}`,
      capacity: r.capacity,
      sameBuilding: !!here && same(r.building, here.building),
    })),
  };
}

// ---- the per-building setting (admin) ----

export function buildingSettings(ctx: Ctx): { building: string; rooms: number; autoReplace: boolean }[] {
  const on = repo.autoReplaceBuildings(ctx.db);
  const counts = new Map<string, { building: string; rooms: number }>();
  for (const r of listAllRooms(ctx)) {
    const key = r.building.toLowerCase();
    const entry = counts.get(key) ?? { building: r.building, rooms: 0 };
    entry.rooms++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => a.building.localeCompare(b.building)).map((c) => ({ ...c, autoReplace: on.has(c.building.toLowerCase()) }));
}

export function setBuildingAutoReplace(ctx: Pick<Ctx, 'db' | 'clock'>, actor: { id: number | null; username: string }, building: string, on: boolean): void {
  ctx.db
    .transaction(() => {
      const before = repo.autoReplaceIn(ctx.db, building);
      repo.setAutoReplace(ctx.db, building, on, toDbTime(ctx.clock.now()));
      recordAudit(ctx, actor, 'building.auto_replace', { type: 'building', id: building }, { autoReplace: before }, { autoReplace: on });
    })
    .immediate();
}
