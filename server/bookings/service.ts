import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit } from '../audit/record.ts';
import { ConflictError, FieldErrors, ForbiddenError, NotFoundError, SlotTakenError } from '../errors.ts';
import { ExchangeError, NoAnswerError } from '../exchange/errors.ts';
import type { CalendarItem, ItemRef } from '../exchange/gateway.ts';
import { getRoom, type Room } from '../rooms/service.ts';
import * as outbox from '../sync/outbox.ts';
import { ROOM_MAILBOX_UNKNOWN } from '../sync/words.ts';
import { getUser, namesByEmail, toActor, type User } from '../users/service.ts';
import { changeState, type StateChange } from './exchange-state.ts';
import { withMeetingExtras } from './meeting-extras.ts';
import { meetingOf, recipientsOf } from './meeting.ts';
import { canBookOnBehalf, canChangeBooking, canViewBooking } from './policy.ts';
import * as repo from './repo.ts';
import { storedMessage } from '../i18n/stored.ts';
import { checkBookingRules, checkCapacity, localToInstant, messages as ruleMessages, type Slot } from './rules.ts';
import type { BookingChangeInput, BookingFormInput } from './schema.ts';
import { isChangeable, type BookingState } from './states.ts';
import { t } from '../i18n/context.ts';

export type { Booking, BookingAttendee } from './repo.ts';

// Getters and functions: the words are read per request, in the reader's language.
const messages = {
  get notYours() {
    return t('booking.not_yours');
  },
  get onBehalf() {
    return t('booking.on_behalf_only');
  },
  notChangeable: (state: string) => t('booking.not_changeable', { state }),
  get partOfSeries() {
    return t('booking.part_of_series');
  },
};

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway' | 'wakeOutbox'>;

export interface BookingResult {
  booking: repo.Booking;
  /** Things the user should know but that did not stop the booking (more people than seats). */
  warnings: string[];
}

/** The slot typed in the room's zone, as UTC instants; a local time skipped by a DST change is a field error. */
export function slotInRoomZone(room: Room, date: string, start: string, end: string): Slot {
  const s = localToInstant(date, start, room.timeZone);
  const e = localToInstant(date, end, room.timeZone);
  const problems: Record<string, string> = {};
  if (!s) problems.start = ruleMessages.noSuchLocalTime(room.timeZone);
  if (!e) problems.end = ruleMessages.noSuchLocalTime(room.timeZone);
  if (!s || !e) throw new FieldErrors(problems);
  return { start: s, end: e };
}

/**
 * Asks Exchange whether the room is free (meetings booked in Outlook count): one SEARCH of the room's own calendar
 * folder, and free/busy only when that folder cannot be read (Exchange 2003 republishes free/busy only every ~15
 * minutes; the calendar itself is what decides). Exchange being unreachable does not stop the booking: the local
 * overlap check still runs, and the room mailbox declines a conflict it knows of.
 */
export async function assertExchangeFree(ctx: Ctx, room: Room, slot: Slot, own: (Slot & { uid: string }) | null): Promise<void> {
  const window = { start: slot.start, end: slot.end };
  const unavailable = (what: string, err: unknown) => {
    if (!(err instanceof ExchangeError)) throw err;
    ctx.log.warn(
      { event: 'booking.freebusy_unavailable', source: what, room: room.alias, error: err.message },
      `${what} unavailable; relying on local bookings`,
    );
  };
  // The room's calendar decides: it is what Exchange's own Auto Accept Agent checks, and free/busy lags it by up to
  // 15 minutes (protocol §14). Free/busy adds nothing the calendar did not say, so it is asked only when the calendar
  // cannot be read: no rights on the room's mailbox, an error page, a dropped or refused connection. Not after a
  // timeout: Exchange is not answering, and asking again would only make the person wait twice. One request per create
  // instead of two (issue 13).
  let busy: boolean;
  try {
    busy = calendarClash(await ctx.gateway.listCalendar(room.alias, window), slot, own);
  } catch (err) {
    unavailable('room calendar', err);
    if (err instanceof NoAnswerError && err.timedOut) return;
    try {
      busy = freeBusyClash((await ctx.gateway.freeBusy([room.email], window, 5))[0]?.busy ?? [], slot, own);
    } catch (fbErr) {
      return unavailable('free/busy', fbErr);
    }
  }
  if (busy) throw new SlotTakenError(room.name);
}

