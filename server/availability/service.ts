import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { FieldErrors, type FieldMessages } from '../errors.ts';
import { ExchangeError } from '../exchange/errors.ts';
import { listRooms, type Room } from '../rooms/service.ts';
import { isFree, mergeIntervals, nearestFreeWindows, stripCells, type Interval, type StripCell } from './merge.ts';
import type { FindInput } from './schema.ts';
import { zoneDay, type ZoneDay } from './zone-day.ts';
import { t } from '../i18n/context.ts';
import { currentLocale } from '../i18n/context.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway'>;

/**
 * What find-a-room needs of the app's own bookings, handed in by its caller (bookings/queries.ts localBookings), so
 * this feature imports nothing of bookings, which asks it for alternatives and replacement rooms.
 */
export interface LocalBookings {
  /** Busy intervals per room (epoch ms) from active bookings and meetings seen in Outlook, overlapping [start, end). */
  busyByRoom(ctx: Pick<AppContext, 'db'>, roomIds: number[], start: string, end: string): Map<number, Interval[]>;
  /** The booking rules' objections to this slot in this room (none: it may be booked). */
  checkRules(room: Room, slot: { start: DateTime; end: DateTime }, now: DateTime): FieldMessages;
}

// Free/busy precision: 5-minute cells, so a meeting ending at 10:05 does not hide a room from 10:15.
const FREEBUSY_INTERVAL_MINUTES = 5;
const STRIP_STEP_MINUTES = 30;
const MINUTE_MS = 60_000;

export interface RoomOption {
  room: Room;
  slot: Interval;
  strip: StripCell[];
  /** Why a room that is free does not fit, for "fits everything but one" suggestions. */
  misses: string[];
}

export interface TimeSuggestion {
  room: Room;
  slot: Interval;
}

export interface FindResult {
  matches: RoomOption[];
  nearMisses: RoomOption[];
  otherTimes: TimeSuggestion[];
  /** Exchange could not be asked: only bookings made through this app are known. */
  exchangeUnavailable: boolean;
  zones: string[];
}

interface Candidate {
  room: Room;
  slot: Interval;
  day: Interval;
  zoneDay: ZoneDay;
}

function candidateOf(room: Room, q: FindInput): Candidate | null {
  const zd = zoneDay(q.date, room.timeZone);
  if (!zd) return null;
  const start = zd.instant(q.start);
  const end = q.end ? zd.instant(q.end) : start === null ? null : start + (q.duration ?? 60) * MINUTE_MS;
  const opens = zd.instant(room.opensAt);
  const closes = zd.instant(room.closesAt);
  if (start === null || end === null || opens === null || closes === null) return null;
  return { room, slot: { start, end }, day: { start: opens, end: closes }, zoneDay: zd };
}

/**
 * "May this room be booked for this slot?" (bookings/rules.ts, the one source of the rules), asked once per distinct
 * answer-deciding input: rooms sharing hours, limits and zone share the answer, so 500 rooms cost a handful of calls.
 */
function ruleChecker(now: DateTime, checkRules: LocalBookings['checkRules']): (room: Room, slot: Interval) => boolean {
  const memo = new Map<string, boolean>();
  return (room, slot) => {
    const key = `${room.active}|${room.opensAt}|${room.closesAt}|${room.maxDurationMinutes}|${room.horizonDays}|${room.timeZone}|${slot.start}|${slot.end}`;
    let ok = memo.get(key);
    if (ok === undefined) {
      const problems = checkRules(room, { start: DateTime.fromMillis(slot.start, { zone: 'utc' }), end: DateTime.fromMillis(slot.end, { zone: 'utc' }) }, now);
      memo.set(key, (ok = Object.keys(problems).length === 0));
    }
    return ok;
  };
}

function missesOf(room: Room, q: FindInput): string[] {
  const misses: string[] = [];
  if (q.people && room.capacity < q.people) misses.push(t('find.miss.seats', { count: room.capacity }));
  for (const e of q.equipment) if (!room.equipment.includes(e)) misses.push(t('find.miss.equipment', { code: e }));
  if (q.floor && room.floor !== q.floor) misses.push(t('find.miss.floor', { floor: room.floor }));
  return misses;
}

/**
 * Rooms free for the whole slot, best fit first: one batched free/busy request to Exchange for every candidate
 * room, merged with the app's own bookings (those Exchange may not know yet) and meetings seen in Outlook.
 */
