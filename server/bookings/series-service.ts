// Recurring meetings (issue 14): a series is one Exchange meeting and one booking row per date. This file plans a
// series from the form, checks every date (room rules, Exchange free/busy in one batched request, the app's own
// bookings), books all dates in ONE transaction with the overlap check, and queues the series' outbox jobs
// (sync/series-path.ts). Changing or cancelling one date, the whole series, or "this and following" goes through here.
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit } from '../audit/record.ts';
import { ConflictError, FieldErrors, ForbiddenError, NotFoundError, SlotTakenError } from '../errors.ts';
import { ExchangeError } from '../exchange/errors.ts';
import type { ItemRef, Meeting, OccurrenceOverride } from '../exchange/gateway.ts';
import { getRoom, listRooms, type Room } from '../rooms/service.ts';
import * as outbox from '../sync/outbox.ts';
import { jobKindOf, seriesJobJson, type SeriesJob, type SeriesJobInput, type SeriesOp } from '../sync/series-job.ts';
import { getUser, toActor, type User } from '../users/service.ts';
import { changeState, type StateChange } from './exchange-state.ts';
import { meetingOf } from './meeting.ts';
import { canChangeBooking, canViewBooking } from './policy.ts';
import {
  availabilityPerOccurrence,
  checkSeriesRules,
  describeSeries,
  expandRRule,
  planSeries,
  splitSeries,
  type BusyInterval,
  type Occurrence,
  type Recurrence,
  type SeriesStart,
  type Weekday,
} from './recurrence.ts';
import * as repo from './repo.ts';
import * as seriesRepo from './series.repo.ts';
import { checkBookingRules, checkCapacity } from './rules.ts';
import type { BookingChangeInput, BookingFormInput } from './schema.ts';
import { isChangeable, type BookingState } from './states.ts';
import { activeBusyByRoom, assertExchangeFree, attendeesFrom, organizerFor, slotInRoomZone } from './service.ts';
import { storedMessage } from '../i18n/stored.ts';
import { t } from '../i18n/context.ts';

export type { Series } from './series.repo.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway' | 'wakeOutbox'>;

// Getters and functions: read per request, in the reader's language.
const messages = {
  get notYours() {
    return t('series.err.not_yours');
  },
  get onBehalf() {
    return t('booking.on_behalf_only');
  },
  get allTaken() {
    return t('series.err.all_taken');
  },
  get noRoomChange() {
    return t('series.err.no_room_change');
  },
  notChangeable: (state: string) => t('series.err.not_changeable', { state }),
};

/** At most this many other rooms are asked about for the dates that clash (one batched free/busy request). */
export const MAX_ALTERNATIVE_ROOMS = 50;
// OWA answers at most 10,000 free/busy slots per mailbox (emulator/owa/freebusy.ts; real OWA refuses long windows
// too), so a long series asks with longer slots: 15 minutes up to ~100 days, 60 for a year. A slot only partly busy
// counts as busy, so a coarse slot can hide a free alternative, never invent one. The series' own room is read from
// its calendar instead (one SEARCH, exact times; the calendar is what the room's Auto Accept Agent checks).
const MAX_FREEBUSY_SLOTS = 10_000;
const freeBusyMinutes = (spanMs: number) => Math.max(15, Math.ceil(spanMs / 60_000 / MAX_FREEBUSY_SLOTS / 15) * 15);

export interface DateCheck {
  date: string;
  start: string;
  end: string;
  /** The room's rules refuse this date (hours, longest booking, horizon), in words. */
  problem: string | null;
  free: boolean;
  alternative: { roomId: number; name: string } | null;
}

export interface SeriesCheck {
  recurrence: Recurrence;
  start: SeriesStart;
  rrule: string;
  occurrences: Occurrence[];
  words: string;
  dates: DateCheck[];
  clashes: DateCheck[];
  /** Exchange's free/busy could not be read: only the app's own bookings were checked. */
  exchangeUnavailable: boolean;
}

/** Plans the series and checks every date before anything is sent: rules per occurrence and availability per occurrence. */
/** A series whose dates the new one replaces ("this and following"): its own dates do not count as taken. */
export interface Replacing {
  seriesId: number;
  uid: string;
  /**
   * Runs inside the new series' transaction before its rows and job are written ("this and following": the old series
   * is shortened there). Its outbox job is then queued first, and the outbox holds the new series' invitation until it
   * is done (outbox.repo.ts claimDueJob): the room must see the old dates go before the new ones arrive, or it would
   * decline the new series' dates as clashes.
   */
  beforeInsert?: () => void;
}