/** A meeting on the room's calendar that holds the slot. CASE: a booking moved within its room finds its own meeting. */
function calendarClash(items: CalendarItem[], slot: Slot, own: { uid: string } | null): boolean {
  return items.some(
    (item) =>
      item.start < slot.end &&
      item.end > slot.start &&
      !item.cancelled &&
      item.busyStatus !== 'free' &&
      item.responseStatus !== 'declined' &&
      !(own && item.uid === own.uid),
  );
}

/** Busy time in the slot. CASE: when moving a booking, its own current time shows as busy in Exchange. */
function freeBusyClash(busy: { start: DateTime; end: DateTime }[], slot: Slot, own: Slot | null): boolean {
  return busy.some((b) => b.start < slot.end && b.end > slot.start && (!own || b.start < own.start || b.end > own.end));
}

/** The attendees of a booking form (single or series): the organizer left out, names from the directory. */
export function attendeesFrom(ctx: Ctx, input: Pick<BookingFormInput, 'required' | 'optional'>, organizer: User) {
  const optional = input.optional.filter((e) => !input.required.includes(e));
  const people = [...input.required, ...optional].filter((e) => e !== organizer.email.toLowerCase());
  const names = namesByEmail(ctx, people);
  return people.map((email) => ({
    email,
    name: names.get(email) ?? null,
    role: (input.required.includes(email) ? 'required' : 'optional') as repo.AttendeeRole,
  }));
}

/** Who organizes: the actor, or the person reception books for (who must still be allowed to book). */
export function organizerFor(ctx: Ctx, actor: User, organizerId: number | undefined): User {
  if (organizerId === undefined || organizerId === actor.id) return actor;
  if (!canBookOnBehalf(actor)) throw new ForbiddenError(messages.onBehalf);
  const organizer = getUser(ctx, organizerId);
  if (!organizer.active) throw new FieldErrors({ organizerId: t('booking.organizer_inactive') });
  return organizer;
}

/** Books a room: rules, Exchange free/busy, then overlap check + insert + outbox job + audit in one IMMEDIATE transaction. */
export async function createBooking(ctx: Ctx, actor: User, input: BookingFormInput): Promise<BookingResult> {
  const replay = repo.findBookingByIdempotencyKey(ctx.db, input.idempotencyKey);
  if (replay) return { booking: replay, warnings: [] };
  const room = getRoom(ctx, input.roomId);
  const organizer = organizerFor(ctx, actor, input.organizerId);
  const slot = slotInRoomZone(room, input.date, input.start, input.end);
  const problems = checkBookingRules(room, slot, ctx.clock.now());
  if (Object.keys(problems).length) throw new FieldErrors(problems);
  // The attendees' names are read while Exchange answers the room check (it is waiting, not work, for this process);
  // the check is still awaited before anything is written. A failure here leaves the check's answer unread.
  const free = assertExchangeFree(ctx, room, slot, null);
  free.catch(() => {});
  const attendees = attendeesFrom(ctx, input, organizer);
  await free;

  const at = toDbTime(ctx.clock.now());
  const booking = ctx.db
    .transaction(() => {
      const raced = repo.findBookingByIdempotencyKey(ctx.db, input.idempotencyKey);
      if (raced) return raced;
      const startsAt = toDbTime(slot.start);
      const endsAt = toDbTime(slot.end);
      if (repo.isRoomTaken(ctx.db, room.id, startsAt, endsAt, null)) throw new SlotTakenError(room.name);
      const fields = { uid: newUid(), subject: input.subject, description: input.description, startsAt, endsAt, icalSequence: 0 };
      const id = repo.insertBooking(
        ctx.db,
        { ...fields, private: input.private, idempotencyKey: input.idempotencyKey, roomId: room.id, organizerId: organizer.id, createdById: actor.id, at },
        attendees,
      );
      const meeting = withMeetingExtras(
        ctx.db,
        { id, uid: fields.uid, startsAt },
        room,
        organizer,
        meetingOf({ ...fields, private: input.private }, attendees, room, organizer),
      );
      outbox.queueVersion(ctx.db, id, 'create', { meeting }, at);
      const created = repo.findBooking(ctx.db, id)!;
      recordAudit(ctx, toActor(actor), 'booking.created', { type: 'booking', id }, null, auditView(created));
      return created;
    })
    .immediate();
  ctx.wakeOutbox();
  const warning = checkCapacity(room, attendees.length + 1);
  return { booking, warnings: warning ? [warning] : [] };
}

