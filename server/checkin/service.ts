// Check-in and the release of no-shows (issue 15). Bookings are changed only through the bookings service's
// changeState(); the release goes to Exchange through the outbox like every other version of a booking.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit, type Actor } from '../audit/record.ts';
import { ConflictError } from '../errors.ts';
import { changeState, getBooking, type Booking } from '../bookings/service.ts';
import { meetingOf } from '../bookings/meeting.ts';
import { ACTIVE_STATES } from '../bookings/states.ts';
import { getRoom, type Room } from '../rooms/service.ts';
import * as outbox from '../sync/outbox.ts';
import { findUser, getUser, type User } from '../users/service.ts';
import * as repo from './repo.ts';
import {
  checkinRefusal,
  checkinWindow,
  localClock,
  REFUSAL_WORDS,
  releaseDecision,
  resolveSettings,
  windowPhase,
  type BookingFacts,
  type CheckinSettings,
  type SettingsChoice,
  type WindowPhase,
} from './rules.ts';
import { runInLocale, t, tFor } from '../i18n/context.ts';
import { organizerLocale } from '../i18n/meeting-body.ts';
import { readStored } from '../i18n/stored.ts';
import { releaseSeriesDate, seriesReleaseNote } from './series-release.ts';

export type { CheckinFacts } from './repo.ts';
export type { CheckinSettings, SettingsChoice } from './rules.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'wakeOutbox'>;

/** A stored release note (rules.ts writes it in English) in the reader's language; an unknown form stays as it is. */
function releaseNoteWords(note: string): string {
  const time = /(\d{1,2}:\d{2})$/.exec(note)?.[1];
  if (time && note.startsWith('released: nobody checked in by')) return t('checkin.note.no_show', { time });
  if (time && note.startsWith('released: every attendee declined')) return t('checkin.note.all_declined', { time });
  return note;
}

export function settingsForRoom(ctx: Pick<Ctx, 'db'>, room: Pick<Room, 'id' | 'building'>): CheckinSettings {
  return resolveSettings(repo.findRoomChoice(ctx.db, room.id), repo.findBuildingDefault(ctx.db, room.building));
}

/** Rooms where check-in is on (their own setting or their building's default). */
export function roomIdsWithCheckinOn(ctx: Pick<Ctx, 'db'>): number[] {
  return repo.roomIdsWithCheckinOn(ctx.db);
}

export function roomChoice(ctx: Pick<Ctx, 'db'>, roomId: number): SettingsChoice {
  return repo.findRoomChoice(ctx.db, roomId) ?? {};
}

export function buildingDefault(ctx: Pick<Ctx, 'db'>, building: string): CheckinSettings & { seriesMisses: number } {
  return { ...resolveSettings(undefined, repo.findBuildingDefault(ctx.db, building)), seriesMisses: repo.seriesMissesFor(ctx.db, building) };
}

export function saveRoomChoice(ctx: Ctx, actor: Actor, roomId: number, choice: SettingsChoice): void {
  ctx.db
    .transaction(() => {
      const before = repo.findRoomChoice(ctx.db, roomId) ?? null;
      repo.upsertRoomChoice(ctx.db, roomId, choice, toDbTime(ctx.clock.now()));
      recordAudit(ctx, actor, 'room.checkin_settings', { type: 'room', id: roomId }, before, choice);
    })
    .immediate();
}

export function saveBuildingDefault(ctx: Ctx, actor: Actor, building: string, s: CheckinSettings & { seriesMisses?: number }): void {
  ctx.db
    .transaction(() => {
      const before = repo.findBuildingDefault(ctx.db, building) ?? null;
      repo.upsertBuildingDefault(ctx.db, building, s, toDbTime(ctx.clock.now()));
      recordAudit(ctx, actor, 'building.checkin_default', { type: 'building', id: building }, before, s);
    })
    .immediate();
}

const isActive = (b: Booking) => ACTIVE_STATES.includes(b.state);

/** Reception's per-booking exemption, or the organizer is exempt by name (an admin's list, migration 0016). */
function factsFor(b: Booking, facts: repo.CheckinFacts | undefined, organizerEmail: string, personExempt: boolean): BookingFacts {
  return {
    startMs: Date.parse(b.startsAt),
    endMs: Date.parse(b.endsAt),
    active: isActive(b),
    checkedIn: Boolean(facts?.checkedInAt),
    exempt: (facts?.exempt ?? false) || personExempt,
    released: Boolean(facts?.releasedAt),
    organizerEmail,
    attendees: b.attendees,
  };
}