export async function checkSeries(
  ctx: Ctx,
  room: Room,
  input: Pick<BookingFormInput, 'date' | 'start' | 'end'>,
  recurrence: Recurrence,
  attendeeCount = 0,
  replacing?: Replacing,
): Promise<SeriesCheck> {
  const start: SeriesStart = { date: input.date, start: input.start, end: input.end, zone: room.timeZone };
  const plan = planSeries(recurrence, start);
  if (Object.keys(plan.problems).length) throw new FieldErrors(plan.problems);
  const now = ctx.clock.now();
  const ruleProblems = new Map(checkSeriesRules(room, plan.occurrences, now).map((p) => [p.date, Object.values(p.problems).join(' ')]));
  const timed = plan.occurrences.filter((o) => o.start && o.end);
  const first = timed[0]?.start;
  const last = timed[timed.length - 1]?.end;
  let availability = plan.occurrences.map((o) => ({ date: o.date, free: true, alternativeRoomId: null as number | null }));
  let exchangeUnavailable = false;
  const alternatives = alternativeRooms(ctx, room, attendeeCount + 1);
  if (first && last) {
    const windowStart = toDbTime(first);
    const windowEnd = toDbTime(last);
    const ids = [room.id, ...alternatives.map((r) => r.id)];
    const busy = activeBusyByRoom(ctx, ids, windowStart, windowEnd);
    if (replacing) {
      // The room's own busy list without the dates being replaced (the app's rows, then Exchange's copy below).
      const own: BusyInterval[] = [];
      for (const b of repo.listActiveInWindow(ctx.db, [room.id], windowStart, windowEnd))
        if (b.seriesId !== replacing.seriesId) own.push({ start: Date.parse(b.startsAt), end: Date.parse(b.endsAt) });
      for (const x of repo.listExternalInWindow(ctx.db, [room.id], windowStart, windowEnd))
        own.push({ start: Date.parse(x.startsAt), end: Date.parse(x.endsAt) });
      busy.set(room.id, own);
    }
    const window = { start: first, end: last };
    const minutes = freeBusyMinutes(last.toMillis() - first.toMillis());
    const [fb, calendar] = await Promise.allSettled([
      alternatives.length
        ? ctx.gateway.freeBusy(
            alternatives.map((r) => r.email),
            window,
            minutes,
          )
        : Promise.resolve([]),
      ctx.gateway.listCalendar(room.alias, window),
    ]);
    const unavailable = (what: string, err: unknown) => {
      if (!(err instanceof ExchangeError)) throw err;
      exchangeUnavailable = true;
      ctx.log.warn({ event: 'series.freebusy_unavailable', source: what, error: err.message }, `${what} unavailable; checking local bookings only`);
    };
    if (fb.status === 'fulfilled') {
      const byEmail = new Map(alternatives.map((r) => [r.email.toLowerCase(), r.id]));
      for (const f of fb.value) {
        const list = busy.get(byEmail.get(f.email.toLowerCase()) ?? -1);
        if (list) for (const s of f.busy) list.push({ start: s.start.toMillis(), end: s.end.toMillis() });
      }
    } else unavailable('free/busy', fb.reason);
    if (calendar.status === 'fulfilled') {
      const own = busy.get(room.id)!;
      for (const item of calendar.value) {
        if (item.cancelled || item.busyStatus === 'free' || item.responseStatus === 'declined') continue;
        if (replacing && item.uid === replacing.uid) continue;
        own.push({ start: item.start.toMillis(), end: item.end.toMillis() });
      }
    } else unavailable('room calendar', calendar.reason);
    const own: BusyInterval[] = busy.get(room.id) ?? [];
    availability = availabilityPerOccurrence(
      plan.occurrences,
      own,
      alternatives.map((r) => ({ roomId: r.id, busy: busy.get(r.id) ?? [] })),
    );
  }
  const names = new Map(alternatives.map((r) => [r.id, r.name]));
  const dates: DateCheck[] = plan.occurrences.map((o, i) => {
    const a = availability[i]!;
    const alt = a.alternativeRoomId !== null ? { roomId: a.alternativeRoomId, name: names.get(a.alternativeRoomId) ?? '' } : null;
    return {
      date: o.date,
      start: o.start ? toDbTime(o.start) : '',
      end: o.end ? toDbTime(o.end) : '',
      problem: ruleProblems.get(o.date) ?? null,
      free: a.free,
      alternative: alt,
    };
  });
  return {
    recurrence,
    start,
    rrule: plan.rrule,
    occurrences: plan.occurrences,
    words: describeSeries(recurrence, start, plan.occurrences),
    dates,
    clashes: dates.filter((d) => !d.free),
    exchangeUnavailable,
  };
}

/** Other rooms for a clashing date, best first: same building, enough seats, smallest that fits. */
function alternativeRooms(ctx: Ctx, room: Room, people: number): Room[] {
  return listRooms(ctx)
    .filter((r) => r.id !== room.id && r.active && r.capacity >= Math.min(people, room.capacity))
    .sort((a, b) => Number(b.building === room.building) - Number(a.building === room.building) || a.capacity - b.capacity || a.name.localeCompare(b.name))
    .slice(0, MAX_ALTERNATIVE_ROOMS);
}

export interface SeriesResult {
  series: seriesRepo.Series;
  /** The first booked date's booking (the page the user goes to). */
  booking: repo.Booking;
  /** Dates left out because they clash or break a rule, and dates taken by someone else while booking. */
  skipped: string[];
  raced: string[];
  /** Dates booked in the suggested room instead, as single bookings. */
  moved: { date: string; bookingId: number; roomName: string }[];
  warnings: string[];
}

/**
 * Books a series: the dates that clash (as the check found them) are left out, or booked in the suggested room as
 * single bookings when `takeAlternatives`. The overlap check of every date and the insert of every row are one
 * IMMEDIATE transaction; a date taken by someone else in between is refused on its own (left out and reported).
 */