/** Changes time, room, subject or attendees; Exchange gets an update (and a moved-from room a cancellation). */
export async function updateBooking(ctx: Ctx, actor: User, id: number, input: BookingChangeInput): Promise<BookingResult> {
  const before = getChangeableBooking(ctx, actor, id);
  const room = getRoom(ctx, input.roomId);
  const oldRoom = getRoom(ctx, before.roomId);
  const organizer = getUser(ctx, before.organizerId);
  const slot = slotInRoomZone(room, input.date, input.start, input.end);
  const problems = checkBookingRules(room, slot, ctx.clock.now());
  if (Object.keys(problems).length) throw new FieldErrors(problems);
  const own = room.id === before.roomId ? { start: isoToUtc(before.startsAt), end: isoToUtc(before.endsAt), uid: before.uid } : null;
  await assertExchangeFree(ctx, room, slot, own);

  const attendees = attendeesFrom(ctx, input, organizer);
  const at = toDbTime(ctx.clock.now());
  const booking = ctx.db
    .transaction(() => {
      const current = getChangeableBooking(ctx, actor, id); // re-read inside the lock
      const startsAt = toDbTime(slot.start);
      const endsAt = toDbTime(slot.end);
      if (repo.isRoomTaken(ctx.db, room.id, startsAt, endsAt, id)) throw new SlotTakenError(room.name);
      const fields = { uid: current.uid, subject: input.subject, description: input.description, startsAt, endsAt };
      // The new version replaces every job that never reached Exchange (and any failed one, which must not block it).
      const copy = outbox.supersedeUnsent(ctx.db, id, at);
      // CASE: nothing has reached Exchange yet; send the new version as the invitation instead of an invitation plus an update.
      const unsent = !copy.inExchange;
      const sequence = unsent ? current.icalSequence : Math.max(current.icalSequence, copy.sequence ?? 0) + 1;
      const state: BookingState = unsent ? 'pending' : 'updating';
      const roomResponse = room.id === current.roomId ? undefined : 'none';
      const changes = { ...fields, private: input.private, roomId: room.id, icalSequence: sequence, failedReason: null, roomResponse } as const;
      const moved = changeState(ctx, current, state, changes);
      if (!moved.ok) throw new ConflictError(messages.notChangeable(current.state));
      repo.replaceAttendees(ctx.db, id, attendees);
      if (startsAt !== current.startsAt || endsAt !== current.endsAt || room.id !== current.roomId) repo.resetAttendeeResponses(ctx.db, id, at);
      const meeting = withMeetingExtras(
        ctx.db,
        { id, uid: current.uid, startsAt },
        room,
        organizer,
        meetingOf({ ...fields, private: input.private, icalSequence: sequence }, attendees, room, organizer),
      );
      // Those the version Exchange holds went to, so those dropped since get a cancellation.
      const previousRecipients = copy.version ? recipientsOfMeeting(copy.version) : recipientsOf(current.attendees, oldRoom);
      // CASE: the old room declined (or has no mailbox): it gets nothing more, not even a cancellation.
      const quiet = room.id !== current.roomId && roomRefused(current) ? { quietlyDropped: [oldRoom.email] } : {};
      outbox.queueVersion(ctx.db, id, unsent ? 'create' : 'update', unsent ? { meeting } : { meeting, previousRecipients, ...quiet }, at);
      const after = repo.findBooking(ctx.db, id)!;
      recordAudit(ctx, toActor(actor), 'booking.updated', { type: 'booking', id }, auditView(current), auditView(after));
      return after;
    })
    .immediate();
  ctx.wakeOutbox();
  const warning = checkCapacity(room, attendees.length + 1);
  return { booking, warnings: warning ? [warning] : [] };
}

