import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { FieldErrors } from '../errors.ts';
import { ExchangeError } from '../exchange/errors.ts';
import { checkBookingRules } from '../bookings/rules.ts';
import { activeBusyByRoom } from '../bookings/service.ts';
import { listRooms, type Room } from '../rooms/service.ts';
import { isFree, mergeIntervals, nearestFreeWindows, stripCells, type Interval, type StripCell } from './merge.ts';
import type { FindInput } from './schema.ts';
import { zoneDay, type ZoneDay } from './zone-day.ts';
import { t } from '../i18n/context.ts';
import { currentLocale } from '../i18n/context.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway'>;
/** The search; the attendees typed are the route's (it passes their addresses as `alsoAsk`). */
type FindSearch = Omit<FindInput, 'attendees'>;

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
  /** The room's merged busy intervals over the search window (for the people-and-rooms rows). */
  busy?: readonly Interval[];
}

/** A person asked in the same free/busy request as the rooms (issue 16: attendees' rows beside the rooms). */
export interface PersonBusy {
  email: string;
  /** Exchange had free/busy for the address. */
  known: boolean;
  busy: Interval[];
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
  /** The people asked with the rooms (empty unless `people` was given) and the window they were asked for. */
  people?: PersonBusy[];
  window?: Interval;
}

interface Candidate {
  room: Room;
  slot: Interval;
  day: Interval;
  zoneDay: ZoneDay;
}

function candidateOf(room: Room, q: FindSearch): Candidate | null {
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
function ruleChecker(now: DateTime): (room: Room, slot: Interval) => boolean {
  const memo = new Map<string, boolean>();
  return (room, slot) => {
    const key = `${room.active}|${room.opensAt}|${room.closesAt}|${room.maxDurationMinutes}|${room.horizonDays}|${room.timeZone}|${slot.start}|${slot.end}`;
    let ok = memo.get(key);
    if (ok === undefined) {
      const problems = checkBookingRules(
        room,
        { start: DateTime.fromMillis(slot.start, { zone: 'utc' }), end: DateTime.fromMillis(slot.end, { zone: 'utc' }) },
        now,
      );
      memo.set(key, (ok = Object.keys(problems).length === 0));
    }
    return ok;
  };
}

function missesOf(room: Room, q: FindSearch): string[] {
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
export async function findRooms(ctx: Ctx, q: FindSearch, alsoAsk: readonly string[] = []): Promise<FindResult> {
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
  // People (the searcher and the attendees typed) ride in the same batched request as the rooms.
  const asked = ctx.gateway.freeBusy([...candidates.map((c) => c.room.email), ...alsoAsk], window, FREEBUSY_INTERVAL_MINUTES, { language: currentLocale() });
  // Settled here so a failure is never an unhandled rejection while the database is read; it is rethrown below.
  const answer = asked.then(
    (fb) => ({ fb }),
    (err: unknown) => ({ err }),
  );
  const busy = activeBusyByRoom(
    ctx,
    candidates.map((c) => c.room.id),
    new Date(windowStart).toISOString(),
    new Date(windowEnd).toISOString(),
  );
  const personBusy = new Map<string, PersonBusy>(alsoAsk.map((e) => [e.toLowerCase(), { email: e.toLowerCase(), known: false, busy: [] }]));
  let exchangeUnavailable = false;
  try {
    const got = await answer;
    if ('err' in got) throw got.err;
    const byRoom = new Map(candidates.map((c) => [c.room.email.toLowerCase(), c.room.id]));
    for (const f of got.fb) {
      const list = busy.get(byRoom.get(f.email.toLowerCase()) ?? -1);
      if (list) for (const s of f.busy) list.push({ start: s.start.toMillis(), end: s.end.toMillis() });
      const person = personBusy.get(f.email.toLowerCase());
      if (person) {
        person.known = f.known;
        for (const s of f.busy) person.busy.push({ start: s.start.toMillis(), end: s.end.toMillis() });
      }
    }
  } catch (err) {
    if (!(err instanceof ExchangeError)) throw err;
    exchangeUnavailable = true;
    ctx.log.warn({ event: 'availability.freebusy_unavailable', error: err.message }, 'free/busy unavailable');
  }

  const now = ctx.clock.now();
  const allowed = ruleChecker(now);
  const merged = new Map(candidates.map((c) => [c.room.id, mergeIntervals(busy.get(c.room.id) ?? [])]));
  const options: RoomOption[] = [];
  for (const c of candidates) {
    const roomBusy = merged.get(c.room.id)!;
    if (!isFree(roomBusy, c.slot) || !allowed(c.room, c.slot)) continue;
    options.push({
      room: c.room,
      slot: c.slot,
      strip: stripCells(roomBusy, c.day, STRIP_STEP_MINUTES, c.zoneDay, c.slot),
      misses: missesOf(c.room, q),
      busy: roomBusy,
    });
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
    const nowMs = now.toMillis();
    // Nearness is measured from the time asked in each room's own zone: the same 10:30 is an hour apart in London
    // and Budapest, so one room's instant would rank another zone's suggestions wrongly.
    otherTimes = candidates
      .filter((c) => missesOf(c.room, q).length === 0)
      .flatMap((c) =>
        nearestFreeWindows(merged.get(c.room.id)!, c.day, (c.slot.end - c.slot.start) / MINUTE_MS, c.slot.start, nowMs, 15, 3)
          .filter((slot) => allowed(c.room, slot))
          .map((slot) => ({ room: c.room, slot, off: Math.abs(slot.start - c.slot.start) })),
      )
      .sort((a, b) => a.off - b.off || a.room.capacity - b.room.capacity)
      .map(({ room, slot }) => ({ room, slot }))
      .slice(0, 5);
  }
  return {
    matches,
    nearMisses,
    otherTimes,
    exchangeUnavailable,
    zones: [...new Set(candidates.map((c) => c.room.timeZone))],
    people: [...personBusy.values()].map((p) => ({ ...p, busy: mergeIntervals(p.busy) })),
    window: { start: windowStart, end: windowEnd },
  };
}