export async function createSeries(
  ctx: Ctx,
  actor: User,
  input: BookingFormInput,
  recurrence: Recurrence,
  takeAlternatives: boolean,
  replacing?: Replacing,
): Promise<SeriesResult> {
  const replay = repo.findBookingByIdempotencyKey(ctx.db, input.idempotencyKey);
  if (replay?.seriesId) {
    const series = seriesRepo.findSeries(ctx.db, replay.seriesId)!;
    return { series, booking: replay, skipped: [], raced: [], moved: [], warnings: [] };
  }
  const room = getRoom(ctx, input.roomId);
  if (!room.active) throw new FieldErrors({ roomId: t('rules.room_inactive') });
  const organizer = organizerFor(ctx, actor, input.organizerId);
  slotInRoomZone(room, input.date, input.start, input.end); // the first date's times must exist
  const attendees = attendeesFrom(ctx, input, organizer);
  const check = await checkSeries(ctx, room, input, recurrence, attendees.length, replacing);
  const ruleBroken = check.dates.filter((d) => d.problem);
  // The horizon and the room's hours apply to every date: a series that breaks them is changed, not half booked.
  if (ruleBroken.length) throw new FieldErrors({ repeat: `${ruleBroken[0]!.date}: ${ruleBroken[0]!.problem}` });
  const at = toDbTime(ctx.clock.now());
  const uid = `rb-${randomBytes(12).toString('hex')}`;
  const result = ctx.db
    .transaction(() => {
      const raced = repo.findBookingByIdempotencyKey(ctx.db, input.idempotencyKey);
      if (raced?.seriesId) return { seriesId: raced.seriesId, skipped: [], raced: [], moved: [] };
      replacing?.beforeInsert?.();
      const seriesId = seriesRepo.insertSeries(ctx.db, {
        uid,
        rrule: check.rrule,
        firstDate: input.date,
        startTime: input.start,
        endTime: input.end,
        timeZone: room.timeZone,
        roomId: room.id,
        organizerId: organizer.id,
        words: check.words,
        subject: input.subject,
        description: input.description,
        private: input.private,
        splitFromId: replacing?.seriesId ?? null,
        at,
      });
      const skipped: string[] = [];
      const racedDates: string[] = [];
      const moved: { date: string; bookingId: number; roomName: string }[] = [];
      const bookingIds: number[] = [];
      const excluded: DateTime[] = [];
      check.occurrences.forEach((o, i) => {
        const d = check.dates[i]!;
        if (!o.start || !o.end) return;
        const startsAt = toDbTime(o.start);
        const endsAt = toDbTime(o.end);
        if (!d.free) {
          excluded.push(o.start);
          if (takeAlternatives && d.alternative && !repo.isRoomTaken(ctx.db, d.alternative.roomId, startsAt, endsAt, null)) {
            const other = getRoom(ctx, d.alternative.roomId);
            const single = {
              uid: `${uid}-${o.date.replaceAll('-', '')}-${other.id}`,
              subject: input.subject,
              description: input.description,
              startsAt,
              endsAt,
              icalSequence: 0,
            };
            const id = repo.insertBooking(
              ctx.db,
              {
                ...single,
                private: input.private,
                idempotencyKey: `${input.idempotencyKey}.${o.date}.alt`,
                roomId: other.id,
                organizerId: organizer.id,
                createdById: actor.id,
                at,
              },
              attendees,
            );
            outbox.queueVersion(ctx.db, id, 'create', { meeting: meetingOf({ ...single, private: input.private }, attendees, other, organizer) }, at);
            moved.push({ date: o.date, bookingId: id, roomName: other.name });
          } else skipped.push(o.date);
          return;
        }
        const taken = replacing
          ? seriesRepo.isRoomTakenBesides(ctx.db, room.id, startsAt, endsAt, replacing.seriesId)
          : repo.isRoomTaken(ctx.db, room.id, startsAt, endsAt, null);
        if (taken) {
          // CASE: someone booked this date since the check: this date is refused, the rest of the series stands.
          excluded.push(o.start);
          racedDates.push(o.date);
          return;
        }
        const fields = { uid: occurrenceUid(uid, o.date), subject: input.subject, description: input.description, startsAt, endsAt, icalSequence: 0 };
        // The first row carries the form's key, so a double submit finds the series again.
        const key = bookingIds.length === 0 ? input.idempotencyKey : `${input.idempotencyKey}.${o.date}`;
        const id = repo.insertBooking(
          ctx.db,
          { ...fields, private: input.private, idempotencyKey: key, roomId: room.id, organizerId: organizer.id, createdById: actor.id, at },
          attendees,
        );
        seriesRepo.markOccurrence(ctx.db, id, seriesId, startsAt);
        bookingIds.push(id);
      });
      if (!bookingIds.length) throw new SlotTakenError(room.name);
      const first = check.occurrences[0]!;
      const meeting = meetingOf(
        {
          uid,
          subject: input.subject,
          description: input.description,
          startsAt: toDbTime(first.start!),
          endsAt: toDbTime(first.end!),
          icalSequence: 0,
          private: input.private,
        },
        attendees,
        room,
        organizer,
      );
      const job = seriesJobJson({ op: 'create', seriesId, rrule: check.rrule, excluded, exceptions: [], bookingIds });
      outbox.queueVersion(ctx.db, bookingIds[0]!, 'create', { meeting, series: job }, at);
      recordAudit(ctx, toActor(actor), 'series.created', { type: 'series', id: seriesId }, null, {
        rrule: check.rrule,
        dates: bookingIds.length,
        skipped,
        raced: racedDates,
      });
      return { seriesId, skipped, raced: racedDates, moved };
    })
    .immediate();
  ctx.wakeOutbox();
  const series = seriesRepo.findSeries(ctx.db, result.seriesId)!;
  const booking = repo.findBooking(ctx.db, seriesRepo.anchorBookingId(ctx.db, series.id)!)!;
  const warning = checkCapacity(room, attendees.length + 1);
  return { series, booking, skipped: result.skipped, raced: result.raced, moved: result.moved, warnings: warning ? [warning] : [] };
}

/** A date's booking row uid: the series UID plus the local date (bookings.uid is unique; Exchange knows the series UID). */
export function occurrenceUid(seriesUid: string, date: string): string {
  return `${seriesUid}-${date.replaceAll('-', '')}`;
}

export function getSeriesForViewer(ctx: Pick<Ctx, 'db'>, viewer: User, id: number): { series: seriesRepo.Series; occurrences: repo.Booking[] } {
  const series = seriesRepo.findSeries(ctx.db, id);
  if (!series) throw new NotFoundError('series');
  const occurrences = seriesRepo.occurrenceIds(ctx.db, id).map((b) => repo.findBooking(ctx.db, b)!);
  if (!occurrences.some((b) => canViewBooking(viewer, b))) throw new NotFoundError('series');
  return { series, occurrences };
}

/** What Exchange's item for the series says now: EXDATEs for every date that is gone, exceptions for every changed date. */
/** A room as a series message names it (LOCATION, resource ATTENDEE, Bcc). */
const roomRef = (r: Room): Meeting['room'] => ({ alias: r.alias, email: r.email, name: r.name });

function seriesShape(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  series: seriesRepo.Series,
  rows: repo.Booking[],
): { excluded: DateTime[]; exceptions: OccurrenceOverride[]; roomless: OccurrenceOverride[] } {
  const start: SeriesStart = { date: series.firstDate, start: series.startTime, end: series.endTime, zone: series.timeZone };
  const byRecurrence = new Map(rows.filter((r) => r.recurrenceId).map((r) => [r.recurrenceId!, r]));
  const excluded: DateTime[] = [];
  const exceptions: OccurrenceOverride[] = [];
  const roomless: OccurrenceOverride[] = [];
  for (const o of expandRRule(series.rrule, start)) {
    if (!o.start) continue;
    const row = byRecurrence.get(toDbTime(o.start));
    if (!row || row.state === 'cancelled' || row.state === 'cancelling') {
      excluded.push(o.start);
      // CASE: check-in released the room and the meeting goes on: the organizer's item keeps the date, roomless.
      if (row?.roomReleasedLocation)
        roomless.push({
          originalStart: o.start,
          start: DateTime.fromISO(row.startsAt, { zone: 'utc' }),
          end: DateTime.fromISO(row.endsAt, { zone: 'utc' }),
          ...(row.subject !== series.subject ? { subject: row.subject } : {}),
          withoutRoom: { location: row.roomReleasedLocation },
        });
      continue;
    }
    const moved = row.startsAt !== row.recurrenceId || (o.end && row.endsAt !== toDbTime(o.end));
    // A date moved to another room is an exception too: its own LOCATION and resource (issue 14).
    const otherRoom = row.roomId !== series.roomId;
    if (moved || row.subject !== series.subject || otherRoom) {
      exceptions.push({
        originalStart: o.start,
        start: DateTime.fromISO(row.startsAt, { zone: 'utc' }),
        end: DateTime.fromISO(row.endsAt, { zone: 'utc' }),
        ...(row.subject !== series.subject ? { subject: row.subject } : {}),
        ...(otherRoom ? { room: roomRef(getRoom(ctx, row.roomId)) } : {}),
      });
    }
  }
  return { excluded, exceptions, roomless };
}