/**
 * Cancels for everyone; a booking that never reached Exchange is cancelled without any Exchange traffic. A delivered
 * one gets a cancellation of the version Exchange holds, with the SEQUENCE after Exchange's (OWA's getcancel builds it
 * from the item), so the app records what Exchange sends.
 */
export function cancelBooking(ctx: Ctx, actor: User, id: number, message: string | undefined): repo.Booking {
  const booking = ctx.db
    .transaction(() => {
      const current = getChangeableBooking(ctx, actor, id);
      const at = toDbTime(ctx.clock.now());
      const copy = outbox.supersedeUnsent(ctx.db, id, at);
      let moved: StateChange;
      if (!copy.inExchange) {
        moved = changeState(ctx, current, 'cancelled', { cancelMessage: message ?? null });
      } else {
        const room = getRoom(ctx, current.roomId);
        const held = copy.version ?? meetingOf(current, current.attendees, room, getUser(ctx, current.organizerId));
        // OWA's getcancel sends the item's SEQUENCE + 1: the item is the last create/update Exchange may hold.
        const sequence = (copy.version?.sequence ?? copy.sequence ?? current.icalSequence) + 1;
        moved = changeState(ctx, current, 'cancelling', { icalSequence: sequence, cancelMessage: message ?? null });
        const text = message ? `${message}\n\n${held.textBody}`.trim() : held.textBody;
        outbox.queueVersion(ctx.db, id, 'cancel', { meeting: { ...held, sequence, textBody: text } }, at);
      }
      if (!moved.ok) throw new ConflictError(messages.notChangeable(current.state));
      const after = repo.findBooking(ctx.db, id)!;
      recordAudit(ctx, toActor(actor), 'booking.cancelled', { type: 'booking', id }, auditView(current), auditView(after));
      return after;
    })
    .immediate();
  ctx.wakeOutbox();
  return booking;
}

/**
 * Moves a booking's end (a door display's "Extend" and "End early"): no form, no room rules beyond the overlap (the
 * meeting is under way, so the in-the-past rule cannot apply). Sent to Exchange as an update through the outbox.
 */
export function changeEnd(ctx: Ctx, actor: { id: number | null; username: string }, id: number, endsAt: string): repo.Booking {
  const booking = ctx.db
    .transaction(() => {
      const current = repo.findBooking(ctx.db, id);
      if (!current) throw new NotFoundError('booking');
      if (current.state !== 'booked' && current.state !== 'pending' && current.state !== 'updating')
        throw new ConflictError(messages.notChangeable(current.state));
      if (endsAt <= current.startsAt) throw new ConflictError(t('form.end_after_start'));
      const room = getRoom(ctx, current.roomId);
      if (endsAt > current.endsAt && repo.isRoomTaken(ctx.db, room.id, current.endsAt, endsAt, id)) throw new SlotTakenError(room.name);
      const at = toDbTime(ctx.clock.now());
      const copy = outbox.supersedeUnsent(ctx.db, id, at);
      const unsent = !copy.inExchange;
      const sequence = unsent ? current.icalSequence : Math.max(current.icalSequence, copy.sequence ?? 0) + 1;
      const moved = changeState(ctx, current, unsent ? 'pending' : 'updating', { endsAt, icalSequence: sequence, failedReason: null });
      if (!moved.ok) throw new ConflictError(messages.notChangeable(current.state));
      const organizer = getUser(ctx, current.organizerId);
      const meeting = meetingOf({ ...current, endsAt, icalSequence: sequence }, current.attendees, room, organizer);
      const previousRecipients = copy.version ? recipientsOfMeeting(copy.version) : recipientsOf(current.attendees, room);
      outbox.queueVersion(ctx.db, id, unsent ? 'create' : 'update', unsent ? { meeting } : { meeting, previousRecipients }, at);
      const after = repo.findBooking(ctx.db, id)!;
      recordAudit(ctx, actor, 'booking.end_changed', { type: 'booking', id }, auditView(current), auditView(after));
      return after;
    })
    .immediate();
  ctx.wakeOutbox();
  return booking;
}

