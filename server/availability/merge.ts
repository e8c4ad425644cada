// Interval arithmetic for find-a-room, on epoch milliseconds: a search over hundreds of rooms compares thousands of
// intervals, and luxon objects (allocation, zone lookups) were most of its CPU. Local labels come from zone-day.ts.
import type { BusySlot } from '../exchange/gateway.ts';
import type { ZoneDay } from '../time/zone-day.ts';

/** A half-open stretch of time [start, end), epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

const MINUTE_MS = 60_000;

/** A free/busy stretch as epoch ms: the gateway's own numbers when it has them (no DateTime built per stretch, issue 13). */
export const busyInterval = (s: BusySlot): Interval => ({ start: s.startMs ?? s.start.toMillis(), end: s.endMs ?? s.end.toMillis() });

export const overlaps = (a: Interval, b: Interval) => a.start < b.end && a.end > b.start;

/** Sorts and joins touching or overlapping intervals, so the result has no two that meet. */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = list.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) {
      if (i.end > last.end) last.end = i.end;
    } else out.push({ start: i.start, end: i.end });
  }
  return out;
}

export function isFree(busy: readonly Interval[], slot: Interval): boolean {
  for (const b of busy) if (b.start < slot.end && b.end > slot.start) return false;
  return true;
}

export interface StripCell {
  /** Start of the cell in the room's zone, "HH:mm". */
  label: string;
  busy: boolean;
  /** The cell overlaps the slot the user asked for. */
  chosen: boolean;
}

/** The day strip: cells of `stepMinutes` from opening to closing, busy when any busy interval touches them. */
export function stripCells(busy: readonly Interval[], day: Interval, stepMinutes: number, zoneDay: ZoneDay, chosen: Interval | null): StripCell[] {
  const step = stepMinutes * MINUTE_MS;
  const cells: StripCell[] = [];
  // busy is merged and sorted: walk it alongside the cells instead of scanning it per cell.
  let i = 0;
  for (let t = day.start; t < day.end; t += step) {
    const end = Math.min(t + step, day.end);
    while (i < busy.length && busy[i]!.end <= t) i++;
    const b = busy[i];
    cells.push({ label: zoneDay.label(t), busy: b !== undefined && b.start < end, chosen: chosen ? chosen.start < end && chosen.end > t : false });
  }
  return cells;
}

/**
 * Free windows of `minutes` inside `day`, starting on a `stepMinutes` grid from the day's start and not before
 * `notBefore`, ordered by distance from `preferred` (earlier first on a tie). At most `count`. Minutes are real
 * elapsed minutes, so a window across a clock change is as long as asked.
 */
export function nearestFreeWindows(
  busy: readonly Interval[],
  day: Interval,
  minutes: number,
  preferred: number,
  notBefore: number,
  stepMinutes = 15,
  count = 3,
): Interval[] {
  const length = minutes * MINUTE_MS;
  const found: Interval[] = [];
  for (let t = day.start; t + length <= day.end; t += stepMinutes * MINUTE_MS) {
    const slot = { start: t, end: t + length };
    if (t >= notBefore && isFree(busy, slot)) found.push(slot);
  }
  const distance = (i: Interval) => Math.abs(i.start - preferred);
  return found.sort((a, b) => distance(a) - distance(b) || a.start - b.start).slice(0, count);
}
