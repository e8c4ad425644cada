import { DateTime } from 'luxon';
import { dayPlus } from '../time/zone-day.ts';
import type { Equipment } from '../rooms/service.ts';
import type { BuildingDay, DaySchedule, RoomWeek, ScheduleItem, TimelineRow } from './service.ts';
import { matchesSearch } from './service.ts';
import { clockFormatter, hourMarks, placement, suggestedSlot, type DayWindow } from './timeline.ts';
import { currentLocale, t } from '../i18n/context.ts';
import type { Locale } from '../i18n/catalog.ts';
import { formatDate } from '../i18n/format.ts';

const STATES: ScheduleItem['state'][] = ['pending', 'booked', 'updating', 'cancelling', 'declined', 'failed', 'cancelled', 'external'];
// The tags in each language, looked up once: a day view has hundreds of blocks.
const tagsByLocale = new Map<Locale, Record<ScheduleItem['state'], string>>();

/** A block's short state word in the request's language ("Pending", "Függőben"). */
export function stateTag(state: ScheduleItem['state']): string {
  const locale = currentLocale();
  let tags = tagsByLocale.get(locale);
  if (!tags) tagsByLocale.set(locale, (tags = Object.fromEntries(STATES.map((s) => [s, t(`schedule.tag.${s}`)])) as Record<ScheduleItem['state'], string>));
  return tags[state];
}

/** The subject people read: a private booking reads "Private meeting" in the reader's language. */
export const shownSubject = (item: ScheduleItem): string => (item.private ? t('booking.private_meeting') : item.subject);

/** The organizer's name, or "Unknown organizer" in the reader's language for a booking whose account was deleted. */
export const shownOrganizer = (item: Pick<ScheduleItem, 'kind' | 'organizerName'>): string =>
  item.kind === 'booking' && !item.organizerName ? t('schedule.unknown_organizer') : item.organizerName;

/** Check-in facts win over the state on the schedule (a released booking is 'cancelled' underneath). */
const CHECKIN_TAG_KEYS: Record<NonNullable<ScheduleItem['checkin']>, string> = {
  'checked-in': 'schedule.checkin.checked_in',
  released: 'schedule.checkin.released',
  exempt: 'schedule.checkin.exempt',
};
/** A block's check-in word in the request's language. */
export const checkinTag = (c: NonNullable<ScheduleItem['checkin']>): string => t(CHECKIN_TAG_KEYS[c]);

/** The subject a device may show: with a token that hides subjects, every meeting reads "Busy". */
export const visibleSubject = (item: ScheduleItem, showSubjects: boolean) => (showSubjects ? shownSubject(item) : t('room.busy'));

export interface BlockView {
  /** Grid and state classes: `b st-booked s-25 n-12`. */
  cls: string;
  href: string | null;
  times: string;
  subject: string;
  who: string;
  tag: string;
}

export interface GapView {
  cls: string;
  href: string;
  label: string;
}

export interface RowView {
  key: string;
  name: string;
  href: string;
  facts: string;
  trackCls: string;
  blocks: BlockView[];
  gaps: GapView[];
  nowCls: string | null;
}

export interface TimelineView {
  trackCls: string;
  hours: { label: string; cls: string }[];
}

// One formatter per local day and zone; a small cache because a page asks for at most a week of days in a few zones.
const clocks = new Map<string, (t: number) => string>();
function clockFor(date: string, zone: string): (t: number) => string {
  const key = `${date} ${zone}`;
  let clock = clocks.get(key);
  if (!clock) {
    if (clocks.size > 200) clocks.clear();
    clock = clockFormatter(date, zone);
    clocks.set(key, clock);
  }
  return clock;
}
const grid = (p: { col: number; span: number }) => `s-${p.col} n-${p.span}`;
/** Columns and hour lines of a track: classes defined in public/css/schedule-grid.css. */
const trackClass = (w: DayWindow) => `tr c-${w.columns} h-${Math.round(w.columns / 12)}`;

// A window's hour marks, kept: luxon's hour-by-hour walk was a fifth of a day-view rebuild (a view has a few windows).
const timelines = new Map<string, TimelineView>();
export function presentTimeline(w: DayWindow): TimelineView {
  const key = `${w.start}|${w.end}|${w.zone}|${w.columns}`;
  let view = timelines.get(key);
  if (!view) {
    if (timelines.size > 200) timelines.clear();
    view = { trackCls: trackClass(w), hours: hourMarks(w).map((m) => ({ label: m.label, cls: grid(m) })) };
    timelines.set(key, view);
  }
  return view;
}