export function getBookingForViewer(ctx: Pick<Ctx, 'db'>, viewer: User, id: number): repo.Booking {
  const booking = repo.findBooking(ctx.db, id);
  if (!booking || !canViewBooking(viewer, booking)) throw new NotFoundError('booking');
  return booking;
}

function getChangeableBooking(ctx: Pick<Ctx, 'db'>, actor: User, id: number): repo.Booking {
  const booking = getBookingForViewer(ctx, actor, id);
  if (!canChangeBooking(actor, booking)) throw new ForbiddenError(messages.notYours);
  if (!isChangeable(booking.state)) throw new ConflictError(messages.notChangeable(booking.state));
  // A series date is changed through series-service.ts: a single-meeting update or cancel would hit the series item.
  if (booking.seriesId) throw new ConflictError(messages.partOfSeries);
  return booking;
}

export function listMyBookings(ctx: Pick<Ctx, 'db' | 'clock'>, user: User): { upcoming: repo.Booking[]; past: repo.Booking[] } {
  const now = toDbTime(ctx.clock.now());
  return { upcoming: repo.listBookingsForOrganizer(ctx.db, user.id, now, true), past: repo.listBookingsForOrganizer(ctx.db, user.id, now, false, 50) };
}

// ---- progress reported by the outbox worker (called inside its transactions) ----

export function recordItemRef(ctx: Pick<Ctx, 'db' | 'clock'>, bookingId: number, ref: ItemRef): void {
  repo.updateBookingRow(ctx.db, bookingId, { exchangeMailbox: ref.mailbox, exchangePath: ref.path }, toDbTime(ctx.clock.now()));
}

/**
 * Exchange accepted a version for delivery: the booking is booked (or cancelled, for a cancellation) unless a later
 * version is still on its way. `sequence` is the SEQUENCE Exchange sent, recorded as the booking's.
 */
export function recordVersionSubmitted(
  ctx: Pick<Ctx, 'db' | 'clock' | 'log'>,
  bookingId: number,
  kind: outbox.JobKind,
  sent: { submittedAt: string | null; sequence?: number | undefined },
): StateChange {
  const b = repo.findBooking(ctx.db, bookingId);
  if (!b) return { ok: false, problem: storedMessage('sync.problem.gone', { id: bookingId }) };
  const later = outbox.hasUnfinishedJobs(ctx.db, bookingId);
  const facts: repo.BookingChanges = { submittedAt: sent.submittedAt ?? undefined, failedReason: null };
  if (!later && sent.sequence !== undefined) facts.icalSequence = sent.sequence;
  // A release (check-in no-show) takes the room off the meeting: for the room, and so for the booking, it is cancelled.
  if (kind === 'cancel' || kind === 'release') return changeState(ctx, b, 'cancelled', facts);
  // CASE: a later version is queued: the booking stays as that version left it (updating, cancelling) until it runs.
  if (later) return changeState(ctx, b, b.state, facts);
  return changeState(ctx, b, 'booked', facts);
}