/** What the booking page, the timeline and the display show about one booking's check-in. */
export interface CheckinView {
  required: boolean;
  phase: WindowPhase;
  /** "09:55–10:10" in the room's zone. */
  windowWords: string;
  checkedInAt: string | null;
  checkedInBy: string | null;
  exempt: boolean;
  /** The exemption is the organizer's (exempt by name), not reception's for this booking. */
  exemptPerson: boolean;
  released: boolean;
  releaseNote: string | null;
  /** Check-in possible right now. */
  canCheckIn: boolean;
  /** Why not, in words (null when it can). */
  refusal: string | null;
  /** The series lost its room (the N-in-a-row rule): how many were missed, how many dates lost it, from when. */
  seriesRelease: { missed: number; dates: number; from: string } | null;
  /** One word for badges: checked-in, released, no-show, exempt, due, or null when nothing applies. */
  label: 'checked-in' | 'released' | 'no-show' | 'exempt' | 'due' | null;
}

export function checkinView(ctx: Pick<Ctx, 'db' | 'clock'>, b: Booking, room: Room, facts = repo.findFacts(ctx.db, b.id)): CheckinView {
  const s = settingsForRoom(ctx, room);
  const now = ctx.clock.now().toMillis();
  const exemptPerson = !facts?.exempt && repo.isPersonExempt(ctx.db, b.organizerId);
  const f = factsFor(b, facts, '', exemptPerson);
  const w = checkinWindow(f.startMs, s);
  const refusal = checkinRefusal(now, f, s);
  const phase = windowPhase(now, w);
  const label: CheckinView['label'] = f.checkedIn
    ? 'checked-in'
    : f.released
      ? 'released'
      : f.exempt
        ? 'exempt'
        : !s.required
          ? null
          : phase === 'closed' && isActive(b)
            ? 'no-show'
            : phase === 'open' && isActive(b)
              ? 'due'
              : null;
  return {
    required: s.required,
    phase,
    windowWords: `${localClock(w.opens, room.timeZone)}–${localClock(w.closes, room.timeZone)}`,
    checkedInAt: facts?.checkedInAt ? DateTime.fromISO(facts.checkedInAt).setZone(room.timeZone).toFormat('HH:mm') : null,
    checkedInBy: facts?.checkedInBy ?? null,
    exempt: f.exempt,
    exemptPerson,
    released: f.released,
    releaseNote: facts?.releaseNote ? releaseNoteWords(facts.releaseNote) : null,
    canCheckIn: refusal === null,
    refusal: refusal && t(REFUSAL_WORDS[refusal]),
    seriesRelease: seriesNoteIn(ctx, b, room),
    label,
  };
}

function seriesNoteIn(ctx: Pick<Ctx, 'db'>, b: Booking, room: Room): CheckinView['seriesRelease'] {
  const note = seriesReleaseNote(ctx, b.seriesId);
  return note && { ...note, from: DateTime.fromISO(note.from).setZone(room.timeZone).toISODate()! };
}

/** Labels for many bookings at once (timeline, feeds, API): only bookings with something to say are in the map. */
export function checkinLabels(ctx: Pick<Ctx, 'db' | 'clock'>, bookingIds: readonly number[]): Map<number, 'checked-in' | 'released' | 'exempt'> {
  const out = new Map<number, 'checked-in' | 'released' | 'exempt'>();
  for (const [id, f] of repo.factsOf(ctx.db, bookingIds)) {
    if (f.checkedInAt) out.set(id, 'checked-in');
    else if (f.releasedAt) out.set(id, 'released');
    else if (f.exempt) out.set(id, 'exempt');
  }
  // Organized by someone exempt by name: "no check-in needed" unless something else happened to it.
  for (const id of repo.exemptByOrganizer(ctx.db, bookingIds)) if (!out.has(id)) out.set(id, 'exempt');
  return out;
}

export class CheckinRefused extends ConflictError {}

/**
 * Checks a booking in. `by` is who did it in words (a user name, "signed link", or the display's label), kept with the
 * check-in and in the audit trail.
 */
