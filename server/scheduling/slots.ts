// Pure "find a time" logic on epoch milliseconds: working hours in each person's zone, the search over a range of
// days, and the ranking. No I/O here, so the rules are unit-tested without Exchange (slots.test.ts).
import { DateTime } from 'luxon';
import { isFree, type Interval } from '../availability/merge.ts';

const MINUTE_MS = 60_000;

/** Someone's working week: "HH:mm" start and end in their own zone, ISO weekdays (1 = Monday … 7 = Sunday). */
export interface WorkHours {
  timeZone: string;
  start: string;
  end: string;
  days: readonly number[];
}

export const DEFAULT_WORK_DAYS = [1, 2, 3, 4, 5] as const;

/**
 * The person's working hours that overlap [from, to), as instants. Each local day is computed in the person's own
 * zone, so a Budapest colleague's 09:00–17:00 is 08:00–16:00 London time (07:00–15:00 in the summer), and a day on
 * which the clocks change still starts and ends at the wall-clock times.
 */
export function workingIntervals(hours: WorkHours, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  let day = DateTime.fromMillis(from, { zone: hours.timeZone }).startOf('day').minus({ days: 1 });
  if (!day.isValid) return out;
  const [sh, sm] = hours.start.split(':').map(Number) as [number, number];
  const [eh, em] = hours.end.split(':').map(Number) as [number, number];
  for (let guard = 0; day.toMillis() < to && guard < 400; guard++, day = day.plus({ days: 1 })) {
    if (!hours.days.includes(day.weekday)) continue;
    const start = day.set({ hour: sh, minute: sm }).toMillis();
    const end = day.set({ hour: eh, minute: em }).toMillis();
    if (end > from && start < to && end > start) out.push({ start: Math.max(start, from), end: Math.min(end, to) });
  }
  return out;
}

/** True when the slot lies inside one of the (sorted, non-overlapping) intervals. */
export function within(intervals: readonly Interval[], slot: Interval): boolean {
  for (const i of intervals) if (i.start <= slot.start && slot.end <= i.end) return true;
  return false;
}

/** The next `count` working days (Monday–Friday) from `date` ("yyyy-MM-dd"), `date` itself included when it is one. */
export function nextWorkingDays(date: string, count: number, days: readonly number[] = DEFAULT_WORK_DAYS): string[] {
  const out: string[] = [];
  let d = DateTime.fromISO(date, { zone: 'utc' });
  if (!d.isValid || !days.length) return out;
  for (let guard = 0; out.length < count && guard < 60; guard++, d = d.plus({ days: 1 })) if (days.includes(d.weekday)) out.push(d.toISODate()!);
  return out;
}

export interface PersonCalendar {
  email: string;
  required: boolean;
  /** Merged busy intervals (tentative and out-of-office count as busy, as Outlook's assistant does). */
  busy: readonly Interval[];
  /** Working hours over the search range; a required person must be inside them. */
  working: readonly Interval[];
}

export interface RoomCalendar<R> {
  room: R;
  capacity: number;
  /** Merged busy intervals: Exchange free/busy and this app's own bookings. */
  busy: readonly Interval[];
  /** May this room be booked for this slot (opening hours, longest booking, how far ahead)? */
  allowed(slot: Interval): boolean;
}

export interface SlotSearch<R> {
  people: readonly PersonCalendar[];
  rooms: readonly RoomCalendar<R>[];
  /** Where to look: one window per day (e.g. earliest opening to latest closing). */
  windows: readonly Interval[];
  durationMinutes: number;
  /** Start times are on this grid from each window's start. */
  stepMinutes: number;
  /** Seats needed; rooms with fewer never fit. */
  seats: number;
  /** Nothing starts before this (now, rounded up to the grid). */
  notBefore: number;
  /** At most this many proposals. */
  limit: number;
  /** "Book a room now": the earliest slot wins, whatever the fit. */
  earliestFirst?: boolean;
}

export interface SlotProposal<R> {
  slot: Interval;
  room: R;
  /** Rooms free then that seat everyone, best fit first (the first is `room`). */
  rooms: R[];
  optionalBusy: string[];
}

/**
 * Every grid slot of the wanted length in the windows at which each required person is free and at work and at
 * least one room with enough seats is free and allowed; ranked by fewest optional attendees busy, then the closest
 * room fit (fewest spare seats), then the earliest start. Proposals never overlap one another, so the list offers
 * real choices rather than the same hour shifted by 15 minutes.
 */
