// Releasing dates of a recurring meeting (issue 15). A series is one Exchange item (one UID, an RRULE) with a booking
// row per date, so a date's no-show cannot go the single-meeting way (that would name the series item with one date's
// times): the room alone gets a CANCEL with the date's RECURRENCE-ID, then the attendees that date's update without
// the room (series op 'release-room', server/sync/series-path.ts), or, with "cancel the whole meeting", the date is
// cancelled for everyone ('cancel-occurrence').
//
// The series rule: when the room was not checked into for N dates in a row (the building's setting, default 3), the
// series loses the room for every date still to come, in the same transaction as the date's release: one
// checkin_series_releases row (its key makes the rule fire once), the dates' state, and one release-room job.
// Everything runs inside the caller's transaction (service.ts releaseOne), so a crash leaves all or nothing.
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit, type Actor } from '../audit/record.ts';
import { changeState, getBooking, type Booking } from '../bookings/service.ts';
import { findSeriesById, queueSeriesJob } from '../bookings/series-service.ts';
import { ACTIVE_STATES } from '../bookings/states.ts';
import type { Room } from '../rooms/service.ts';
import type { User } from '../users/service.ts';
import { tFor } from '../i18n/context.ts';
import { organizerLocale } from '../i18n/meeting-body.ts';
import * as repo from './repo.ts';
import type { CheckinSettings } from './rules.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log'>;

const SWEEPER: Actor = { id: null, username: 'check-in' };

/**
 * How many of a series' dates up to this one, latest first, nobody checked in to (released as no-shows). A date
 * checked in, exempted, or kept without a release ends the run; dates the organizer cancelled or the room declined
 * are skipped (nobody was expected).
 */
export function missedInARow(dates: readonly repo.SeriesDateFacts[]): number {
  let n = 0;
  for (const d of dates) {
    if (d.releaseReason === 'no-show') {
      n++;
      continue;
    }
    if (d.checkedIn || d.exempt || d.releaseReason !== null) break;
    if ((ACTIVE_STATES as readonly string[]).includes(d.state)) break;
  }
  return n;
}

/** Releases one series date (its release is already recorded by the caller) and applies the series rule. */
export function releaseSeriesDate(
  ctx: Ctx,
  b: Booking,
  room: Room,
  organizer: User,
  s: CheckinSettings,
  reason: 'no-show' | 'all-declined',
  message: string,
  at: string,
): void {
  const series = findSeriesById(ctx, b.seriesId!)!;
  const inExchange = Boolean(b.exchangePath);
  const original = DateTime.fromISO(b.recurrenceId ?? b.startsAt, { zone: 'utc' });
  if (!inExchange) {
    // CASE: the series never reached Exchange: nothing to tell anyone, the room is free here at once.
    changeState(ctx, b, 'cancelled', { cancelMessage: message }, { actor: SWEEPER, action: 'booking.released' });
  } else if (s.releaseAction === 'cancel-meeting') {
    const change = changeState(ctx, b, 'cancelling', { cancelMessage: message }, { actor: SWEEPER, action: 'booking.released' });
    if (!change.ok) throw new Error(change.problem);
    const occurrence = { originalStart: original, start: DateTime.fromISO(b.startsAt, { zone: 'utc' }), end: DateTime.fromISO(b.endsAt, { zone: 'utc' }) };
    queueSeriesJob(ctx, series, 'cancel-occurrence', [b.id], at, occurrence, message);
  } else {
    // The attendees' update of the date says where the meeting stands now (no room), in the organizer's language;
    // the row keeps it, so the organizer's series item shows the date without the room (bookings' seriesShape).
    const releasedLocation = tFor(organizerLocale(organizer.locale), 'checkin.release.location', { room: room.name });
    const change = changeState(
      ctx,
      b,
      'cancelling',
      { cancelMessage: message, roomReleasedLocation: releasedLocation },
      { actor: SWEEPER, action: 'booking.released' },
    );
    if (!change.ok) throw new Error(change.problem);
    queueSeriesJob(ctx, series, 'release-room', [b.id], at, undefined, message, { released: [original], releasedLocation });
  }
  if (reason === 'no-show') applySeriesRule(ctx, b, room, organizer, inExchange, at);
}

function applySeriesRule(ctx: Ctx, b: Booking, room: Room, organizer: User, inExchange: boolean, at: string): void {
  const limit = repo.seriesMissesFor(ctx.db, room.building);
  if (limit <= 0) return;
  // The rule fires once per series: after that, no date's release needs the count.
  if (repo.findSeriesRelease(ctx.db, b.seriesId!)) return;
  // Most releases do not reach the limit: reading the last `limit` dates that count tells (instead of every date of
  // the series again on each release). Only when it is reached, the whole run is counted for the message.
  if (missedInARow(repo.seriesDatesUpTo(ctx.db, b.seriesId!, b.startsAt, limit)) < limit) return;
  const missed = missedInARow(repo.seriesDatesUpTo(ctx.db, b.seriesId!, b.startsAt));
  const now = ctx.clock.now().toMillis();
  // Every date still to come that holds the room (this one is released already).
  const rest = repo
    .seriesDatesAfter(ctx.db, b.seriesId!, toDbTime(ctx.clock.now()))
    .map((id) => getBooking(ctx, id))
    .filter((d): d is Booking => Boolean(d) && d!.id !== b.id && ACTIVE_STATES.includes(d!.state) && Date.parse(d!.startsAt) > now);
  const first = rest[0];
  if (!first) return;
  if (!repo.recordSeriesRelease(ctx.db, b.seriesId!, { missed, dates: rest.length, fromStart: first.startsAt }, at)) return;
  const locale = organizerLocale(organizer.locale);
  const message = tFor(locale, 'checkin.series.release_message', { missed, room: room.name, dates: rest.length });
  const releasedLocation = tFor(locale, 'checkin.release.location', { room: room.name });
  for (const d of rest) {
    const change = changeState(
      ctx,
      d,
      inExchange ? 'cancelling' : 'cancelled',
      { cancelMessage: message, roomReleasedLocation: releasedLocation },
      { actor: SWEEPER, action: 'booking.released' },
    );
    if (!change.ok) throw new Error(change.problem);
  }
  if (inExchange) {
    const series = findSeriesById(ctx, b.seriesId!)!;
    queueSeriesJob(
      ctx,
      series,
      'release-room',
      rest.map((d) => d.id),
      at,
      undefined,
      message,
      {
        released: rest.map((d) => DateTime.fromISO(d.recurrenceId ?? d.startsAt, { zone: 'utc' })),
        releasedLocation,
      },
    );
  }
  recordAudit(ctx, SWEEPER, 'series.room_released', { type: 'series', id: b.seriesId! }, null, { missed, dates: rest.length });
  ctx.log.info({ event: 'checkin.series_released', seriesId: b.seriesId, missed, dates: rest.length }, 'series lost its room');
}

/** What a series date's page says when the series lost its room (null when it did not). */
export function seriesReleaseNote(ctx: Pick<Ctx, 'db'>, seriesId: number | null | undefined): { missed: number; dates: number; from: string } | null {
  if (!seriesId) return null;
  const r = repo.findSeriesRelease(ctx.db, seriesId);
  return r ? { missed: r.missed, dates: r.dates, from: r.fromStart } : null;
}