export function checkIn(ctx: Ctx, actor: Actor, bookingId: number, by: string): void {
  ctx.db
    .transaction(() => {
      const b = getBooking(ctx, bookingId);
      if (!b) throw new CheckinRefused(t(REFUSAL_WORDS['not-active']));
      const room = getRoom(ctx, b.roomId);
      const facts = repo.findFacts(ctx.db, b.id);
      const refusal = checkinRefusal(ctx.clock.now().toMillis(), factsFor(b, facts, '', false), settingsForRoom(ctx, room));
      if (refusal) throw new CheckinRefused(t(REFUSAL_WORDS[refusal]));
      if (!repo.recordCheckin(ctx.db, b.id, by, toDbTime(ctx.clock.now()))) throw new CheckinRefused(t(REFUSAL_WORDS.already));
      recordAudit(ctx, actor, 'booking.checked_in', { type: 'booking', id: b.id }, null, { by });
    })
    .immediate();
}

/** Reception: "no check-in needed" (executives, all-day trainings); the release never touches it. */
export function setExempt(ctx: Ctx, actor: Actor, bookingId: number, exempt: boolean): void {
  ctx.db
    .transaction(() => {
      const b = getBooking(ctx, bookingId);
      if (!b) throw new CheckinRefused(REFUSAL_WORDS['not-active']);
      if (repo.findFacts(ctx.db, b.id)?.releasedAt) throw new CheckinRefused(t(REFUSAL_WORDS.released));
      repo.setExempt(ctx.db, b.id, exempt, actor.username);
      recordAudit(ctx, actor, exempt ? 'booking.checkin_exempt' : 'booking.checkin_needed', { type: 'booking', id: b.id }, null, { exempt });
    })
    .immediate();
}

/** Admin: the people whose bookings never need a check-in (executives, trainers), with who added them. */
export function exemptPeople(ctx: Ctx): { user: User; addedBy: string; addedAt: string }[] {
  return repo.listExemptPeople(ctx.db).flatMap((r) => {
    const user = findUser(ctx, r.userId);
    return user ? [{ user, addedBy: r.addedBy, addedAt: r.addedAt }] : [];
  });
}

/** Admin: adds a person to the exempt list or takes them off it (audited; a repeat changes nothing). */
export function setPersonExempt(ctx: Ctx, actor: Actor, userId: number, exempt: boolean): void {
  ctx.db
    .transaction(() => {
      if (!repo.setPersonExempt(ctx.db, userId, exempt, actor.username, toDbTime(ctx.clock.now()))) return;
      recordAudit(ctx, actor, exempt ? 'user.checkin_exempt' : 'user.checkin_needed', { type: 'user', id: userId }, null, { exempt });
    })
    .immediate();
}

// ---- the organizer's signed link ----

const linkSignature = (secret: string, b: Pick<Booking, 'id' | 'uid'>) => createHmac('sha256', secret).update(`checkin:${b.id}:${b.uid}`).digest('base64url');

/** The one-click link's path: the booking id and an HMAC of it with the app's secret (no sign-in needed). */
export function checkinLinkPath(secret: string, b: Pick<Booking, 'id' | 'uid'>): string {
  return `/checkin/${b.id}/${linkSignature(secret, b)}`;
}

export function verifyLink(ctx: Pick<Ctx, 'db'>, secret: string, bookingId: number, signature: string): Booking | undefined {
  const b = getBooking(ctx, bookingId);
  if (!b) return undefined;
  const want = Buffer.from(linkSignature(secret, b));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got) ? b : undefined;
}

// ---- the release sweep ----

const SWEEPER: Actor = { id: null, username: 'check-in' };

/**
 * Releases every booking whose check-in window closed without a check-in (or whose attendees all declined), each in
 * its own transaction that marks the release and queues the Exchange step together: a second sweep, a restart or a
 * second instance finds it marked and queues nothing. Returns how many were released.
 */
export function sweepReleases(ctx: Ctx & Pick<AppContext, 'config'>): number {
  // Outside any request: texts in an organizer's language fall back to the organisation's (DEFAULT_LOCALE).
  const locale = ctx.config.defaultLocale;
  return runInLocale(locale, () => sweepOnce(ctx), locale);
}

