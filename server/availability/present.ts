import type { Room } from '../rooms/service.ts';
import type { Interval, StripCell } from './merge.ts';
import type { FindResult } from './service.ts';
import { zoneDay } from './zone-day.ts';

/** Local date and "HH:mm" of an instant in a zone, by arithmetic (zone-day.ts): this runs for every listed room. */
function local(ms: number, zone: string): { date: string; time: string } {
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

export function presentStrip(roomName: string, cells: readonly StripCell[]): StripView {
  const busy = cells.filter((c) => c.busy).map((c) => c.label);
  const shown = cells.map((c) => ({ className: `cell${c.busy ? ' busy' : ''}${c.chosen ? ' chosen' : ''}`, title: `${c.label}${c.busy ? ' busy' : ' free'}` }));
  return {
    ariaLabel: `Day at a glance for ${roomName}: ${busy.length ? `${busy.join(', ')} busy` : 'free all day'}`,
    cells: shown,
    cellsHtml: shown.map((c) => cellHtml(c.className, c.title)).join(''),
    firstLabel: cells[0]?.label ?? '',
    lastLabel: cells.at(-1)?.label ?? '',
  };
}

/** Short suggestions when a slot was just taken: other free rooms then, and the nearest other times. */
export function presentAlternatives(result: FindResult): { label: string; href: string }[] {
  return [
    ...result.matches.slice(0, 5).map((o) => ({ label: `${o.room.name} (${o.room.capacity} people), ${slotLabel(o.room, o.slot)}`, href: bookingLink(o.room, o.slot) })),
    ...result.otherTimes.map((t) => ({ label: `${t.room.name} at ${slotLabel(t.room, t.slot)}`, href: bookingLink(t.room, t.slot) })),
  ];
}
