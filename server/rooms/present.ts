import { Duration } from 'luxon';
import type { Equipment, Room } from './repo.ts';

export interface RoomView {
  id: number;
  name: string;
  alias: string;
  email: string;
  capacity: number;
  building: string;
  floor: string;
  timeZone: string;
  hours: string;
  maxDuration: string;
  horizon: string;
  active: boolean;
  equipment: Equipment[];
  /** Null when Exchange confirmed the mailbox; else what the admin sees next to "Not verified". */
  notVerified: string | null;
}

const NOT_VERIFIED = {
  unknown: 'Exchange did not know this mailbox when the room was saved.',
  'no-access': 'The booking service could not open this mailbox’s calendar when the room was saved.',
  unreachable: 'Exchange did not answer when the room was saved.',
} as const;

/** "1 h 30 min", "45 min", "4 h". */
export function formatMinutes(minutes: number): string {
  const d = Duration.fromObject({ minutes }).shiftTo('hours', 'minutes');
  const parts = [d.hours ? `${d.hours} h` : '', d.minutes ? `${d.minutes} min` : ''].filter(Boolean);
  return parts.join(' ') || '0 min';
}

export function presentRoom(room: Room, catalogue: Equipment[]): RoomView {
  const labels = new Map(catalogue.map((e) => [e.code, e.label]));
  return {
    id: room.id,
    name: room.name,
    alias: room.alias,
    email: room.email,
    capacity: room.capacity,
    building: room.building,
    floor: room.floor,
    timeZone: room.timeZone,
    hours: `${room.opensAt}–${room.closesAt}`,
    maxDuration: formatMinutes(room.maxDurationMinutes),
    horizon: `${room.horizonDays} day${room.horizonDays === 1 ? '' : 's'}`,
    active: room.active,
    equipment: room.equipment.map((code) => ({ code, label: labels.get(code) ?? code })),
    notVerified: room.mailboxUnverified ? NOT_VERIFIED[room.mailboxUnverified] : null,
  };
}

/** The admin form's field values (strings, as the browser would send them). */
export function roomFormValues(room: Room | undefined): Record<string, unknown> {
  if (!room) {
    return { timeZone: 'Europe/London', opensAt: '07:00', closesAt: '20:00', maxDurationMinutes: '240', horizonDays: '180', active: 'on', equipment: [] };
  }
  return {
    name: room.name,
    alias: room.alias,
    email: room.email,
    capacity: String(room.capacity),
    building: room.building,
    floor: room.floor,
    timeZone: room.timeZone,
    opensAt: room.opensAt,
    closesAt: room.closesAt,
    maxDurationMinutes: String(room.maxDurationMinutes),
    horizonDays: String(room.horizonDays),
    active: room.active ? 'on' : '',
    equipment: room.equipment,
  };
}
