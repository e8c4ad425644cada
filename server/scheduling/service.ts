import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { busyInterval, mergeIntervals, type Interval } from '../availability/merge.ts';
import { requestsLeft, roomsForSearch } from '../availability/service.ts';
import { zoneDay } from '../time/zone-day.ts';
import { activeBusyByRoom, checkBookingRules } from '../bookings/queries.ts';
import { ExchangeError } from '../exchange/errors.ts';
import type { Room } from '../rooms/service.ts';
import type { User } from '../users/service.ts';
import * as repo from './repo.ts';
import type { FindTimeInput, RangeInput } from './schema.ts';
import {
  DAY_PARTS,
  DEFAULT_WORK_DAYS,
  findSlots,
  firstFreePerRoom,
  nextWorkingDays,
  rowCells,
  within,
  workingIntervals,
  type CellState,
  type WorkHours,
} from './slots.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway'>;

const MINUTE_MS = 60_000;
/** Free/busy precision and the start-time grid: a quarter hour, as Outlook's assistant. */
const GRID_MINUTES = 15;
const CELL_MINUTES = 30;
const SEARCH_DAYS = 5;
const MAX_ROOMS = 50;
const PROPOSALS = 6;
const GRID_ROOMS = 8;

export interface PersonRow {
  email: string;
  name: string | null;
  required: boolean;
  /** Exchange had free/busy for the address (false: unknown address, or Exchange could not be asked). */
  known: boolean;
  hours: WorkHours;
  cells: { start: number; state: CellState }[];
}

export interface RoomRow {
  room: Room;
  cells: { start: number; state: CellState }[];
}

export interface Proposal {
  slot: Interval;
  room: Room;
  /** Other rooms free then that seat everyone, best fit first. */
  otherRooms: Room[];
  optionalBusy: string[];
}

export interface FindTimeResult {
  zone: string;
  days: string[];
  /** The day the grid shows (local date in `zone`). */
  day: string;
  grid: { window: Interval; people: PersonRow[]; rooms: RoomRow[] } | null;
  proposals: Proposal[];
  seats: number;
  exchangeUnavailable: boolean;
  /** Mailboxes asked in the one free/busy call (people and rooms together). */
  mailboxes: number;
}

function roomFits(room: Room, q: Pick<FindTimeInput, 'equipment'>, seats: number): boolean {
  return room.active && room.capacity >= seats && q.equipment.every((e) => room.equipment.includes(e));
}

// Rooms mostly share their hours and zone: one zone computation per distinct (zone, hours, date), not per room.
const openMemo = new Map<string, Interval | null>();

/** The window a room is open on a local date, or null when its hours do not exist that day. */
function openWindow(room: Room, date: string): Interval | null {
  const key = `${room.timeZone}|${room.opensAt}|${room.closesAt}|${date}`;
  const hit = openMemo.get(key);
  if (hit !== undefined) return hit && { ...hit };
  const zd = zoneDay(date, room.timeZone);
  const opens = zd?.instant(room.opensAt);
  const closes = zd?.instant(room.closesAt);
  const w = opens != null && closes != null ? { start: opens, end: closes } : null;
  // Bounded: a long-running process sees a few hundred distinct days at most; start afresh past that.
  if (openMemo.size > 5000) openMemo.clear();
  openMemo.set(key, w);
  return w && { ...w };
}