export function findSlots<R>(q: SlotSearch<R>): SlotProposal<R>[] {
  const duration = q.durationMinutes * MINUTE_MS;
  const step = q.stepMinutes * MINUTE_MS;
  const required = q.people.filter((p) => p.required);
  const optional = q.people.filter((p) => !p.required);
  const fitting = q.rooms.filter((r) => r.capacity >= q.seats).sort((a, b) => a.capacity - b.capacity);
  const found: (SlotProposal<R> & { spare: number })[] = [];
  for (const w of q.windows) {
    for (let start = w.start; start + duration <= w.end; start += step) {
      if (start < q.notBefore) continue;
      const slot = { start, end: start + duration };
      if (!required.every((p) => within(p.working, slot) && isFree(p.busy, slot))) continue;
      const rooms = fitting.filter((r) => isFree(r.busy, slot) && r.allowed(slot));
      if (!rooms.length) continue;
      const optionalBusy = optional.filter((p) => !isFree(p.busy, slot)).map((p) => p.email);
      found.push({ slot, room: rooms[0]!.room, rooms: rooms.map((r) => r.room), optionalBusy, spare: rooms[0]!.capacity - q.seats });
    }
  }
  if (q.earliestFirst) found.sort((a, b) => a.slot.start - b.slot.start || a.spare - b.spare);
  else found.sort((a, b) => a.optionalBusy.length - b.optionalBusy.length || a.spare - b.spare || a.slot.start - b.slot.start);
  const picked: SlotProposal<R>[] = [];
  for (const f of found) {
    if (picked.length >= q.limit) break;
    if (picked.some((p) => p.slot.start < f.slot.end && p.slot.end > f.slot.start)) continue;
    picked.push({ slot: f.slot, room: f.room, rooms: f.rooms, optionalBusy: f.optionalBusy });
  }
  return picked;
}

export type CellState = 'free' | 'busy' | 'off';

/** One row of the scheduling grid: cells of `stepMinutes` across the window, busy beats outside working hours. */
export function rowCells(
  busy: readonly Interval[],
  working: readonly Interval[] | null,
  window: Interval,
  stepMinutes: number,
): { start: number; state: CellState }[] {
  const step = stepMinutes * MINUTE_MS;
  const cells: { start: number; state: CellState }[] = [];
  for (let t = window.start; t < window.end; t += step) {
    const cell = { start: t, end: Math.min(t + step, window.end) };
    const state: CellState = !isFree(busy, cell) ? 'busy' : working && !working.some((w) => w.start < cell.end && w.end > cell.start) ? 'off' : 'free';
    cells.push({ start: t, state });
  }
  return cells;
}

/**
 * Search across days, per room: the first `perRoom` free slots of the wanted length (not overlapping one another)
 * in each room's own windows, rooms with the earliest first slot first, then the closest fit.
 */
export function firstFreePerRoom<R>(
  rooms: readonly (RoomCalendar<R> & { windows: readonly Interval[] })[],
  q: { durationMinutes: number; stepMinutes: number; seats: number; notBefore: number; perRoom: number },
): { room: R; slots: Interval[] }[] {
  const duration = q.durationMinutes * MINUTE_MS;
  const step = q.stepMinutes * MINUTE_MS;
  const out: { room: R; slots: Interval[]; spare: number }[] = [];
  for (const r of rooms) {
    if (r.capacity < q.seats) continue;
    const slots: Interval[] = [];
    for (const w of r.windows) {
      for (let start = w.start; start + duration <= w.end && slots.length < q.perRoom; start += step) {
        if (start < q.notBefore) continue;
        const slot = { start, end: start + duration };
        if (!isFree(r.busy, slot) || !r.allowed(slot)) continue;
        slots.push(slot);
        start = slot.end - step; // the next one starts when this one ends
      }
      if (slots.length >= q.perRoom) break;
    }
    if (slots.length) out.push({ room: r.room, slots, spare: r.capacity - q.seats });
  }
  out.sort((a, b) => a.slots[0]!.start - b.slots[0]!.start || a.spare - b.spare);
  return out.map(({ room, slots }) => ({ room, slots }));
}

/** A part of the day as local "HH:mm" bounds, cut out of the opening hours. */
export const DAY_PARTS = { any: ['00:00', '24:00'], morning: ['00:00', '12:00'], afternoon: ['12:00', '24:00'] } as const;
export type DayPart = keyof typeof DAY_PARTS;
