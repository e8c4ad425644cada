import { DateTime, FixedOffsetZone } from 'luxon';
import type { FieldMessages } from '../errors.ts';
import { formatMinutes } from '../rooms/present.ts';
import type { Room } from '../rooms/service.ts';
import { t } from '../i18n/context.ts';
import { zoneLabel } from '../i18n/format.ts';

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
  if (slot.start < now.minus({ minutes: PAST_GRACE_MINUTES })) problems.start = messages.inPast;

  const localStart = slot.start.setZone(room.timeZone);
  const localEnd = slot.end.setZone(room.timeZone);
  const opens = localStart.startOf('day').set(timeParts(room.opensAt));
  const closes = localStart.startOf('day').set(timeParts(room.closesAt));
  if (localStart < opens) problems.start ??= messages.beforeOpening(room);
  if (localEnd > closes) problems.end ??= messages.afterClosing(room);

  if (slot.end.diff(slot.start, 'minutes').minutes > room.maxDurationMinutes) problems.end ??= messages.tooLong(room);

  const horizonEnd = now
    .setZone(room.timeZone)
    .startOf('day')
    .plus({ days: room.horizonDays + 1 });
  if (localStart >= horizonEnd) problems.date = messages.beyondHorizon(room);
  return problems;
}

/** A warning, not a refusal: more people than seats. */
export function checkCapacity(room: Room, people: number): string | null {
  return people > room.capacity ? messages.overCapacity(room, people) : null;
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
