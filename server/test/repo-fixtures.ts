// Rows for the repository tests on both engines, written through the repositories themselves.
import type { Db } from '../db/connection.ts';
import { insertBooking, type NewBooking } from '../bookings/repo.ts';
import { insertRoom, type RoomFields } from '../rooms/repo.ts';
import { insertUser, type NewUser } from '../users/repo.ts';

export const AT = '2026-12-01T08:00:00.000Z';
let n = 0;

export function aUser(db: Db, over: Partial<NewUser> = {}) {
  n++;
  return insertUser(db, {
    username: `user${n}`,
    displayName: `User ${n}`,
    email: `user${n}@example.test`,
    passwordHash: null,
    role: 'employee',
    source: 'local',
    createdAt: AT,
    ...over,
  });
}

export function aRoom(db: Db, over: Partial<RoomFields> = {}) {
  n++;
  return insertRoom(
    db,
    {
      name: `Room ${n}`,
      alias: `room${n}`,
      email: `room${n}@example.test`,
      capacity: 8,
      building: 'Main',
      floor: '1',
      timeZone: 'Europe/London',
      opensAt: '07:00',
      closesAt: '20:00',
      maxDurationMinutes: 240,
      horizonDays: 180,
      active: true,
      equipment: [],
      ...over,
    },
    AT,
  );
}

/** A pending booking of `roomId` by `organizerId` (also its creator), 09:00–10:00 UTC on 2 December unless told. */
export function aBooking(
  db: Db,
  roomId: number,
  organizerId: number,
  over: Partial<NewBooking> = {},
  attendees: { email: string; name: string | null; role: 'required' | 'optional' }[] = [],
) {
  n++;
  return insertBooking(
    db,
    {
      uid: `uid-${n}`,
      idempotencyKey: `key-${n}`,
      roomId,
      organizerId,
      createdById: organizerId,
      subject: `Meeting ${n}`,
      description: '',
      private: false,
      startsAt: '2026-12-02T09:00:00.000Z',
      endsAt: '2026-12-02T10:00:00.000Z',
      at: AT,
      ...over,
    },
    attendees,
  );
}