/** A line for the booking page while Exchange is being retried ("we will keep trying — nothing is lost"); else null. */
export function exchangeNote(ctx: Pick<Ctx, 'db'>, b: Pick<repo.Booking, 'id'>): string | null {
  return outbox.retryNote(ctx.db, b.id);
}

/** An admin put a failed job back in the queue: the booking is on its way again. */
export function markResent(ctx: Pick<Ctx, 'db' | 'clock' | 'log'>, bookingId: number, kind: outbox.JobKind): StateChange {
  const b = repo.findBooking(ctx.db, bookingId);
  if (!b || b.state !== 'failed') return { ok: true };
  const state: BookingState = kind === 'create' ? 'pending' : kind === 'update' ? 'updating' : 'cancelling';
  return changeState(ctx, b, state, { failedReason: null });
}

/** Exchange refused a version for good: the booking failed, with the reason (a stored message, i18n/stored.ts). */
export function recordVersionFailed(ctx: Pick<Ctx, 'db' | 'clock' | 'log'>, bookingId: number, kind: outbox.JobKind, reason: string): StateChange {
  const b = repo.findBooking(ctx.db, bookingId);
  if (!b) return { ok: false, problem: storedMessage('sync.problem.gone', { id: bookingId }) };
  return changeState(
    ctx,
    b,
    'failed',
    { failedReason: storedMessage('booking.failed', { kind: kind === 'cancel' ? 'cancel' : 'send', reason }) },
    {
      actor: { id: null, username: 'outbox' },
      action: 'booking.failed',
    },
  );
}

/** The room said no: it declined the meeting, or Exchange does not know its mailbox. */
export function roomRefused(b: Pick<repo.Booking, 'state' | 'roomResponse' | 'failedReason'>): boolean {
  return (b.state === 'declined' && b.roomResponse === 'declined') || (b.state === 'failed' && !!b.failedReason?.includes(ROOM_MAILBOX_UNKNOWN));
}

const recipientsOfMeeting = (m: { requiredAttendees: { email: string }[]; optionalAttendees: { email: string }[]; room: { email: string } }) => [
  ...m.requiredAttendees.map((a) => a.email),
  ...m.optionalAttendees.map((a) => a.email),
  m.room.email,
];

function auditView(b: repo.Booking) {
  return {
    state: b.state,
    roomId: b.roomId,
    subject: b.subject,
    startsAt: b.startsAt,
    endsAt: b.endsAt,
    attendees: b.attendees.map((a) => `${a.email} (${a.role})`),
    sequence: b.icalSequence,
  };
}

/** Random, URL-safe, and recognisable in Exchange item names. */
function newUid(): string {
  return `rb-${randomBytes(12).toString('hex')}`;
}

const isoToUtc = (iso: string): DateTime => DateTime.fromISO(iso, { zone: 'utc' });

export function getBooking(ctx: Pick<Ctx, 'db'>, id: number): repo.Booking | undefined {
  return repo.findBooking(ctx.db, id);
}

export * from './exchange-state.ts';
// Lives in queries.ts (what other features read of bookings); re-exported for this folder's callers.
export { activeBusyByRoom } from './queries.ts';

/** Every booking of these rooms overlapping the window (all states), lean, for schedules and feeds. */
export function listBookingSummaries(ctx: Pick<Ctx, 'db'>, roomIds: number[], start: string, end: string): repo.BookingSummary[] {
  return repo.listSummariesInWindow(ctx.db, roomIds, start, end);
}

/** Meetings seen in the rooms' Exchange calendars that this app did not book (booked in Outlook). */
export function listExternalMeetings(ctx: Pick<Ctx, 'db'>, roomIds: number[], start: string, end: string): repo.ExternalBooking[] {
  return repo.listExternalInWindow(ctx.db, roomIds, start, end);
}

/** What people who are not on the meeting see instead of a private booking's subject. */
export const PRIVATE_SUBJECT = 'Private meeting';
