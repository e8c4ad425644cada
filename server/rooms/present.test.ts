import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { presentRoomDay, type DaySpan, type RoomDay } from './present.ts';
import type { Room } from './repo.ts';

const ZONE = 'Europe/Berlin';
const at = (hhmm: string) => DateTime.fromISO(`2026-12-03T${hhmm}`, { zone: ZONE }).toMillis();
const room = { id: 7, timeZone: ZONE } as Room;
// A stand-in for availability's bookingLink: the slot in the room's zone is all the presenter must hand over.
const source = {
  bookingLink: (_r: Pick<Room, 'id' | 'timeZone'>, s: DaySpan) =>
    `${DateTime.fromMillis(s.start, { zone: ZONE }).toFormat('HH:mm')}-${DateTime.fromMillis(s.end, { zone: ZONE }).toFormat('HH:mm')}`,
};
const day: RoomDay = {
  items: [
    { kind: 'external', subject: 'Board', organizerName: '', active: true, start: at('14:00'), end: at('15:00') },
    { kind: 'booking', subject: 'Old', organizerName: 'Bob', active: false, start: at('16:00'), end: at('17:00') },
    { kind: 'booking', subject: 'Review', organizerName: 'Alice', active: true, start: at('09:00'), end: at('10:00') },
  ],
  gaps: [
    { start: at('08:00'), end: at('09:00') },
    { start: at('10:00'), end: at('14:00') },
    { start: at('15:00'), end: at('18:00') },
  ],
};

test('the day lists busy blocks and gaps in time order in the room zone; only gaps still ahead get a Book link, clipped to now', () => {
  const view = presentRoomDay(room, '2026-12-03', day, source, DateTime.fromMillis(at('10:31')));
  assert.deepEqual(
    view.blocks.map((b) => [b.time, b.label, b.detail, b.bookHref]),
    [
      ['08:00–09:00', 'Free', '', null],
      ['09:00–10:00', 'Review', 'Booked by Alice', null],
      ['10:00–14:00', 'Free', '', '10:35-14:00'],
      ['14:00–15:00', 'Board', 'Booked in Outlook', null],
      ['15:00–18:00', 'Free', '', '15:00-18:00'],
    ],
  );
  assert.equal(view.summary, '2 meetings, 3 free gaps');
  assert.equal(view.prevHref, '/rooms/7?date=2026-12-02');
  assert.equal(view.nextHref, '/rooms/7?date=2026-12-04');
  assert.equal(view.todayHref, null);
  assert.equal(view.bookHref, '/bookings/new?roomId=7&date=2026-12-03');
  assert.equal(view.dateLabel, 'Thursday 3 December 2026');
});
