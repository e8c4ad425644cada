import type { Room } from '../rooms/service.ts';
import type { Interval, StripCell } from './merge.ts';
import type { FindResult } from './service.ts';
import { zoneDay } from '../time/zone-day.ts';
import { t } from '../i18n/context.ts';

/** Local date and "HH:mm" of an instant in a zone, by arithmetic (zone-day.ts): this runs for every listed room. */
export function local(ms: number, zone: string): { date: string; time: string } {
  const day = zoneDay(new Date(ms).toISOString().slice(0, 10), zone);
  // A zone luxon does not know cannot come from the rooms table (the room form checks it); show UTC rather than fail.
  if (!day) return { date: new Date(ms).toISOString().slice(0, 10), time: new Date(ms).toISOString().slice(11, 16) };
  return { date: day.localDate(ms), time: day.label(ms) };
}

/** "10:00–11:00" in the room's zone. */
export function slotLabel(room: Pick<Room, 'timeZone'>, slot: Interval): string {
  return `${local(slot.start, room.timeZone).time}–${local(slot.end, room.timeZone).time}`;
}

/** The booking form, filled in for this room and slot (times in the room's zone). */
export function bookingLink(room: Pick<Room, 'id' | 'timeZone'>, slot: Interval): string {
  const s = local(slot.start, room.timeZone);
  const q = new URLSearchParams({ roomId: String(room.id), date: s.date, start: s.time, end: local(slot.end, room.timeZone).time });
  return `/bookings/new?${q}`;
}

/** What views/availability/_strip.ejs draws: one span per cell, its classes and tooltip, and the described day. */
export interface StripView {
  ariaLabel: string;
  cells: { className: string; title: string }[];
  /** The cells as finished, escaped markup: a search lists hundreds of rooms × 26 cells, and printing them one by one in EJS was most of its render time (issue 13). */
  cellsHtml: string;
  /** The two-hourly scale under the cells, finished markup (the same for every room with the same hours). */
  scaleHtml: string;
  firstLabel: string;
  lastLabel: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
// Rooms share their cells (the same labels, busy or not): each distinct cell is escaped once per process.
const cellMarkup = new Map<string, string>();
function cellHtml(className: string, title: string): string {
  const key = `${className}\u0000${title}`;
  let html = cellMarkup.get(key);
  if (html === undefined) {
    html = `<span class="${escapeHtml(className)}" title="${escapeHtml(title)}"></span>`;
    if (cellMarkup.size < 10_000) cellMarkup.set(key, html);
  }
  return html;
}

/** Cells as finished markup, one `<span class="…" title="…"></span>` each (the scheduling rows print theirs so too). */
export const cellsMarkup = (cells: readonly { className: string; title: string }[]): string => cells.map((c) => cellHtml(c.className, c.title)).join('');

// Rooms with the same hours share their scale: kept by the cells' labels (a few distinct days of hours at most).
const scaleMarkup = new Map<string, string>();
/** One span per cell, labelled on the even hours ("08:00", "10:00"…), blank otherwise. */
function scaleHtml(labels: readonly string[]): string {
  const key = labels.join(',');
  let html = scaleMarkup.get(key);
  if (html === undefined) {
    html = labels.map((hm) => `<span>${/^\d\d:00$/.test(hm) && Number(hm.slice(0, 2)) % 2 === 0 ? escapeHtml(hm) : ''}</span>`).join('');
    if (scaleMarkup.size < 1_000) scaleMarkup.set(key, html);
  }
  return html;
}

export function presentStrip(roomName: string, cells: readonly StripCell[]): StripView {
  const busy = cells.filter((c) => c.busy).map((c) => c.label);
  // Two words looked up once per room, not once per cell: find-a-room lists hundreds of rooms of ~30 cells each.
  const busyWord = t('strip.busy');
  const freeWord = t('strip.free');
  const shown = cells.map((c) => ({
    className: `cell${c.busy ? ' busy' : ''}${c.chosen ? ' chosen' : ''}`,
    title: `${c.label} ${c.busy ? busyWord : freeWord}`,
  }));
  return {
    ariaLabel: busy.length ? t('strip.aria_busy', { room: roomName, times: busy.join(', ') }) : t('strip.aria_free', { room: roomName }),
    cells: shown,
    cellsHtml: shown.map((c) => cellHtml(c.className, c.title)).join(''),
    scaleHtml: scaleHtml(cells.map((c) => c.label)),
    firstLabel: cells[0]?.label ?? '',
    lastLabel: cells.at(-1)?.label ?? '',
  };
}

/** Short suggestions when a slot was just taken: other free rooms then, and the nearest other times. */
export function presentAlternatives(result: FindResult): { label: string; href: string }[] {
  return [
    ...result.matches.slice(0, 5).map((o) => ({
      label: t('find.alt_room', { room: o.room.name, people: o.room.capacity, times: slotLabel(o.room, o.slot) }),
      href: bookingLink(o.room, o.slot),
    })),
    ...result.otherTimes.map((o) => ({
      label: t('find.alt_time', { room: o.room.name, times: slotLabel(o.room, o.slot) }),
      href: bookingLink(o.room, o.slot),
    })),
  ];
}