/** A series by id (check-in's series rule reads it to queue the room's release). */
export function findSeriesById(ctx: Pick<Ctx, 'db'>, id: number): seriesRepo.Series | undefined {
  return seriesRepo.findSeries(ctx.db, id);
}

/** Queues one series job on the series' first row (its jobs run in order) with the next SEQUENCE. */
// Exported for check-in's release of series dates (server/checkin/series-release.ts); `released` only for release-room.
export function queueSeriesJob(
  ctx: Pick<Ctx, 'db' | 'clock' | 'log'>,
  series: seriesRepo.Series,
  op: SeriesOp,
  bookingIds: number[],
  at: string,
  occurrence?: OccurrenceOverride,
  message?: string,
  extra: Pick<SeriesJobInput, 'dropped' | 'otherRooms' | 'released' | 'releasedLocation'> = {},
): void {
  const anchorId = seriesRepo.anchorBookingId(ctx.db, series.id)!;
  const rows = seriesRepo.occurrenceIds(ctx.db, series.id).map((id) => repo.findBooking(ctx.db, id)!);
  const anchor = rows.find((r) => r.id === anchorId)!;
  const sequence = series.icalSequence + 1;
  seriesRepo.updateSeries(ctx.db, series.id, { icalSequence: sequence }, at);
  const room = getRoom(ctx, series.roomId);
  const organizer = getUser(ctx, series.organizerId);
  const first = expandRRule(series.rrule, { date: series.firstDate, start: series.startTime, end: series.endTime, zone: series.timeZone }, { limit: 1 })[0];
  const meeting = meetingOf(
    {
      uid: series.uid,
      subject: series.subject,
      description: series.description,
      startsAt: toDbTime(first!.start!),
      endsAt: toDbTime(first!.end!),
      icalSequence: sequence,
      private: series.private,
    },
    anchor.attendees,
    room,
    organizer,
    { message: message ?? null },
  );
  const shape = seriesShape(ctx, series, rows);
  const job = seriesJobJson({ op, seriesId: series.id, rrule: series.rrule, ...shape, ...(occurrence ? { occurrence } : {}), ...extra, bookingIds });
  outbox.queueVersion(ctx.db, anchorId, jobKindOf(op), { meeting, series: job }, at);
}

function changeableSeries(ctx: Ctx, actor: User, booking: repo.Booking): seriesRepo.Series {
  if (!booking.seriesId) throw new NotFoundError('series');
  if (!canChangeBooking(actor, booking)) throw new ForbiddenError(messages.notYours);
  return seriesRepo.findSeries(ctx.db, booking.seriesId)!;
}

function freshRow(ctx: Ctx, actor: User, id: number): repo.Booking {
  const b = repo.findBooking(ctx.db, id);
  if (!b || !canViewBooking(actor, b)) throw new NotFoundError('booking');
  if (!canChangeBooking(actor, b)) throw new ForbiddenError(messages.notYours);
  if (!isChangeable(b.state)) throw new ConflictError(messages.notChangeable(b.state));
  return b;
}

/** Cancels one date only: Exchange gets the EXDATE on the item and a cancellation with that RECURRENCE-ID. */
export function cancelOccurrence(ctx: Ctx, actor: User, bookingId: number, message: string | undefined): repo.Booking {
  const b = ctx.db
    .transaction(() => {
      const current = freshRow(ctx, actor, bookingId);
      const series = changeableSeries(ctx, actor, current);
      const at = toDbTime(ctx.clock.now());
      const moved = changeState(ctx, current, 'cancelling', { cancelMessage: message ?? null });
      if (!moved.ok) throw new ConflictError(messages.notChangeable(current.state));
      const original = DateTime.fromISO(current.recurrenceId!, { zone: 'utc' });
      const occurrence = {
        originalStart: original,
        start: DateTime.fromISO(current.startsAt, { zone: 'utc' }),
        end: DateTime.fromISO(current.endsAt, { zone: 'utc' }),
        // CASE: the date was moved to another room: that room is told, not the series' room.
        ...(current.roomId !== series.roomId ? { room: roomRef(getRoom(ctx, current.roomId)) } : {}),
      };
      queueSeriesJob(ctx, series, 'cancel-occurrence', [current.id], at, occurrence, message);
      recordAudit(ctx, toActor(actor), 'series.occurrence_cancelled', { type: 'booking', id: current.id }, { state: current.state }, { state: 'cancelling' });
      return repo.findBooking(ctx.db, current.id)!;
    })
    .immediate();
  ctx.wakeOutbox();
  return b;
}

/**
 * Changes one date's time, subject or room: Exchange gets the exception on the item and an update with that
 * RECURRENCE-ID. In another room (issue 14) the update goes to the attendees and the new room, and the room the
 * date leaves gets a cancellation of that date only (sync/series-path.ts move-occurrence).
 */
