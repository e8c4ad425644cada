// Pure timeline arithmetic: columns of a day grid, free gaps, and what a door display says. No I/O; the clock is passed in.
// Instants are epoch milliseconds: a 200-room day places thousands of blocks and gaps, and luxon objects (zone lookups,
// allocation) dominated the profile. A day's hours become instants through the shared zone-day arithmetic (one luxon
// offset lookup per zone and date, kept); luxon itself only for a time the clocks skip.
import { DateTime } from 'luxon';
import { zoneDay } from '../time/zone-day.ts';

/** One grid column is five minutes: the booking form's time step, so every block starts and ends on a line. */
export const SLOT_MINUTES = 5;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const SLOT_MS = SLOT_MINUTES * MINUTE_MS;

/** [start, end) in epoch milliseconds. */
export interface Span {
  start: number;
  end: number;
}

/** A day's visible window in a zone: from the earliest opening hour to the latest closing hour, whole hours. */
export interface DayWindow extends Span {
  zone: string;
  /** The local date the window is on (its hour labels are worked out from that day's offsets). */
  date?: string;
  /** Number of grid columns. */
  columns: number;
}

/**
 * The instant of wall-clock `hhmm` on a local date. Rebuilding a day asked luxon this per building and hour set, each
 * ask an Intl offset lookup (~1 ms of a 9 ms rebuild). A time the clocks skip (02:30 on a spring-forward day) is
 * left to luxon, which moves it forward as before.
 */
function atLocal(date: string, hhmm: string, zone: string): number {
  const instant = zoneDay(date, zone)?.instant(hhmm);
  if (instant !== null && instant !== undefined) return instant;
  const [h, m] = hhmm.split(':').map(Number);
  return DateTime.fromISO(date, { zone })
    .set({ hour: h ?? 0, minute: m ?? 0 })
    .toMillis();
}

/** The opening hours of a room on a local date, as instants. */
export function openingSpan(date: string, opensAt: string, closesAt: string, zone: string): Span {
  return { start: atLocal(date, opensAt, zone), end: atLocal(date, closesAt, zone) };
}

/** The window covering every given room's opening hours on `date`, widened to whole hours. */
export function dayWindow(date: string, zone: string, hours: { opensAt: string; closesAt: string }[]): DayWindow {
  const opens = hours.map((h) => h.opensAt).sort()[0] ?? '08:00';
  const closes =
    hours
      .map((h) => h.closesAt)
      .sort()
      .at(-1) ?? '18:00';
  // Whole local hours: the opening hour's start, and the closing time or the end of its hour (an hour later in time).
  const start = atLocal(date, `${opens.slice(0, 2)}:00`, zone);
  const end = closes.endsWith(':00') ? atLocal(date, closes, zone) : atLocal(date, `${closes.slice(0, 2)}:00`, zone) + 60 * MINUTE_MS;
  return { start, end, zone, date, columns: Math.max(1, Math.round((end - start) / SLOT_MS)) };
}

/** Grid placement (1-based start line, span in columns) of [s, e) clipped to the window; null when outside. */
export function placement(w: DayWindow, s: number, e: number): { col: number; span: number } | null {
  if (e <= w.start || s >= w.end) return null;
  const col = Math.floor(Math.max(0, s - w.start) / SLOT_MS) + 1;
  const endLine = Math.max(col + 1, Math.ceil((Math.min(e, w.end) - w.start) / SLOT_MS) + 1);
  return { col, span: Math.min(endLine, w.columns + 1) - col };
}

/** Hour labels for the grid header: each whole local hour inside the window. */
export function hourMarks(w: DayWindow): { label: string; col: number; span: number }[] {
  const marks: { label: string; col: number; span: number }[] = [];
  const day = w.date ? zoneDay(w.date, w.zone) : null;
  const label = (t: number) => day?.label(t) ?? DateTime.fromMillis(t, { zone: w.zone }).toFormat('HH:mm');
  // Hours of time, as luxon's plus({ hours: 1 }) steps: on a clock-change day one label repeats or one is missing.
  for (let t = w.start; t < w.end; t += 60 * MINUTE_MS) {
    const p = placement(w, t, t + 60 * MINUTE_MS);
    if (p) marks.push({ label: label(t), ...p });
  }
  return marks;
}

/** Free stretches of `open` not covered by `busy`, at least `minMinutes` long. */
export function freeGaps(open: Span, busy: Span[], minMinutes = 15): Span[] {
  const sorted = busy.filter((b) => b.end > open.start && b.start < open.end).sort((a, b) => a.start - b.start);
  const gaps: Span[] = [];
  let cursor = open.start;
  for (const b of sorted) {
    if (b.start > cursor) gaps.push({ start: cursor, end: b.start });
    if (b.end > cursor) cursor = b.end;
  }
  if (cursor < open.end) gaps.push({ start: cursor, end: open.end });
  return gaps.filter((g) => g.end - g.start >= minMinutes * MINUTE_MS);
}

/** The first slot a receptionist would book in a gap: an hour, or less when the gap is shorter. */
export function suggestedSlot(gap: Span, now: number, maxMinutes: number): Span | null {
  // A gap that started already is offered from the next five-minute line (every zone offset in use is a multiple of
  // 15 minutes, so a five-minute line in UTC is one locally too).
  const start = gap.start < now ? Math.floor(now / SLOT_MS) * SLOT_MS + SLOT_MS : gap.start;
  if (gap.end - start < SLOT_MS) return null;
  return { start, end: Math.min(gap.end, start + Math.min(60, maxMinutes) * MINUTE_MS) };
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * "HH:mm" in `zone` for instants on local `date`. CASE: on an ordinary day the zone's offset is one constant, so the
 * clock is arithmetic; on a day the clocks change it falls back to luxon.
 */
export function clockFormatter(date: string, zone: string): (t: number) => string {
  const dayStart = DateTime.fromISO(date, { zone }).startOf('day');
  const offset = dayStart.offset;
  if (dayStart.endOf('day').offset !== offset) return (t) => DateTime.fromMillis(t, { zone }).toFormat('HH:mm');
  const shift = offset * MINUTE_MS;
  return (t) => {
    const minutes = Math.floor(((((t + shift) % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
    return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  };
}

/** What a door display says at `now`, from one room's active meetings of the day. */
export interface DisplayState<T extends Span> {
  busy: boolean;
  current: T | null;
  /** End of the current meeting and any that follow it without a break. */
  busyUntil: number | null;
  /** Start of the next meeting when free. */
  freeUntil: number | null;
  upcoming: T[];
}

export function displayState<T extends Span>(meetings: T[], now: number, upcomingCount = 4): DisplayState<T> {
  const sorted = [...meetings].sort((a, b) => a.start - b.start);
  const current = sorted.find((m) => m.start <= now && m.end > now) ?? null;
  let busyUntil: number | null = null;
  if (current) {
    busyUntil = current.end;
    // Back-to-back meetings keep the room busy: "busy until" is when it is actually free again.
    for (const m of sorted) if (m.start <= busyUntil && m.end > busyUntil) busyUntil = m.end;
  }
  const upcoming = sorted.filter((m) => m.start > now && m !== current).slice(0, upcomingCount);
  return { busy: !!current, current, busyUntil, freeUntil: current ? null : (upcoming[0]?.start ?? null), upcoming };
}
