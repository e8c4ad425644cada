// Pure timeline arithmetic: columns of a day grid, free gaps, and what a door display says. No I/O; the clock is passed in.
import { DateTime } from 'luxon';

/** One grid column is five minutes: the booking form's time step, so every block starts and ends on a line. */
export const SLOT_MINUTES = 5;

export interface Span {
  start: DateTime;
  end: DateTime;
}

/** A day's visible window in a zone: from the earliest opening hour to the latest closing hour, whole hours. */
export interface DayWindow extends Span {
  zone: string;
  /** Number of grid columns. */
  columns: number;
}

function atLocal(date: string, hhmm: string, zone: string): DateTime {
  const [h, m] = hhmm.split(':').map(Number);
  return DateTime.fromISO(date, { zone }).set({ hour: h ?? 0, minute: m ?? 0 });
}

/** The opening hours of a room on a local date, as instants. */
export function openingSpan(date: string, opensAt: string, closesAt: string, zone: string): Span {
  return { start: atLocal(date, opensAt, zone), end: atLocal(date, closesAt, zone) };
}

/** The window covering every given room's opening hours on `date`, widened to whole hours. */
export function dayWindow(date: string, zone: string, hours: { opensAt: string; closesAt: string }[]): DayWindow {
  const opens = hours.map((h) => h.opensAt).sort()[0] ?? '08:00';
  const closes = hours.map((h) => h.closesAt).sort().at(-1) ?? '18:00';
  const start = atLocal(date, opens, zone).startOf('hour');
  const closing = atLocal(date, closes, zone);
  const end = closing.minute ? closing.startOf('hour').plus({ hours: 1 }) : closing;
  return { start, end, zone, columns: Math.max(1, Math.round(end.diff(start, 'minutes').minutes / SLOT_MINUTES)) };
}

/** Grid placement (1-based start line, span in columns) of [start, end) clipped to the window; null when outside. */
export function placement(w: DayWindow, s: DateTime, e: DateTime): { col: number; span: number } | null {
  if (e <= w.start || s >= w.end) return null;
  const from = Math.max(0, s.diff(w.start, 'minutes').minutes);
  const to = Math.min(w.columns * SLOT_MINUTES, e.diff(w.start, 'minutes').minutes);
  const col = Math.floor(from / SLOT_MINUTES) + 1;
  const endLine = Math.max(col + 1, Math.ceil(to / SLOT_MINUTES) + 1);
  return { col, span: Math.min(endLine, w.columns + 1) - col };
}

/** Hour labels for the grid header: each whole local hour inside the window. */
export function hourMarks(w: DayWindow): { label: string; col: number; span: number }[] {
  const marks: { label: string; col: number; span: number }[] = [];
  for (let t = w.start; t < w.end; t = t.plus({ hours: 1 })) {
    const p = placement(w, t, t.plus({ hours: 1 }));
    if (p) marks.push({ label: t.setZone(w.zone).toFormat('HH:mm'), ...p });
  }
  return marks;
}

/** Free stretches of `open` not covered by `busy`, at least `minMinutes` long. */
export function freeGaps(open: Span, busy: Span[], minMinutes = 15): Span[] {
  const sorted = busy.filter((b) => b.end > open.start && b.start < open.end).sort((a, b) => a.start.toMillis() - b.start.toMillis());
  const gaps: Span[] = [];
  let cursor = open.start;
  for (const b of sorted) {
    if (b.start > cursor) gaps.push({ start: cursor, end: b.start });
    if (b.end > cursor) cursor = b.end;
  }
  if (cursor < open.end) gaps.push({ start: cursor, end: open.end });
  return gaps.filter((g) => g.end.diff(g.start, 'minutes').minutes >= minMinutes);
}

/** The first slot a receptionist would book in a gap: an hour, or less when the gap is shorter. */
export function suggestedSlot(gap: Span, now: DateTime, maxMinutes: number): Span | null {
  // A gap that started already is offered from the next five-minute line.
  let start = gap.start;
  if (start < now) start = now.setZone(gap.start.zone).startOf('minute').plus({ minutes: SLOT_MINUTES - (now.setZone(gap.start.zone).minute % SLOT_MINUTES) });
  if (start >= gap.end || gap.end.diff(start, 'minutes').minutes < SLOT_MINUTES) return null;
  const end = DateTime.min(gap.end, start.plus({ minutes: Math.min(60, maxMinutes) }));
  return { start, end };
}

/** What a door display says at `now`, from one room's active meetings of the day. */
export interface DisplayState<T extends Span> {
  busy: boolean;
  current: T | null;
  /** End of the current meeting and any that follow it without a break. */
  busyUntil: DateTime | null;
  /** Start of the next meeting when free. */
  freeUntil: DateTime | null;
  upcoming: T[];
}

export function displayState<T extends Span>(meetings: T[], now: DateTime, upcomingCount = 4): DisplayState<T> {
  const sorted = [...meetings].sort((a, b) => a.start.toMillis() - b.start.toMillis());
  const current = sorted.find((m) => m.start <= now && m.end > now) ?? null;
  let busyUntil: DateTime | null = null;
  if (current) {
    busyUntil = current.end;
    // Back-to-back meetings keep the room busy: "busy until" is when it is actually free again.
    for (const m of sorted) if (m.start <= busyUntil && m.end > busyUntil) busyUntil = m.end;
  }
  const upcoming = sorted.filter((m) => m.start > now && m !== current).slice(0, upcomingCount);
  return { busy: !!current, current, busyUntil, freeUntil: current ? null : (upcoming[0]?.start ?? null), upcoming };
}
