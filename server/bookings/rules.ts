import { DateTime, FixedOffsetZone } from 'luxon';
import type { FieldMessages } from '../errors.ts';
import { formatMinutes } from '../rooms/present.ts';
import type { Room } from '../rooms/service.ts';
import { t } from '../i18n/context.ts';
import { zoneLabel } from '../i18n/format.ts';
import { zoneDay } from '../time/zone-day.ts';

/** A booking's time: instants (compare and store in UTC; show in the room's zone). */
export interface Slot {
  start: DateTime;
  end: DateTime;
}

// Getters and functions: the words are read when a rule is broken, in the request's language.
export const messages = {
  get endBeforeStart() {
    return t('form.end_after_start');
  },
  get inPast() {
    return t('rules.in_past');
  },
  beforeOpening: (room: Room) => t('rules.before_opening', { room: room.name, time: room.opensAt, zone: zoneLabel(room.timeZone) }),
  afterClosing: (room: Room) => t('rules.after_closing', { room: room.name, time: room.closesAt, zone: zoneLabel(room.timeZone) }),
  tooLong: (room: Room) => t('rules.too_long', { room: room.name, length: formatMinutes(room.maxDurationMinutes) }),
  beyondHorizon: (room: Room) => t('rules.beyond_horizon', { room: room.name, days: room.horizonDays }),
  get roomInactive() {
    return t('rules.room_inactive');
  },
  overCapacity: (room: Room, people: number) => t('rules.over_capacity', { people, room: room.name, capacity: room.capacity }),
  noSuchLocalTime: (zone: string) => t('rules.no_such_time', { zone: zoneLabel(zone) }),
};

/** Past-start grace: a form filled in at 09:59 for 10:00 and submitted at 10:00:30 is still fine. */
const PAST_GRACE_MINUTES = 5;

/**
 * Checks a slot against the room's booking rules. Returns one message per field that broke a rule
 * (fields: start, end, date, roomId) — empty when the booking is allowed. Pure: the clock is passed in.
 */
export function checkBookingRules(room: Room, slot: Slot, now: DateTime): FieldMessages {
  const problems: FieldMessages = {};
  if (!room.active) problems.roomId = messages.roomInactive;
  if (slot.end <= slot.start) {
    problems.end = messages.endBeforeStart;
    return problems;
  }

  // Epoch-millisecond arithmetic on the room's local day (availability/zone-day.ts): luxon's zone lookups per value
  // were a tenth of a create's CPU (issue 13). Times the day's arithmetic cannot place fall back to luxon.
  const start = slot.start.toMillis();
  const end = slot.end.toMillis();
  if (start < now.toMillis() - PAST_GRACE_MINUTES * 60_000) problems.start = messages.inPast;
  const day = zoneDay(utcDate(start), room.timeZone);
  const localDay = day && zoneDay(day.localDate(start), room.timeZone);
  const opens = localDay?.instant(room.opensAt) ?? dayTime(slot.start, room, room.opensAt);
  const closes = localDay?.instant(room.closesAt) ?? dayTime(slot.start, room, room.closesAt);
  if (start < opens) problems.start ??= messages.beforeOpening(room);
  if (end > closes) problems.end ??= messages.afterClosing(room);

  if ((end - start) / 60_000 > room.maxDurationMinutes) problems.end ??= messages.tooLong(room);

  if (start >= horizonEnd(room, now)) problems.date = messages.beyondHorizon(room);
  return problems;
}

/** A warning, not a refusal: more people than seats. */
export function checkCapacity(room: Room, people: number): string | null {
  return people > room.capacity ? messages.overCapacity(room, people) : null;
}

const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A wall-clock time on the local day of `at` in the room's zone, by luxon (the fallback of the arithmetic above). */
function dayTime(at: DateTime, room: Room, hhmm: string): number {
  return at.setZone(room.timeZone).startOf('day').set(timeParts(hhmm)).toMillis();
}

/** The start of the day after the room's horizon (today in the room's zone + horizonDays + 1), as epoch ms. */
function horizonEnd(room: Room, now: DateTime): number {
  const ms = now.toMillis();
  const today = zoneDay(utcDate(ms), room.timeZone)?.localDate(ms);
  if (today) {
    const [y, m, d] = today.split('-').map(Number) as [number, number, number];
    const last = zoneDay(utcDate(Date.UTC(y, m - 1, d + room.horizonDays + 1)), room.timeZone)?.instant('00:00');
    if (last !== null && last !== undefined) return last;
  }
  return now
    .setZone(room.timeZone)
    .startOf('day')
    .plus({ days: room.horizonDays + 1 })
    .toMillis();
}

function timeParts(hhmm: string): { hour: number; minute: number } {
  const [h, m] = hhmm.split(':');
  return { hour: Number(h), minute: Number(m) };
}

/**
 * The instant of a wall-clock date and time in a zone, or null when that local time does not exist
 * (skipped by a spring-forward change). An ambiguous autumn time resolves to its first occurrence.
 */
export function localToInstant(date: string, time: string, zone: string): DateTime | null {
  // The form's shape ("yyyy-MM-dd", "HH:mm") by the day's arithmetic (zone-day.ts: the same gap and overlap rules);
  // anything else by luxon below.
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date) && /^([01]\d|2[0-3]):[0-5]\d$/.test(time) ? zoneDay(date, zone) : null;
  if (day) {
    const ms = day.instant(time);
    return ms === null ? null : DateTime.fromMillis(ms, { zone: 'utc' });
  }
  const t = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!t.isValid) return null;
  if (t.toFormat('yyyy-MM-dd') !== date || t.toFormat('HH:mm') !== time) return null;
  // The same wall-clock time may exist twice; try the offset in force a few hours earlier as well and keep the first.
  const earlierOffset = t.minus({ hours: 3 }).offset;
  if (earlierOffset === t.offset) return t.toUTC();
  const candidate = DateTime.fromISO(`${date}T${time}`, { zone: FixedOffsetZone.instance(earlierOffset) }).setZone(zone);
  const sameWallClock = candidate.toFormat('yyyy-MM-dd HH:mm') === `${date} ${time}`;
  return (sameWallClock && candidate < t ? candidate : t).toUTC();
}
