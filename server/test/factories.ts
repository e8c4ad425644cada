// Test data made through the features' own services and form schemas (so it passes the same rules as data a person
// enters), with defaults for everything a test does not care about. Start the app with DEMO_DATA: '0' and make
// exactly the rooms and people a test needs; an alias of the emulator's organisation (emulator/default-org.json:
// alice, bob, rita, adam; thames, severn, trent, …) gives the room or person a mailbox in the built-in Exchange.
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import type { AppContext } from '../context.ts';
import { BookingForm } from '../bookings/schema.ts';
import { createBooking, type Booking } from '../bookings/service.ts';
import { RoomForm } from '../rooms/schema.ts';
import { createRoom, type Room } from '../rooms/service.ts';
import type { Role } from '../users/roles.ts';
import { createLocalUser, type User } from '../users/service.ts';

type Ctx = AppContext;
let serial = 0;
const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export interface RoomSpec {
  alias?: string;
  name?: string;
  capacity?: number;
  building?: string;
  floor?: string;
  timeZone?: string;
  opensAt?: string;
  closesAt?: string;
  maxDurationMinutes?: number;
  horizonDays?: number;
  equipment?: string[];
  active?: boolean;
}

/** A room (default: 6 people in Harbour House, floor 1, Europe/London, bookable 07:00–20:00 for up to 4 h). */
export function aRoom(ctx: Ctx, spec: RoomSpec = {}): Room {
  const alias = spec.alias ?? `room-${++serial}`;
  const input = RoomForm.parse({
    name: spec.name ?? capitalized(alias),
    alias,
    email: `${alias}@example.com`,
    capacity: String(spec.capacity ?? 6),
    building: spec.building ?? 'Harbour House',
    floor: spec.floor ?? '1',
    timeZone: spec.timeZone ?? 'Europe/London',
    opensAt: spec.opensAt ?? '07:00',
    closesAt: spec.closesAt ?? '20:00',
    maxDurationMinutes: String(spec.maxDurationMinutes ?? 240),
    horizonDays: String(spec.horizonDays ?? 180),
    ...(spec.active === false ? {} : { active: 'on' }),
    equipment: spec.equipment ?? [],
  });
  return createRoom(ctx, SYSTEM_ACTOR, input);
}

/** Rooms by alias, e.g. `someRooms(ctx, { trent: {}, cam: { capacity: 16 } })`. */
export function someRooms(ctx: Ctx, specs: Record<string, RoomSpec>): Map<string, Room> {
  return new Map(Object.entries(specs).map(([alias, spec]) => [alias, aRoom(ctx, { alias, ...spec })]));
}

export interface UserSpec {
  username?: string;
  displayName?: string;
  role?: Role;
  /** Default 'demo', as the demo accounts. */
  password?: string;
}

/** A local account `<username>@example.com` (default: an employee). */
export function aUser(ctx: Ctx, spec: UserSpec = {}): Promise<User> {
  const username = spec.username ?? `user${++serial}`;
  return createLocalUser(ctx, SYSTEM_ACTOR, {
    username,
    displayName: spec.displayName ?? `${capitalized(username)} Tester`,
    email: `${username}@example.com`,
    role: spec.role ?? 'employee',
    password: spec.password ?? 'demo',
  });
}

/** The four demo people (alice and bob employees, rita reception, adam admin), with their demo names. */
export async function demoPeople(ctx: Ctx): Promise<Record<'alice' | 'bob' | 'rita' | 'adam', User>> {
  return {
    alice: await aUser(ctx, { username: 'alice', displayName: 'Alice Anderson' }),
    bob: await aUser(ctx, { username: 'bob', displayName: 'Bob Baker' }),
    rita: await aUser(ctx, { username: 'rita', displayName: 'Rita Reyes', role: 'receptionist' }),
    adam: await aUser(ctx, { username: 'adam', displayName: 'Adam Admin', role: 'admin' }),
  };
}

export interface BookingSpec {
  room: Room;
  organizer: User;
  /** yyyy-MM-dd in the room's zone; default two days ahead. */
  date?: string;
  /** HH:mm in the room's zone; default 10:00–11:00. */
  start?: string;
  end?: string;
  subject?: string;
  required?: string[];
  optional?: string[];
  private?: boolean;
}

/** A booking made through the bookings service (pending, its outbox job queued), as the booking form would. */
export async function aBooking(ctx: Ctx, spec: BookingSpec): Promise<Booking> {
  const input = BookingForm.parse({
    roomId: String(spec.room.id),
    date: spec.date ?? DateTime.now().setZone(spec.room.timeZone).plus({ days: 2 }).toFormat('yyyy-MM-dd'),
    start: spec.start ?? '10:00',
    end: spec.end ?? '11:00',
    subject: spec.subject ?? `Meeting ${++serial}`,
    description: '',
    required: (spec.required ?? []).join('\n'),
    optional: (spec.optional ?? []).join('\n'),
    ...(spec.private ? { private: 'on' } : {}),
    idempotencyKey: `factory-${crypto.randomUUID()}`,
  });
  return (await createBooking(ctx, spec.organizer, input)).booking;
}