export async function changeOccurrence(ctx: Ctx, actor: User, bookingId: number, input: BookingChangeInput): Promise<repo.Booking> {
  const before = freshRow(ctx, actor, bookingId);
  changeableSeries(ctx, actor, before);
  const otherRoom = input.roomId !== before.roomId;
  const room = getRoom(ctx, input.roomId);
  if (otherRoom && !room.active) throw new FieldErrors({ roomId: t('rules.room_inactive') });
  const slot = slotInRoomZone(room, input.date, input.start, input.end);
  const problems = checkBookingRules(room, slot, ctx.clock.now());
  if (Object.keys(problems).length) throw new FieldErrors(problems);
  // The new room's Exchange calendar and free/busy are asked first, as for a single booking taken to another room.
  if (otherRoom) await assertExchangeFree(ctx, room, slot, null);
  const b = ctx.db
    .transaction(() => {
      const current = freshRow(ctx, actor, bookingId);
      const series = changeableSeries(ctx, actor, current);
      const startsAt = toDbTime(slot.start);
      const endsAt = toDbTime(slot.end);
      if (repo.isRoomTaken(ctx.db, room.id, startsAt, endsAt, current.id)) throw new SlotTakenError(room.name);
      const at = toDbTime(ctx.clock.now());
      const leaving = current.roomId !== room.id ? getRoom(ctx, current.roomId) : null;
      const moved = changeState(ctx, current, 'updating', {
        startsAt,
        endsAt,
        subject: input.subject,
        description: input.description,
        ...(leaving ? { roomId: room.id, roomResponse: 'none' as const, roomResponseAt: null } : {}),
      });
      if (!moved.ok) throw new ConflictError(messages.notChangeable(current.state));
      if (startsAt !== current.startsAt || endsAt !== current.endsAt) repo.resetAttendeeResponses(ctx.db, current.id, at);
      const occurrence = {
        originalStart: DateTime.fromISO(current.recurrenceId!, { zone: 'utc' }),
        start: slot.start,
        end: slot.end,
        ...(input.subject !== series.subject ? { subject: input.subject } : {}),
        // A date in another room than the series' carries its room (LOCATION, resource) in Exchange.
        ...(room.id !== series.roomId ? { room: roomRef(room) } : {}),
      };
      if (leaving)
        queueSeriesJob(ctx, series, 'move-occurrence', [current.id], at, occurrence, undefined, { dropped: { attendees: [], room: roomRef(leaving) } });
      else queueSeriesJob(ctx, series, 'change-occurrence', [current.id], at, occurrence);
      const after = repo.findBooking(ctx.db, current.id)!;
      recordAudit(
        ctx,
        toActor(actor),
        'series.occurrence_changed',
        { type: 'booking', id: current.id },
        { startsAt: current.startsAt, endsAt: current.endsAt },
        { startsAt, endsAt },
      );
      return after;
    })
    .immediate();
  ctx.wakeOutbox();
  return b;
}

/** Cancels every date still to come and the series itself: Exchange gets one cancellation of the whole series. */
export function cancelWholeSeries(ctx: Ctx, actor: User, bookingId: number, message: string | undefined): seriesRepo.Series {
  const s = ctx.db
    .transaction(() => {
      const current = repo.findBooking(ctx.db, bookingId);
      if (!current || !canViewBooking(actor, current)) throw new NotFoundError('booking');
      const series = changeableSeries(ctx, actor, current);
      const at = toDbTime(ctx.clock.now());
      const rows = seriesRepo.occurrenceIds(ctx.db, series.id).map((id) => repo.findBooking(ctx.db, id)!);
      const live = rows.filter((r) => isChangeable(r.state));
      const otherRooms = roomsOfMovedDates(ctx, series, live);
      for (const r of live) changeState(ctx, r, 'cancelling', { cancelMessage: message ?? null });
      queueSeriesJob(
        ctx,
        series,
        'cancel-series',
        live.map((r) => r.id),
        at,
        undefined,
        message,
        { otherRooms },
      );
      recordAudit(ctx, toActor(actor), 'series.cancelled', { type: 'series', id: series.id }, null, { dates: live.length });
      return series;
    })
    .immediate();
  ctx.wakeOutbox();
  return s;
}

/**
 * "Cancel this and following": the series is split, as Outlook does it: its rule ends the day before this date
 * (an update of the series, one message), and this date and every later one are cancelled here.
 */
export function cancelFollowing(ctx: Ctx, actor: User, bookingId: number): seriesRepo.Series {
  const s = ctx.db
    .transaction(() => {
      const current = freshRow(ctx, actor, bookingId);
      const series = changeableSeries(ctx, actor, current);
      const at = toDbTime(ctx.clock.now());
      const start: SeriesStart = { date: series.firstDate, start: series.startTime, end: series.endTime, zone: series.timeZone };
      const splitDate = DateTime.fromISO(current.recurrenceId!, { zone: 'utc' }).setZone(series.timeZone).toISODate()!;
      if (splitDate <= series.firstDate) return cancelAllInside(ctx, actor, series, at);
      const rec = recurrenceFromRRule(series.rrule);
      const { before } = splitSeries(rec, start, splitDate);
      const rows = seriesRepo.occurrenceIds(ctx.db, series.id).map((id) => repo.findBooking(ctx.db, id)!);
      const following = rows.filter((r) => r.recurrenceId! >= current.recurrenceId! && isChangeable(r.state));
      // Dates moved to another room are cancelled there by a job of their own (below): the shortened rule reaches
      // only the series' room.
      const elsewhere = following.filter((r) => r.roomId !== series.roomId);
      for (const r of following) changeState(ctx, r, elsewhere.includes(r) ? 'cancelling' : 'cancelled', { cancelMessage: null });
      const rrule = shortenRRule(series.rrule, before);
      seriesRepo.updateSeries(ctx.db, series.id, { rrule }, at);
      const shortened = seriesRepo.findSeries(ctx.db, series.id)!;
      const kept = rows.filter((r) => r.recurrenceId! < current.recurrenceId! && isChangeable(r.state)).map((r) => r.id);
      queueSeriesJob(ctx, shortened, 'update-series', kept, at);
      for (const r of elsewhere) {
        const occurrence = {
          originalStart: DateTime.fromISO(r.recurrenceId!, { zone: 'utc' }),
          start: DateTime.fromISO(r.startsAt, { zone: 'utc' }),
          end: DateTime.fromISO(r.endsAt, { zone: 'utc' }),
          room: roomRef(getRoom(ctx, r.roomId)),
        };
        queueSeriesJob(ctx, seriesRepo.findSeries(ctx.db, series.id)!, 'cancel-occurrence', [r.id], at, occurrence);
      }
      recordAudit(ctx, toActor(actor), 'series.split', { type: 'series', id: series.id }, { rrule: series.rrule }, { rrule, cancelled: following.length });
      return shortened;
    })
    .immediate();
  ctx.wakeOutbox();
  return s;
}