function presentBlock(item: ScheduleItem, w: DayWindow, hhmm: (t: number) => string, q: string | undefined): BlockView | null {
  const p = placement(w, item.start, item.end);
  if (!p) return null;
  const people = item.kind === 'booking' && item.attendeeCount ? ` · ${t('schedule.invited', { count: item.attendeeCount })}` : '';
  const hit = matchesSearch(item, q) ? ' hit' : '';
  return {
    cls: `b st-${item.state}${item.active ? '' : ' off'}${item.checkin ? ` ck-${item.checkin}` : ''}${hit} ${grid(p)}`,
    href: item.kind === 'booking' ? `/bookings/${item.id}` : null,
    times: `${hhmm(item.start)}–${hhmm(item.end)}`,
    subject: shownSubject(item),
    who: `${shownOrganizer(item)}${people}${item.series ? ` · ${t('schedule.series')}` : ''}`,
    tag: item.checkin ? checkinTag(item.checkin) : stateTag(item.state),
  };
}

function presentGaps(row: TimelineRow, now: DateTime, label: string): GapView[] {
  const hhmm = clockFor(row.date, row.room.timeZone);
  // One lookup per row, not per gap (a 200-room day has thousands): the times go where the marker is.
  const words = t('schedule.gap_label', { room: label, times: '\u0001' });
  return row.gaps.flatMap((gap) => {
    const p = placement(row.window, gap.start, gap.end);
    const slot = suggestedSlot(gap, now.toMillis(), row.room.maxDurationMinutes);
    if (!p || !slot) return [];
    const [start, end] = [hhmm(slot.start), hhmm(slot.end)];
    // A short link (redirected to the booking form): a 200-room day has thousands of gaps, and bytes are render time.
    return [{ cls: `g ${grid(p)}`, href: `/schedule/gap/${row.room.id}/${row.date}/${start}-${end}`, label: words.replace('\u0001', `${start}–${end}`) }];
  });
}

function nowClass(w: DayWindow, now: DateTime): string | null {
  const t = now.toMillis();
  const p = t >= w.start && t < w.end ? placement(w, t, t + 60_000) : null;
  return p ? `now s-${p.col}` : null;
}

/** A row of the day view (one room) or the week view (one day, `label` set). */
export function presentRow(row: TimelineRow, now: DateTime, catalogue: Map<string, string>, opts: { q?: string | undefined; dayLabel?: string }): RowView {
  const hhmm = clockFor(row.date, row.room.timeZone);
  const name = opts.dayLabel ?? row.room.name;
  const equipment = row.room.equipment.map((c) => catalogue.get(c) ?? c).join(', ');
  return {
    key: opts.dayLabel ? row.date : `room-${row.room.id}`,
    name,
    href: opts.dayLabel
      ? `/schedule?date=${row.date}&building=${encodeURIComponent(row.room.building)}`
      : `/schedule/rooms/${row.room.id}/week?date=${row.date}`,
    facts: opts.dayLabel
      ? `${row.room.opensAt}–${row.room.closesAt}`
      : `${t('room.people', { count: row.room.capacity })}${equipment ? ` · ${equipment}` : ''}`,
    trackCls: trackClass(row.window),
    blocks: row.items.flatMap((i) => presentBlock(i, row.window, hhmm, opts.q) ?? []),
    gaps:
      row.open.end > now.toMillis()
        ? presentGaps(row, now, opts.dayLabel ? t('schedule.room_on_day', { room: row.room.name, day: opts.dayLabel }) : row.room.name)
        : [],
    nowCls: nowClass(row.window, now),
  };
}

/** A row already rendered (row-html.ts keptRow): the day view keeps each room's row HTML by its stamp. */
export interface RenderedRow {
  html: string;
  /** What it is kept under (timeline-parts.ts keeps compressed runs of rows by their keys). */
  key: string;
}
/** The row's HTML kept under `key`; `build` runs (and its row is rendered) only when nothing is kept. */
export type RowKeeper = (key: string, build: () => RowView) => RenderedRow;