/** Rules per slot, memoised by the inputs that decide them (rooms sharing hours and limits share answers). */
function ruleChecker(now: DateTime): (room: Room, slot: Interval) => boolean {
  const memo = new Map<string, boolean>();
  return (room, slot) => {
    const key = `${room.opensAt}|${room.closesAt}|${room.maxDurationMinutes}|${room.horizonDays}|${room.timeZone}|${slot.start}|${slot.end}`;
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

/**
 * "Find a time": the organizer, the attendees and the candidate rooms in ONE batched free/busy call to Exchange (the
 * gateway sends one OWA Cmd=freebusy per batch of up to 1,000 mailboxes, so 20 people and 50 rooms for five days are one request),
 * then the first slots of the wanted length in the next five working days at which every required person is free
 * and at work and a fitting room is free, best first; and the grid of one day for people and rooms side by side.
 */
export async function findTime(
  ctx: Ctx,
  organizer: Pick<User, 'email' | 'displayName'>,
  q: FindTimeInput,
  names: Map<string, string> = new Map(),
  options: { earliestFirst?: boolean; limit?: number } = {},
): Promise<FindTimeResult> {
  const me = organizer.email.toLowerCase();
  const optional = q.optional.filter((e) => e !== me && !q.required.includes(e));
  const required = [me, ...q.required.filter((e) => e !== me)];
  const seats = q.people ?? required.length + optional.length;
  // The cached room list (find-a-room's): reading and mapping every room per search cost more than the slots (issue 16).
  const rooms = roomsForSearch(ctx, q.building)
    .filter((r) => roomFits(r, q, seats))
    // The closest fits first: a search for four never needs the 50 largest halls.
    .sort((a, b) => a.capacity - b.capacity || a.name.localeCompare(b.name))
    .slice(0, MAX_ROOMS);
  const zone = rooms[0]?.timeZone ?? 'Europe/London';
  const now = ctx.clock.now();
  const today = now.setZone(zone).toISODate()!;
  const days = nextWorkingDays(q.from && q.from > today ? q.from : today, SEARCH_DAYS);
  const windowOf = (date: string): Interval | null => {
    let start = Infinity;
    let end = -Infinity;
    for (const r of rooms) {
      const w = openWindow(r, date);
      if (!w) continue;
      start = Math.min(start, w.start);
      end = Math.max(end, w.end);
    }
    if (!rooms.length) {
      const zd = zoneDay(date, zone);
      const s = zd?.instant('08:00');
      const e = zd?.instant('18:00');
      if (s != null && e != null) {
        start = s;
        end = e;
      }
    }
    return start < end ? { start, end } : null;
  };
  const windows = days.map(windowOf).filter((w): w is Interval => w !== null);
  const day = q.day && days.includes(q.day) ? q.day : days[0]!;
  const empty: FindTimeResult = { zone, days, day, grid: null, proposals: [], seats, exchangeUnavailable: false, mailboxes: 0 };
  if (!windows.length) return empty;
  const range = { start: windows[0]!.start, end: windows.at(-1)!.end };

  const people = [...required, ...optional];
  const busyOf = new Map<string, Interval[]>(people.map((e) => [e, []]));
  const known = new Set<string>();
  const roomByEmail = new Map(rooms.map((r) => [r.email.toLowerCase(), r.id]));
  let exchangeUnavailable = false;
  const mailboxes = [...people, ...rooms.map((r) => r.email)];
  // Ask Exchange first and read the rooms' bookings while the request is on the wire (as find-a-room does): the
  // database work then costs no wall time (issue 13). Settled at once so a failure is never an unhandled rejection.
  const answer = ctx.gateway
    .freeBusy(mailboxes, { start: DateTime.fromMillis(range.start, { zone: 'utc' }), end: DateTime.fromMillis(range.end, { zone: 'utc' }) }, GRID_MINUTES)
    .then(
      (fb) => ({ fb }),
      (err: unknown) => ({ err }),
    );
  await requestsLeft();
  const roomBusy = activeBusyByRoom(
    ctx,
    rooms.map((r) => r.id),
    new Date(range.start).toISOString(),
    new Date(range.end).toISOString(),
  );
  try {
    const got = await answer;
    if ('err' in got) throw got.err;
    for (const f of got.fb) {
      const email = f.email.toLowerCase();
      const slots = f.busy.map(busyInterval);
      const person = busyOf.get(email);
      if (person) {
        person.push(...slots);
        if (f.known) known.add(email);
      }
      const roomId = roomByEmail.get(email);
      if (roomId !== undefined) roomBusy.get(roomId)?.push(...slots);
    }
  } catch (err) {
    if (!(err instanceof ExchangeError)) throw err;
    exchangeUnavailable = true;
    ctx.log.warn({ event: 'scheduling.freebusy_unavailable', error: err.message }, 'free/busy unavailable');
  }

  const saved = repo.workHoursOf(ctx.db, people);
  const hoursOf = (email: string): WorkHours => saved.get(email) ?? { timeZone: zone, start: '09:00', end: '17:00', days: DEFAULT_WORK_DAYS };
  // Most people share the office's hours: compute each distinct working week once (luxon zone work per day).
  const weeks = new Map<string, Interval[]>();
  const workingOf = (h: WorkHours) => {
    const key = `${h.timeZone}|${h.start}|${h.end}|${h.days.join('')}`;
    let w = weeks.get(key);
    if (!w) weeks.set(key, (w = workingIntervals(h, range.start, range.end)));
    return w;
  };
  const calendars = people.map((email) => ({
    email,
    required: required.includes(email),
    busy: mergeIntervals(busyOf.get(email)!),
    working: workingOf(hoursOf(email)),
  }));
  // The search asks a cheap question per slot and room (inside the room's opening hours that day, not too long, not
  // beyond its horizon: epoch arithmetic); bookings/rules.ts, the one source of the rules, then confirms the rooms
  // actually offered. Asking rules.ts per slot was a third of the search's CPU (luxon zone work per call).
  const allowed = ruleChecker(now);
  // Rooms share a few zones and horizons: one luxon zone calculation each, not one per room.
  const horizons = new Map<string, number>();
  const horizonEndOf = (zone: string, days: number): number => {
    const key = `${zone}|${days}`;
    let end = horizons.get(key);
    if (end === undefined)
      horizons.set(
        key,
        (end = now
          .setZone(zone)
          .startOf('day')
          .plus({ days: days + 1 })
          .toMillis()),
      );
    return end;
  };
  const roomCalendars = rooms.map((room) => {
    const open = days.map((d) => openWindow(room, d)).filter((w): w is Interval => w !== null);
    const horizonEnd = horizonEndOf(room.timeZone, room.horizonDays);
    const fits = q.duration <= room.maxDurationMinutes;
    return {
      room,
      capacity: room.capacity,
      busy: mergeIntervals(roomBusy.get(room.id) ?? []),
      allowed: (slot: Interval) => fits && slot.start < horizonEnd && within(open, slot),
    };
  });
  const notBefore = Math.ceil(now.toMillis() / (GRID_MINUTES * MINUTE_MS)) * GRID_MINUTES * MINUTE_MS;
  const proposals = findSlots({
    people: calendars,
    rooms: roomCalendars,
    windows,
    durationMinutes: q.duration,
    stepMinutes: GRID_MINUTES,
    seats,
    notBefore,
    limit: options.limit ?? PROPOSALS,
    earliestFirst: options.earliestFirst,
  })
    .map((p) => ({ p, ok: p.rooms.filter((r) => allowed(r, p.slot)) }))
    .filter(({ ok }) => ok.length > 0)
    .map(({ p, ok }) => ({ slot: p.slot, room: ok[0]!, otherRooms: ok.slice(1, 4), optionalBusy: p.optionalBusy }));

  const gridWindow = windowOf(day);
  const grid = gridWindow && {
    window: gridWindow,
    people: calendars.map((c) => ({
      email: c.email,
      name: c.email === me ? organizer.displayName : (names.get(c.email) ?? null),
      required: c.required,
      known: known.has(c.email),
      hours: hoursOf(c.email),
      cells: rowCells(c.busy, c.working, gridWindow, CELL_MINUTES),
    })),
    rooms: roomCalendars
      .slice(0, GRID_ROOMS)
      .map((r) => ({ room: r.room, cells: rowCells(r.busy, openWindow(r.room, day) ? [openWindow(r.room, day)!] : [], gridWindow, CELL_MINUTES) })),
  };
  return { zone, days, day, grid, proposals, seats, exchangeUnavailable, mailboxes: mailboxes.length };
}

const MAX_RANGE_DAYS = 14;

export interface RangeResult {
  days: string[];
  rooms: { room: Room; slots: Interval[] }[];
  exchangeUnavailable: boolean;
}

/**
 * Search across days: every fitting room's first free slots in the working days from..to (at most two weeks), in
 * the part of the day asked for, from one batched free/busy request for all the rooms.
 */
export async function findRoomsAcross(ctx: Ctx, q: RangeInput): Promise<RangeResult> {
  const seats = q.people ?? 1;
  const rooms = roomsForSearch(ctx, q.building).filter((r) => roomFits(r, q, seats));
  const zone = rooms[0]?.timeZone ?? 'Europe/London';
  const now = ctx.clock.now();
  const today = now.setZone(zone).toISODate()!;
  const from = q.from && q.from > today ? q.from : today;
  const to = q.to && q.to >= from ? q.to : DateTime.fromISO(from).plus({ days: 4 }).toISODate()!;
  const days = nextWorkingDays(from, MAX_RANGE_DAYS).filter((d) => d <= to);
  const [partStart, partEnd] = DAY_PARTS[q.part];
  const windowsOf = (room: Room) =>
    days
      .map((d) => {
        const open = openWindow(room, d);
        const zd = zoneDay(d, room.timeZone);
        const ps = partStart === '00:00' ? open?.start : zd?.instant(partStart);
        const pe = partEnd === '24:00' ? open?.end : zd?.instant(partEnd);
        if (!open || ps == null || pe == null) return null;
        const w = { start: Math.max(open.start, ps), end: Math.min(open.end, pe) };
        return w.end > w.start ? w : null;
      })
      .filter((w): w is Interval => w !== null);
  const withWindows = rooms.map((room) => ({ room, windows: windowsOf(room) })).filter((r) => r.windows.length);
  if (!withWindows.length) return { days, rooms: [], exchangeUnavailable: false };
  const range = { start: Math.min(...withWindows.map((r) => r.windows[0]!.start)), end: Math.max(...withWindows.map((r) => r.windows.at(-1)!.end)) };
  const roomBusy = activeBusyByRoom(
    ctx,
    withWindows.map((r) => r.room.id),
    new Date(range.start).toISOString(),
    new Date(range.end).toISOString(),
  );
  let exchangeUnavailable = false;
  try {
    const fb = await ctx.gateway.freeBusy(
      withWindows.map((r) => r.room.email),
      { start: DateTime.fromMillis(range.start, { zone: 'utc' }), end: DateTime.fromMillis(range.end, { zone: 'utc' }) },
      GRID_MINUTES,
    );
    const byEmail = new Map(withWindows.map((r) => [r.room.email.toLowerCase(), r.room.id]));
    for (const f of fb) roomBusy.get(byEmail.get(f.email.toLowerCase()) ?? -1)?.push(...f.busy.map(busyInterval));
  } catch (err) {
    if (!(err instanceof ExchangeError)) throw err;
    exchangeUnavailable = true;
    ctx.log.warn({ event: 'scheduling.freebusy_unavailable', error: err.message }, 'free/busy unavailable');
  }
  const allowed = ruleChecker(now);
  const calendars = withWindows.map(({ room, windows }) => {
    const horizonEnd = now
      .setZone(room.timeZone)
      .startOf('day')
      .plus({ days: room.horizonDays + 1 })
      .toMillis();
    return {
      room,
      capacity: room.capacity,
      windows,
      busy: mergeIntervals(roomBusy.get(room.id) ?? []),
      allowed: (slot: Interval) => q.duration <= room.maxDurationMinutes && slot.start < horizonEnd,
    };
  });
  const notBefore = Math.ceil(now.toMillis() / (GRID_MINUTES * MINUTE_MS)) * GRID_MINUTES * MINUTE_MS;
  const found = firstFreePerRoom(calendars, { durationMinutes: q.duration, stepMinutes: GRID_MINUTES, seats, notBefore, perRoom: 3 });
  // rules.ts confirms what is offered (as for find a time).
  const confirmed = found
    .map((r) => ({ room: r.room, slots: r.slots.filter((s) => allowed(r.room, s)) }))
    .filter((r) => r.slots.length)
    .slice(0, 50);
  return { days, rooms: confirmed, exchangeUnavailable };
}

export const usualBuilding = (ctx: Pick<AppContext, 'db'>, userId: number): string | null => repo.usualBuilding(ctx.db, userId);
export const rememberBuilding = (ctx: Pick<AppContext, 'db'>, userId: number, building: string | null): void => repo.rememberBuilding(ctx.db, userId, building);
export const saveWorkHours = (ctx: Pick<AppContext, 'db'>, email: string, hours: WorkHours): void => repo.saveWorkHours(ctx.db, email, hours);

/** The user's saved working hours, or null when they never set them (find a time then uses 09:00–17:00 Mon–Fri). */
export function ownWorkHours(ctx: Pick<AppContext, 'db'>, email: string): WorkHours | null {
  return repo.workHoursOf(ctx.db, [email.toLowerCase()]).get(email.toLowerCase()) ?? null;
}
