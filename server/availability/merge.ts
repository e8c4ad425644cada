import type { DateTime } from 'luxon';

/** A half-open stretch of time [start, end), as UTC instants. */
export interface Interval {
  start: DateTime;
  end: DateTime;
}

export const overlaps = (a: Interval, b: Interval) => a.start < b.end && a.end > b.start;

/** Sorts and joins touching or overlapping intervals, so the result has no two that meet. */
export function mergeIntervals(list: Interval[]): Interval[] {
  const sorted = [...list].filter((i) => i.end > i.start).sort((a, b) => a.start.toMillis() - b.start.toMillis());
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) {
      if (i.end > last.end) out[out.length - 1] = { start: last.start, end: i.end };
    } else out.push({ ...i });
  }
  return out;
}

export function isFree(busy: Interval[], slot: Interval): boolean {
  return !busy.some((b) => overlaps(b, slot));
}

export interface StripCell {
  /** Start of the cell in the room's zone, "HH:mm". */
  label: string;
  busy: boolean;
  /** The cell overlaps the slot the user asked for. */
  chosen: boolean;
}

/** The day strip: cells of `stepMinutes` from opening to closing, busy when any busy interval touches them. */
export function stripCells(busy: Interval[], day: Interval, stepMinutes: number, zone: string, chosen: Interval | null): StripCell[] {
  const cells: StripCell[] = [];
  for (let t = day.start; t < day.end; t = t.plus({ minutes: stepMinutes })) {
    const cell = { start: t, end: t.plus({ minutes: stepMinutes }) < day.end ? t.plus({ minutes: stepMinutes }) : day.end };
    cells.push({ label: t.setZone(zone).toFormat('HH:mm'), busy: !isFree(busy, cell), chosen: chosen ? overlaps(cell, chosen) : false });
  }
  return cells;
}

/**
 * Free windows of `minutes` inside `day`, starting on a `stepMinutes` grid from the day's start and not before
 * `notBefore`, ordered by distance from `preferred` (earlier first on a tie). At most `count`.
 */
export function nearestFreeWindows(
  busy: Interval[],
  day: Interval,
  minutes: number,
  preferred: DateTime,
  notBefore: DateTime,
  stepMinutes = 15,
  count = 3,
): Interval[] {
  const found: Interval[] = [];
  for (let t = day.start; t.plus({ minutes }) <= day.end; t = t.plus({ minutes: stepMinutes })) {
    const slot = { start: t, end: t.plus({ minutes }) };
    if (t >= notBefore && isFree(busy, slot)) found.push(slot);
  }
  const distance = (i: Interval) => Math.abs(i.start.toMillis() - preferred.toMillis());
  return found.sort((a, b) => distance(a) - distance(b) || a.start.toMillis() - b.start.toMillis()).slice(0, count);
}