/**
 * Everything a day-view row is made of besides the room's meetings (whose stamp covers them): the day, the grid,
 * "now" (only while it can matter: inside the window or before the room closes, to the minute, like the model
 * cache), the search, the language and the equipment's words.
 */
function rowKey(row: TimelineRow & { stamp: string }, now: DateTime, catalogue: Map<string, string>, q: string | undefined): string {
  const at = now.toMillis();
  const { window: w, open } = row;
  const when = at < Math.min(w.start, open.start) ? 'before' : at >= Math.max(w.end, open.end) ? 'after' : String(Math.floor(at / 60_000));
  const equipment = row.room.equipment.map((c) => catalogue.get(c) ?? c).join(',');
  return `${currentLocale()}|${row.room.id}|${row.stamp}|${row.date}|${w.start}-${w.end}|${when}|${q ?? ''}|${equipment}`;
}

export interface BuildingView {
  id: string;
  name: string;
  zone: string;
  timeline: TimelineView;
  floors: { floor: string; rows: (RowView | RenderedRow)[] }[];
}

export function presentBuilding(
  b: BuildingDay,
  now: DateTime,
  catalogue: Map<string, string>,
  q: string | undefined,
  index: number,
  keep?: RowKeeper,
): BuildingView {
  const present = (r: TimelineRow) =>
    keep && r.stamp !== undefined
      ? keep(rowKey({ ...r, stamp: r.stamp }, now, catalogue, q), () => presentRow(r, now, catalogue, { q }))
      : presentRow(r, now, catalogue, { q });
  return {
    id: `b${index}`,
    name: b.building,
    zone: b.zone,
    timeline: presentTimeline(b.window),
    floors: b.floors.map((f) => ({ floor: f.floor, rows: f.rows.map(present) })),
  };
}

/** The day view's model: buildings, the date's words and the navigation links (filters kept). */
export function presentDay(day: DaySchedule, catalogue: Equipment[], query: Record<string, unknown>, keep?: RowKeeper) {
  const labels = new Map(catalogue.map((e) => [e.code, e.label]));
  const q = typeof query.q === 'string' && query.q ? query.q : undefined;
  const shown = DateTime.fromISO(day.date, { zone: day.zone });
  const link = (date: string | null, path = '/schedule') => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (k === 'date' || v === undefined || v === '') continue;
      for (const one of [v].flat()) params.append(k, String(one));
    }
    if (date) params.set('date', date);
    const s = params.toString();
    return s ? `${path}?${s}` : path;
  };
  const today = day.now.setZone(day.zone).toFormat('yyyy-MM-dd');
  return {
    date: day.date,
    heading: formatDate(shown, 'dateLong'),
    isToday: day.date === today,
    prevHref: link(dayPlus(day.date, -1)),
    nextHref: link(dayPlus(day.date, 1)),
    todayHref: link(null),
    selfHref: link(day.date),
    printHref: link(day.date, '/schedule/print'),
    matches: day.matches,
    search: q ?? null,
    updatedAt: formatDate(day.now.setZone(day.zone), 'time'),
    buildings: day.buildings.map((b, i) => presentBuilding(b, day.now, labels, q, i, keep)),
  };
}

/** The week view's model: one row per day of one room. */
export function presentWeek(week: RoomWeek, catalogue: Equipment[]) {
  const labels = new Map(catalogue.map((e) => [e.code, e.label]));
  const zone = week.room.timeZone;
  const monday = DateTime.fromISO(week.monday, { zone });
  const href = (d: DateTime) => `/schedule/rooms/${week.room.id}/week?date=${d.toFormat('yyyy-MM-dd')}`;
  return {
    room: week.room,
    heading: formatDate(monday, 'monthDay'),
    timeline: presentTimeline(week.rows[0]!.window),
    rows: week.rows.map((r) => presentRow(r, week.now, labels, { dayLabel: formatDate(DateTime.fromISO(r.date, { zone }), 'dayShort') })),
    prevHref: href(monday.minus({ weeks: 1 })),
    nextHref: href(monday.plus({ weeks: 1 })),
    thisHref: `/schedule/rooms/${week.room.id}/week`,
    selfHref: href(monday),
    dayHref: `/schedule?building=${encodeURIComponent(week.room.building)}`,
  };
}
