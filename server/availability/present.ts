import type { Room } from '../rooms/service.ts';
import type { Interval } from './merge.ts';
import type { FindResult } from './service.ts';

/** "10:00–11:00" in the room's zone. */
export function slotLabel(room: Pick<Room, 'timeZone'>, slot: Interval): string {
  return `${slot.start.setZone(room.timeZone).toFormat('HH:mm')}–${slot.end.setZone(room.timeZone).toFormat('HH:mm')}`;
}

/** The booking form, filled in for this room and slot (times in the room's zone). */
export function bookingLink(room: Pick<Room, 'id' | 'timeZone'>, slot: Interval): string {
  const s = slot.start.setZone(room.timeZone);
  const q = new URLSearchParams({ roomId: String(room.id), date: s.toFormat('yyyy-MM-dd'), start: s.toFormat('HH:mm'), end: slot.end.setZone(room.timeZone).toFormat('HH:mm') });
  return `/bookings/new?${q}`;
}

/** Short suggestions when a slot was just taken: other free rooms then, and the nearest other times. */
export function presentAlternatives(result: FindResult): { label: string; href: string }[] {
  return [
    ...result.matches.slice(0, 5).map((o) => ({ label: `${o.room.name} (${o.room.capacity} people), ${slotLabel(o.room, o.slot)}`, href: bookingLink(o.room, o.slot) })),
    ...result.otherTimes.map((t) => ({ label: `${t.room.name} at ${slotLabel(t.room, t.slot)}`, href: bookingLink(t.room, t.slot) })),
  ];
}
