import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { FieldErrors } from '../errors.ts';
import { ExchangeError } from '../exchange/errors.ts';
import { checkBookingRules, localToInstant } from '../bookings/rules.ts';
import { activeBusyByRoom } from '../bookings/service.ts';
import { listRooms, type Room } from '../rooms/service.ts';
import { isFree, mergeIntervals, nearestFreeWindows, stripCells, type Interval, type StripCell } from './merge.ts';
import type { FindInput } from './schema.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway'>;

// Free/busy precision: 5-minute cells, so a meeting ending at 10:05 does not hide a room from 10:15.
const FREEBUSY_INTERVAL_MINUTES = 5;
const STRIP_STEP_MINUTES = 30;

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
}

function candidateOf(room: Room, q: FindInput): Candidate | null {
  const start = localToInstant(q.date, q.start, room.timeZone);
  const end = q.end ? localToInstant(q.date, q.end, room.timeZone) : start?.plus({ minutes: q.duration ?? 60 });
  const opens = localToInstant(q.date, room.opensAt, room.timeZone);
  const closes = localToInstant(q.date, room.closesAt, room.timeZone);
  if (!start || !end || !opens || !closes) return null;
  return { room, slot: { start, end }, day: { start: opens, end: closes } };
}

function missesOf(room: Room, q: FindInput): string[] {
  const misses: string[] = [];
  if (q.people && room.capacity < q.people) misses.push(`seats ${room.capacity}`);
  for (const e of q.equipment) if (!room.equipment.includes(e)) misses.push(`no ${e}`);
  if (q.floor && room.floor !== q.floor) misses.push(`floor ${room.floor}`);
  return misses;
}

/**
 * Rooms free for the whole slot, best fit first: one batched free/busy request to Exchange for every candidate
 * room, merged with the app's own bookings (those Exchange may not know yet) and meetings seen in Outlook.
 */
export async function findRooms(ctx: Ctx, q: FindInput): Promise<FindResult> {
  const rooms = listRooms(ctx, { building: q.building });
  const candidates = rooms.map((r) => candidateOf(r, q)).filter((c): c is Candidate => c !== null);
  if (rooms.length && !candidates.length) throw new FieldErrors({ start: 'That time does not exist on this day (the clocks change). Choose another time.' }, 400);
  if (!candidates.length) return { matches: [], nearMisses: [], otherTimes: [], exchangeUnavailable: false, zones: [] };

  const window = {
    start: DateTime.min(...candidates.map((c) => c.day.start), ...candidates.map((c) => c.slot.start))!,
    end: DateTime.max(...candidates.map((c) => c.day.end), ...candidates.map((c) => c.slot.end))!,
  };
  const busy = new Map<number, Interval[]>(activeBusyByRoom(ctx, candidates.map((c) => c.room.id), toDbTime(window.start), toDbTime(window.end)));
  let exchangeUnavailable = false;
  try {
    const fb = await ctx.gateway.freeBusy(candidates.map((c) => c.room.email), window, FREEBUSY_INTERVAL_MINUTES);
    const byEmail = new Map(fb.map((f) => [f.email.toLowerCase(), f]));
    for (const c of candidates) {
      const slots = byEmail.get(c.room.email.toLowerCase())?.busy ?? [];
      busy.set(c.room.id, [...(busy.get(c.room.id) ?? []), ...slots.map((s) => ({ start: s.start, end: s.end }))]);
    }
  } catch (err) {
    if (!(err instanceof ExchangeError)) throw err;
    exchangeUnavailable = true;
    ctx.log.warn({ event: 'availability.freebusy_unavailable', error: err.message }, 'free/busy unavailable');
  }

  const now = ctx.clock.now();
  const options: RoomOption[] = [];
  for (const c of candidates) {
    const merged = mergeIntervals(busy.get(c.room.id) ?? []);
    if (Object.keys(checkBookingRules(c.room, c.slot, now)).length) continue;
    if (!isFree(merged, c.slot)) continue;
    options.push({ room: c.room, slot: c.slot, strip: stripCells(merged, c.day, STRIP_STEP_MINUTES, c.room.timeZone, c.slot), misses: missesOf(c.room, q) });
  }
  const people = q.people ?? 1;
  // Closest capacity first: the smallest room that seats everyone, or (for near misses) the one nearly big enough.
  const byFit = (a: RoomOption, b: RoomOption) => Math.abs(a.room.capacity - people) - Math.abs(b.room.capacity - people) || a.room.name.localeCompare(b.room.name);
  const matches = options.filter((o) => o.misses.length === 0).sort(byFit);

  let nearMisses: RoomOption[] = [];
  let otherTimes: TimeSuggestion[] = [];
  if (!matches.length) {
    nearMisses = options.filter((o) => o.misses.length === 1).sort(byFit).slice(0, 5);
    const fitting = candidates.filter((c) => missesOf(c.room, q).length === 0);
    otherTimes = fitting
      .flatMap((c) => {
        const minutes = c.slot.end.diff(c.slot.start, 'minutes').minutes;
        const merged = mergeIntervals(busy.get(c.room.id) ?? []);
        return nearestFreeWindows(merged, c.day, minutes, c.slot.start, now, 15, 3)
          .filter((slot) => !Object.keys(checkBookingRules(c.room, slot, now)).length)
          .map((slot) => ({ room: c.room, slot }));
      })
      .sort((a, b) => Math.abs(a.slot.start.diff(candidates[0]!.slot.start).toMillis()) - Math.abs(b.slot.start.diff(candidates[0]!.slot.start).toMillis()) || a.room.capacity - b.room.capacity)
      .slice(0, 5);
  }
  return { matches, nearMisses, otherTimes, exchangeUnavailable, zones: [...new Set(candidates.map((c) => c.room.timeZone))] };
}