function sweepOnce(ctx: Ctx): number {
  const now = ctx.clock.now();
  const roomIds = repo.roomIdsWithCheckinOn(ctx.db);
  if (!roomIds.length) return 0;
  // Only started meetings: a no-show waits for the window's end, all-declined for the start.
  const candidates = repo.listSweepCandidates(ctx.db, roomIds, toDbTime(now));
  let released = 0;
  for (const id of candidates) {
    if (releaseOne(ctx, id)) released++;
  }
  if (released) ctx.wakeOutbox();
  return released;
}

/**
 * The sweep as the outbox worker's pass hook: at most every `everyMs` of the app's clock (the worker passes every
 * second; a pass over 500 rooms costs ~5 ms, and a release 10 s after the window closed is as good as at once).
 */
export function releaseSweeper(ctx: Ctx & Pick<AppContext, 'config'>, everyMs = 10_000): () => void {
  let last = -Infinity;
  return () => {
    const now = ctx.clock.now().toMillis();
    // abs: a clock set back (NTP, tests) must not stop the sweep until it catches up.
    if (Math.abs(now - last) < everyMs) return;
    last = now;
    sweepReleases(ctx);
  };
}

function releaseOne(ctx: Ctx, bookingId: number): boolean {
  return ctx.db
    .transaction(() => {
      const b = getBooking(ctx, bookingId);
      if (!b || !isActive(b)) return false;
      const room = getRoom(ctx, b.roomId);
      const organizer = getUser(ctx, b.organizerId);
      const s = settingsForRoom(ctx, room);
      const decision = releaseDecision(
        ctx.clock.now().toMillis(),
        factsFor(b, repo.findFacts(ctx.db, b.id), organizer.email, repo.isPersonExempt(ctx.db, organizer.id)),
        s,
        room.timeZone,
      );
      if (!decision.release) return false;
      const at = toDbTime(ctx.clock.now());
      if (!repo.recordRelease(ctx.db, b.id, { reason: decision.reason, action: s.releaseAction, note: decision.note }, at)) return false;
      // What attendees read in Exchange is in the organizer's language (issue 17); the stored note stays as recorded.
      const locale = organizerLocale(organizer.locale);
      const noteTime = /(\d{1,2}:\d{2})$/.exec(decision.note)?.[1] ?? '';
      const message = tFor(locale, decision.reason === 'no-show' ? 'checkin.release.no_show' : 'checkin.release.all_declined', { time: noteTime });
      // A date of a series: the series item's own way (series-release.ts), and the N-in-a-row rule. Not
      // supersedeUnsent: the series' jobs hang on its first date and are the whole series' versions, not this date's.
      if (b.seriesId) {
        releaseSeriesDate(ctx, b, room, organizer, s, decision.reason, message, at);
        ctx.log.info({ event: 'checkin.released', bookingId: b.id, reason: decision.reason, action: s.releaseAction, series: b.seriesId }, decision.note);
        return true;
      }
      const copy = outbox.supersedeUnsent(ctx.db, b.id, at);
      if (!copy.inExchange) {
        // CASE: the meeting never reached Exchange: nothing to tell anyone, the room is free here at once.
        changeState(ctx, b, 'cancelled', { cancelMessage: message }, { actor: SWEEPER, action: 'booking.released' });
        return true;
      }
      const held = copy.version ?? meetingOf(b, b.attendees, room, organizer);
      const sequence = (copy.version?.sequence ?? copy.sequence ?? b.icalSequence) + 1;
      const textBody = `${message}\n\n${held.textBody}`.trim();
      // Releasing the room only: the attendees' copy says where the meeting stands now (no room).
      const meeting =
        s.releaseAction === 'cancel-meeting'
          ? { ...held, sequence, textBody }
          : { ...held, sequence, textBody, location: tFor(locale, 'checkin.release.location', { room: room.name }) };
      const change = changeState(ctx, b, 'cancelling', { icalSequence: sequence, cancelMessage: message }, { actor: SWEEPER, action: 'booking.released' });
      // The problem is a catalog reference (for the admin page); the thrown error is for the log, in English.
      if (!change.ok) throw new Error(readStored(change.problem, 'en'));
      outbox.queueVersion(ctx.db, b.id, s.releaseAction === 'cancel-meeting' ? 'cancel' : 'release', { meeting }, at);
      ctx.log.info({ event: 'checkin.released', bookingId: b.id, reason: decision.reason, action: s.releaseAction }, decision.note);
      return true;
    })
    .immediate();
}