export async function findRooms(ctx: Ctx, local: LocalBookings, q: FindInput): Promise<FindResult> {
  const rooms = listRooms(ctx, { building: q.building });
  const candidates = rooms.map((r) => candidateOf(r, q)).filter((c): c is Candidate => c !== null);
  if (rooms.length && !candidates.length) throw new FieldErrors({ start: t('rules.no_such_time_any') }, 400);
  if (!candidates.length) return { matches: [], nearMisses: [], otherTimes: [], exchangeUnavailable: false, zones: [] };
  let windowStart = Infinity;
  let windowEnd = -Infinity;
  for (const c of candidates) {
    windowStart = Math.min(windowStart, c.day.start, c.slot.start);
    windowEnd = Math.max(windowEnd, c.day.end, c.slot.end);
  }
  // Ask Exchange first, then read the app's own bookings while the request is on the wire: the database work then
  // costs no wall time (issue 13: a search should take about one Exchange round trip).
  const window = { start: DateTime.fromMillis(windowStart, { zone: 'utc' }), end: DateTime.fromMillis(windowEnd, { zone: 'utc' }) };
  // Asked in the searcher's language (Accept-Language on the OWA request), as their browser would.
  const asked = ctx.gateway.freeBusy(
    candidates.map((c) => c.room.email),
    window,
    FREEBUSY_INTERVAL_MINUTES,
    { language: currentLocale() },
  );
  // Settled here so a failure is never an unhandled rejection while the database is read; it is rethrown below.
  const answer = asked.then(
    (fb) => ({ fb }),
    (err: unknown) => ({ err }),
  );
  const busy = local.busyByRoom(
    ctx,
    candidates.map((c) => c.room.id),
    new Date(windowStart).toISOString(),
    new Date(windowEnd).toISOString(),
  );
  let exchangeUnavailable = false;
  try {
    const got = await answer;
    if ('err' in got) throw got.err;
    const byRoom = new Map(candidates.map((c) => [c.room.email.toLowerCase(), c.room.id]));
    for (const f of got.fb) {
      const list = busy.get(byRoom.get(f.email.toLowerCase()) ?? -1);
      if (list) for (const s of f.busy) list.push({ start: s.start.toMillis(), end: s.end.toMillis() });
    }
  } catch (err) {
    if (!(err instanceof ExchangeError)) throw err;
    exchangeUnavailable = true;
    ctx.log.warn({ event: 'availability.freebusy_unavailable', error: err.message }, 'free/busy unavailable');
  }

  const now = ctx.clock.now();
  const allowed = ruleChecker(now, local.checkRules);
  const merged = new Map(candidates.map((c) => [c.room.id, mergeIntervals(busy.get(c.room.id) ?? [])]));
  const options: RoomOption[] = [];
  for (const c of candidates) {
    const roomBusy = merged.get(c.room.id)!;
    if (!isFree(roomBusy, c.slot) || !allowed(c.room, c.slot)) continue;
    options.push({ room: c.room, slot: c.slot, strip: stripCells(roomBusy, c.day, STRIP_STEP_MINUTES, c.zoneDay, c.slot), misses: missesOf(c.room, q) });
  }
  const people = q.people ?? 1;
  // Closest capacity first: the smallest room that seats everyone, or (for near misses) the one nearly big enough.
  const byFit = (a: RoomOption, b: RoomOption) =>
    Math.abs(a.room.capacity - people) - Math.abs(b.room.capacity - people) || a.room.name.localeCompare(b.room.name);
  const matches = options.filter((o) => o.misses.length === 0).sort(byFit);
  let nearMisses: RoomOption[] = [];
  let otherTimes: TimeSuggestion[] = [];
  if (!matches.length) {
    nearMisses = options
      .filter((o) => o.misses.length === 1 && (q.allowFewerSeats || !(q.people && o.room.capacity < q.people)))
      .sort(byFit)
      .slice(0, 5);
    const asked = candidates[0]!.slot.start;
    const nowMs = now.toMillis();
    otherTimes = candidates
      .filter((c) => missesOf(c.room, q).length === 0)
      .flatMap((c) =>
        nearestFreeWindows(merged.get(c.room.id)!, c.day, (c.slot.end - c.slot.start) / MINUTE_MS, c.slot.start, nowMs, 15, 3)
          .filter((slot) => allowed(c.room, slot))
          .map((slot) => ({ room: c.room, slot })),
      )
      .sort((a, b) => Math.abs(a.slot.start - asked) - Math.abs(b.slot.start - asked) || a.room.capacity - b.room.capacity)
      .slice(0, 5);
  }
  return { matches, nearMisses, otherTimes, exchangeUnavailable, zones: [...new Set(candidates.map((c) => c.room.timeZone))] };
}