function cancelAllInside(ctx: Ctx, actor: User, series: seriesRepo.Series, at: string): seriesRepo.Series {
  const rows = seriesRepo.occurrenceIds(ctx.db, series.id).map((id) => repo.findBooking(ctx.db, id)!);
  const live = rows.filter((r) => isChangeable(r.state));
  const otherRooms = roomsOfMovedDates(ctx, series, live);
  for (const r of live) changeState(ctx, r, 'cancelling', {});
  queueSeriesJob(
    ctx,
    series,
    'cancel-series',
    live.map((r) => r.id),
    at,
    undefined,
    undefined,
    { otherRooms },
  );
  recordAudit(ctx, toActor(actor), 'series.cancelled', { type: 'series', id: series.id }, null, { dates: live.length });
  return series;
}

/** The stored rule with its end replaced by the split's UNTIL (the pattern parts stay exactly as sent). */
function shortenRRule(rrule: string, before: Recurrence): string {
  if (!('until' in before.end)) return rrule;
  const parts = rrule.split(';').filter((p) => !p.startsWith('COUNT=') && !p.startsWith('UNTIL='));
  const untilPart = 'UNTIL=' + DateTime.fromISO(`${before.end.until}T23:59:59`, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'");
  return [...parts, untilPart].join(';');
}

/** Only the end matters to splitSeries for a rule with an UNTIL; a counted rule is read back for its COUNT. */
function recurrenceFromRRule(rrule: string): Recurrence {
  const count = /(?:^|;)COUNT=(\d+)/.exec(rrule);
  const until = /(?:^|;)UNTIL=(\d{4})(\d{2})(\d{2})/.exec(rrule);
  const end: Recurrence['end'] = count ? { count: Number(count[1]) } : until ? { until: `${until[1]}-${until[2]}-${until[3]}` } : { count: 260 };
  return { pattern: { kind: 'daily', interval: 1 }, end };
}

// ---- progress reported by the outbox worker (inside its transactions) ----

/** The series item exists: every date's row names it, so the booking pages and the reconciler see it as sent. */
export function recordSeriesItemRef(ctx: Pick<Ctx, 'db' | 'clock'>, job: SeriesJob, ref: ItemRef): void {
  const at = toDbTime(ctx.clock.now());
  for (const id of seriesRepo.occurrenceIds(ctx.db, job.seriesId))
    repo.updateBookingRow(ctx.db, id, { exchangeMailbox: ref.mailbox, exchangePath: ref.path }, at);
}

/** Exchange accepted a series message: the dates it was about are booked, or cancelled for a cancellation. */
export function recordSeriesSubmitted(ctx: Pick<Ctx, 'db' | 'clock' | 'log'>, job: SeriesJob, sent: { submittedAt: string | null }): StateChange {
  const cancels = job.op === 'cancel-series' || job.op === 'cancel-occurrence' || job.op === 'release-room';
  let result: StateChange = { ok: true };
  for (const id of job.bookingIds) {
    const b = repo.findBooking(ctx.db, id);
    if (!b) continue;
    const facts: repo.BookingChanges = { submittedAt: sent.submittedAt ?? undefined, failedReason: null };
    let to: BookingState = b.state;
    if (cancels) to = 'cancelled';
    else if (b.state === 'pending' || b.state === 'updating') to = 'booked';
    const change = changeState(ctx, b, to, facts);
    if (!change.ok) result = change;
  }
  return result;
}

/** Exchange refused a series message for good: the dates it was about failed, with the reason in words. */
export function recordSeriesFailed(ctx: Pick<Ctx, 'db' | 'clock' | 'log'>, job: SeriesJob, reason: string): StateChange {
  let result: StateChange = { ok: true };
  const cancels = job.op === 'cancel-series' || job.op === 'cancel-occurrence' || job.op === 'release-room';
  for (const id of job.bookingIds) {
    const b = repo.findBooking(ctx.db, id);
    if (!b) continue;
    // A stored message (i18n/stored.ts): each reader sees it in their language; `reason` is one too (sync/words.ts).
    const change = changeState(
      ctx,
      b,
      'failed',
      { failedReason: storedMessage('booking.failed', { kind: cancels ? 'cancel' : 'send', reason }) },
      { actor: { id: null, username: 'outbox' }, action: 'booking.failed' },
    );
    if (!change.ok) result = change;
  }
  return result;
}

/** For the reconciler: the Exchange UID and original start of each date row of these bookings (series rows only). */
export function seriesKeys(ctx: Pick<Ctx, 'db'>, bookings: readonly repo.Booking[]): Map<number, { uid: string; start: number }> {
  const out = new Map<number, { uid: string; start: number }>();
  const uids = new Map<number, string>();
  for (const b of bookings) {
    if (!b.seriesId) continue;
    let uid = uids.get(b.seriesId);
    if (!uid) uids.set(b.seriesId, (uid = seriesRepo.findSeries(ctx.db, b.seriesId)?.uid ?? ''));
    out.set(b.id, { uid, start: Date.parse(b.startsAt) });
  }
  return out;
}

/** Which of these UIDs are series booked in this app (not Outlook meetings). */
export function ownSeriesUids(ctx: Pick<Ctx, 'db'>, uids: readonly string[]): Set<string> {
  return seriesRepo.knownSeriesUids(ctx.db, uids);
}

/** The room's copy of the series leaves this date out (Exchange's Auto Accept Agent declined it): declined, this date only. */
export function recordDateDeclinedByRoom(ctx: Pick<Ctx, 'db' | 'clock' | 'log'>, b: repo.Booking): StateChange {
  const at = toDbTime(ctx.clock.now());
  return changeState(
    ctx,
    b,
    'declined',
    { roomResponse: 'declined', roomResponseAt: at },
    { actor: { id: null, username: 'reconciler' }, action: 'booking.declined_by_room' },
  );
}

/** The pattern of a stored RRULE (our own, or Outlook's of the same shapes), for re-planning the rest of a series. */
export function recurrenceOfRRule(rrule: string): Recurrence | null {
  const parts = new Map(rrule.split(';').map((p) => p.split('=') as [string, string]));
  const interval = Number(parts.get('INTERVAL') ?? '1');
  const byDay = parts.get('BYDAY');
  const count = parts.get('COUNT');
  const until = /^(\d{4})(\d{2})(\d{2})/.exec(parts.get('UNTIL') ?? '');
  const end: Recurrence['end'] = count ? { count: Number(count) } : until ? { until: `${until[1]}-${until[2]}-${until[3]}` } : { count: 260 };
  const days = (byDay ?? '').split(',').filter(Boolean);
  switch (parts.get('FREQ')) {
    case 'DAILY':
      return { pattern: { kind: 'daily', interval }, end };
    case 'WEEKLY':
      if (byDay === 'MO,TU,WE,TH,FR' && interval === 1) return { pattern: { kind: 'weekdays' }, end };
      return { pattern: { kind: 'weekly', interval, days: days as Weekday[] }, end };
    case 'MONTHLY': {
      if (parts.get('BYMONTHDAY')) return { pattern: { kind: 'monthly-day', interval, day: Number(parts.get('BYMONTHDAY')) }, end };
      const nth = /^(-?\d)([A-Z]{2})$/.exec(days[0] ?? '');
      if (!nth) return null;
      return { pattern: { kind: 'monthly-nth', interval, week: Number(nth[1]) as 1 | 2 | 3 | 4 | -1, weekday: nth[2] as 'MO' }, end };
    }
    default:
      return null;
  }
}

/**
 * "Change this and following" to new times: as Outlook does it, the series is split. A new series (its own UID, one
 * invitation) starts on this date with the new times and what is left of the old one; the old one ends the day before
 * (one update). The new series is booked first, so a refused new time changes nothing.
 */
export async function changeFollowing(ctx: Ctx, actor: User, bookingId: number, input: BookingChangeInput): Promise<SeriesResult> {
  const current = freshRow(ctx, actor, bookingId);
  const old = changeableSeries(ctx, actor, current);
  if (input.roomId !== old.roomId) throw new FieldErrors({ roomId: messages.noRoomChange });
  const rec = recurrenceOfRRule(old.rrule);
  if (!rec) throw new FieldErrors({ start: t('series.err.cannot_split') });
  const start: SeriesStart = { date: old.firstDate, start: old.startTime, end: old.endTime, zone: old.timeZone };
  const splitDate = DateTime.fromISO(current.recurrenceId!, { zone: 'utc' }).setZone(old.timeZone).toISODate()!;
  const { after } = splitSeries(rec, start, splitDate);
  const organizer = getUser(ctx, old.organizerId);
  const form: BookingFormInput = {
    ...input,
    date: splitDate,
    organizerId: organizer.id,
    idempotencyKey: `split-${current.id}-${randomBytes(8).toString('hex')}`,
    required: current.attendees.filter((a) => a.role === 'required').map((a) => a.email),
    optional: current.attendees.filter((a) => a.role === 'optional').map((a) => a.email),
  };
  // The old dates from here on are cancelled by the split; they must not count as taken for the new series.
  // One transaction: the old series is shortened (and its job queued) before the new one is written.
  return createSeries(ctx, organizer.id === actor.id ? actor : organizer, form, after, false, {
    seriesId: old.id,
    uid: old.uid,
    beforeInsert: () => void cancelFollowing(ctx, actor, bookingId),
  });
}

/** The series' first date still to come that can change (where "change the whole series" starts). */
export function nextChangeableDate(ctx: Pick<Ctx, 'db'>, seriesId: number, now: DateTime): number | undefined {
  const nowIso = toDbTime(now);
  return seriesRepo
    .occurrenceIds(ctx.db, seriesId)
    .map((id) => repo.findBooking(ctx.db, id)!)
    .find((b) => isChangeable(b.state) && b.startsAt > nowIso)?.id;
}

/** The rooms dates of this series were moved to (not the series' room): a cancellation of the series tells them too. */
function roomsOfMovedDates(ctx: Ctx, series: seriesRepo.Series, rows: readonly repo.Booking[]): Meeting['room'][] {
  const ids = [...new Set(rows.filter((r) => r.roomId !== series.roomId).map((r) => r.roomId))];
  return ids.map((id) => roomRef(getRoom(ctx, id)));
}

/**
 * "Change the whole series" (issue 14) as Outlook does it: the SAME series is updated (same UID, SEQUENCE+1, the RRULE
 * kept), one update to the attendees, so nobody sees a second series. Every date not yet started in the series' room
 * takes the new times (a time change drops that date's own time, as Outlook drops exceptions), room and subject (a
 * date with its own subject keeps it); a date moved to another room on its own stays there. Dates already past keep
 * what they were (they become exceptions of the updated series). The old room and removed attendees get a
 * cancellation of the series. Dates the new room cannot take are refused before anything changes.
 */
export async function changeWholeSeries(ctx: Ctx, actor: User, bookingId: number, input: BookingChangeInput): Promise<seriesRepo.Series> {
  const current = freshRow(ctx, actor, bookingId);
  const old = changeableSeries(ctx, actor, current);
  const room = getRoom(ctx, input.roomId);
  if (room.id !== old.roomId && !room.active) throw new FieldErrors({ roomId: t('rules.room_inactive') });
  // The series' wall-clock times are in its zone; a room in another zone would move every date's meaning.
  if (room.timeZone !== old.timeZone) throw new FieldErrors({ roomId: t('series.err.other_zone') });
  slotInRoomZone(room, current.startsAt.slice(0, 10), input.start, input.end); // the times must be a valid slot
  const organizer = getUser(ctx, old.organizerId);
  const attendees = attendeesFrom(ctx, input, organizer);
  const now = ctx.clock.now();
  const plan = planWholeSeries(ctx, old, room, input, now);
  const broken = plan.filter((p) => p.problem);
  if (broken.length) throw new FieldErrors({ start: `${broken[0]!.date}: ${broken[0]!.problem}` });
  const changing = plan.filter((p) => p.changes);
  const movesSlot = changing.some((p) => p.startsAt !== p.row.startsAt || p.endsAt !== p.row.endsAt || room.id !== p.row.roomId);
  if (movesSlot && changing.length) {
    // The new room's own calendar for the dates that change (one SEARCH; this series' own items do not count).
    const window = { start: DateTime.fromISO(changing[0]!.startsAt), end: DateTime.fromISO(changing.at(-1)!.endsAt) };
    const clash = new Set<string>();
    try {
      const items = await ctx.gateway.listCalendar(room.alias, window);
      for (const p of changing) {
        const s = Date.parse(p.startsAt);
        const e = Date.parse(p.endsAt);
        const taken = items.some(
          (i) =>
            i.uid !== old.uid && !i.cancelled && i.busyStatus !== 'free' && i.responseStatus !== 'declined' && i.start.toMillis() < e && i.end.toMillis() > s,
        );
        if (taken) clash.add(p.date);
      }
    } catch (err) {
      if (!(err instanceof ExchangeError)) throw err;
      ctx.log.warn({ event: 'series.calendar_unavailable', room: room.alias, error: err.message }, 'room calendar unavailable; checking local bookings only');
    }
    for (const p of changing) if (seriesRepo.isRoomTakenBesides(ctx.db, room.id, p.startsAt, p.endsAt, old.id)) clash.add(p.date);
    if (clash.size) throw new FieldErrors({ start: t('series.err.whole_clash', { room: room.name, dates: [...clash].join(', ') }) });
  }
  const series = ctx.db
    .transaction(() => {
      const fresh = freshRow(ctx, actor, bookingId);
      const s0 = changeableSeries(ctx, actor, fresh);
      if (s0.updatedAt !== old.updatedAt) throw new ConflictError(messages.notChangeable(fresh.state));
      const at = toDbTime(ctx.clock.now());
      const rows = seriesRepo.occurrenceIds(ctx.db, old.id).map((id) => repo.findBooking(ctx.db, id)!);
      const anchor = rows.find((r) => r.id === seriesRepo.anchorBookingId(ctx.db, old.id))!;
      const kept = new Set(attendees.map((a) => a.email.toLowerCase()));
      const droppedPeople = anchor.attendees
        .filter((a) => !kept.has(a.email.toLowerCase()))
        .map((a) => (a.name ? { email: a.email, name: a.name } : { email: a.email }));
      const changedIds: number[] = [];
      for (const p of plan) {
        const row = rows.find((r) => r.id === p.row.id)!;
        if (p.changes) {
          if (row.updatedAt !== p.row.updatedAt) throw new ConflictError(messages.notChangeable(row.state));
          const moved = changeState(ctx, row, 'updating', {
            startsAt: p.startsAt,
            endsAt: p.endsAt,
            subject: p.subject,
            description: input.description,
            ...(room.id !== row.roomId ? { roomId: room.id, roomResponse: 'none' as const, roomResponseAt: null } : {}),
          });
          if (!moved.ok) throw new ConflictError(messages.notChangeable(row.state));
          if (p.startsAt !== row.startsAt || p.endsAt !== row.endsAt) repo.resetAttendeeResponses(ctx.db, row.id, at);
          changedIds.push(row.id);
        }
        // The date's RECURRENCE-ID follows the series' new start time (Exchange names occurrences by their original start).
        if (p.recurrenceId) seriesRepo.markOccurrence(ctx.db, row.id, old.id, p.recurrenceId);
        repo.replaceAttendees(ctx.db, row.id, attendees);
      }
      const rec = recurrenceOfRRule(old.rrule);
      const startShape: SeriesStart = { date: old.firstDate, start: input.start, end: input.end, zone: old.timeZone };
      const words = rec ? describeSeries(rec, startShape, expandRRule(old.rrule, startShape)) : old.words;
      seriesRepo.updateSeriesFields(
        ctx.db,
        old.id,
        { startTime: input.start, endTime: input.end, roomId: room.id, subject: input.subject, description: input.description, words },
        at,
      );
      const updated = seriesRepo.findSeries(ctx.db, old.id)!;
      const oldRoom = old.roomId !== room.id ? roomRef(getRoom(ctx, old.roomId)) : undefined;
      queueSeriesJob(ctx, updated, 'change-series', changedIds, at, undefined, undefined, {
        dropped: { attendees: droppedPeople, ...(oldRoom ? { room: oldRoom } : {}) },
      });
      recordAudit(
        ctx,
        toActor(actor),
        'series.changed',
        { type: 'series', id: old.id },
        { startTime: old.startTime, endTime: old.endTime, roomId: old.roomId, subject: old.subject },
        { startTime: input.start, endTime: input.end, roomId: room.id, subject: input.subject, dates: changedIds.length },
      );
      return seriesRepo.findSeries(ctx.db, old.id)!;
    })
    .immediate();
  ctx.wakeOutbox();
  return series;
}

interface WholeSeriesDate {
  row: repo.Booking;
  date: string;
  /** The date's original start under the series' new times (its RECURRENCE-ID from now on). */
  recurrenceId: string | null;
  /** This date takes the change (not yet started, still changeable, in the series' room). */
  changes: boolean;
  startsAt: string;
  endsAt: string;
  subject: string;
  problem: string | null;
}

function planWholeSeries(ctx: Ctx, old: seriesRepo.Series, room: Room, input: BookingChangeInput, now: DateTime): WholeSeriesDate[] {
  const nowIso = toDbTime(now);
  const start: SeriesStart = { date: old.firstDate, start: input.start, end: input.end, zone: old.timeZone };
  const byDate = new Map(expandRRule(old.rrule, start).map((o) => [o.date, o]));
  const timesChanged = input.start !== old.startTime || input.end !== old.endTime;
  return seriesRepo.occurrenceIds(ctx.db, old.id).map((id) => {
    const row = repo.findBooking(ctx.db, id)!;
    const date = DateTime.fromISO(row.recurrenceId!, { zone: 'utc' }).setZone(old.timeZone).toISODate()!;
    const o = byDate.get(date);
    const changes = isChangeable(row.state) && row.startsAt > nowIso && row.roomId === old.roomId && !!o?.start && !!o.end;
    const startsAt = changes && timesChanged ? toDbTime(o!.start!) : row.startsAt;
    const endsAt = changes && timesChanged ? toDbTime(o!.end!) : row.endsAt;
    let problem: string | null = null;
    if (changes) {
      const p = checkBookingRules(room, { start: DateTime.fromISO(startsAt, { zone: 'utc' }), end: DateTime.fromISO(endsAt, { zone: 'utc' }) }, now);
      if (Object.keys(p).length) problem = Object.values(p).join(' ');
    }
    return {
      row,
      date,
      recurrenceId: o?.start ? toDbTime(o.start) : null,
      changes,
      startsAt,
      endsAt,
      subject: changes && row.subject === old.subject ? input.subject : row.subject,
      problem,
    };
  });
}
