import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { findSlots, firstFreePerRoom, nextWorkingDays, rowCells, workingIntervals, type PersonCalendar, type RoomCalendar } from './slots.ts';

const at = (iso: string, zone = 'Europe/London') => DateTime.fromISO(iso, { zone }).toMillis();
const hhmm = (ms: number, zone = 'Europe/London') => DateTime.fromMillis(ms, { zone }).toFormat('ccc HH:mm');
const nineToFive = { timeZone: 'Europe/London', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] };

test('working hours are wall-clock times in the person’s own zone, across a clock change', () => {
  // Budapest 09:00–17:00 on a winter Monday is 08:00–16:00 in London.
  const budapest = { ...nineToFive, timeZone: 'Europe/Budapest' };
  const winter = workingIntervals(budapest, at('2026-12-07T00:00'), at('2026-12-08T00:00'));
  assert.deepEqual(
    winter.map((i) => [hhmm(i.start), hhmm(i.end)]),
    [['Mon 08:00', 'Mon 16:00']],
  );
  // New York 09:00–17:00 on Friday 6 March 2026 (before the US change) and Monday 9 March (after): London sees
  // 14:00 then 13:00, though New York's own clock reads 09:00 both days.
  const ny = { ...nineToFive, timeZone: 'America/New_York' };
  const week = workingIntervals(ny, at('2026-03-06T00:00'), at('2026-03-10T00:00'));
  assert.deepEqual(
    week.map((i) => hhmm(i.start)),
    ['Fri 14:00', 'Mon 13:00'],
    'the weekend is not working time',
  );
  assert.deepEqual(
    week.map((i) => hhmm(i.start, 'America/New_York')),
    ['Fri 09:00', 'Mon 09:00'],
  );
});

test('next working days skip the weekend and include the start day', () => {
  assert.deepEqual(nextWorkingDays('2026-12-04', 5), ['2026-12-04', '2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10']);
  assert.deepEqual(nextWorkingDays('2026-12-05', 2), ['2026-12-07', '2026-12-08']);
});

type R = { name: string };
const room = (name: string, capacity: number, busy: [string, string][] = []): RoomCalendar<R> => ({
  room: { name },
  capacity,
  busy: busy.map(([s, e]) => ({ start: at(s), end: at(e) })),
  allowed: () => true,
});
const person = (email: string, required: boolean, busy: [string, string][] = [], hours = nineToFive): PersonCalendar => ({
  email,
  required,
  busy: busy.map(([s, e]) => ({ start: at(s), end: at(e) })),
  working: workingIntervals(hours, at('2026-12-07T00:00'), at('2026-12-12T00:00')),
});
const windows = nextWorkingDays('2026-12-07', 5).map((d) => ({ start: at(`${d}T08:00`), end: at(`${d}T18:00`) }));
const search = (people: PersonCalendar[], rooms: RoomCalendar<R>[], seats = 3, limit = 3) =>
  findSlots({ people, rooms, windows, durationMinutes: 60, stepMinutes: 15, seats, notBefore: at('2026-12-07T00:00'), limit });

test('every required attendee free and at work, and a room with enough seats: the earliest such slot first', () => {
  const out = search(
    [person('alice', true, [['2026-12-07T09:00', '2026-12-07T11:00']]), person('bob', true, [['2026-12-07T11:00', '2026-12-07T12:30']])],
    [room('Small', 2), room('Thames', 4, [['2026-12-07T12:30', '2026-12-07T14:00']]), room('Tyne', 20)],
  );
  // Small never fits three people; Thames is the closer fit once it is free; Tyne seats them at 12:30 already.
  assert.deepEqual(
    out.map((p) => [hhmm(p.slot.start), p.room.name]),
    [
      ['Mon 14:00', 'Thames'],
      ['Mon 15:00', 'Thames'],
      ['Mon 16:00', 'Thames'],
    ],
  );
  assert.deepEqual(
    out[0]!.rooms.map((r) => r.name),
    ['Thames', 'Tyne'],
  );
});

test('ranking: fewest optional attendees busy beats a closer room, which beats an earlier start', () => {
  const out = search(
    [person('alice', true), person('opt', false, [['2026-12-07T09:00', '2026-12-07T12:00']])],
    [room('Thames', 4, [['2026-12-07T12:00', '2026-12-07T17:00']]), room('Tyne', 20)],
    3,
    2,
  );
  // 09:00–12:00 has opt busy; from 12:00 only Tyne (16 spare) is free on Monday; Tuesday has Thames (1 spare) at 09:00.
  assert.deepEqual(
    out.map((p) => [hhmm(p.slot.start), p.room.name, p.optionalBusy.length]),
    [
      ['Tue 09:00', 'Thames', 0],
      ['Tue 10:00', 'Thames', 0],
    ],
  );
});

test('a required attendee abroad limits the day to the overlap of working hours', () => {
  const ny = { ...nineToFive, timeZone: 'America/New_York' };
  const out = search([person('alice', true), person('nyc', true, [], ny)], [room('Thames', 4)], 2, 5);
  // New York's 09:00 is 14:00 in London; alice stops at 17:00: Monday 14:00–17:00 gives three one-hour choices.
  assert.deepEqual(
    out.slice(0, 3).map((p) => hhmm(p.slot.start)),
    ['Mon 14:00', 'Mon 15:00', 'Mon 16:00'],
  );
  assert.equal(hhmm(out[3]!.slot.start), 'Tue 14:00');
});

test('nothing before notBefore, nothing when no room seats everyone, proposals never overlap', () => {
  assert.deepEqual(search([person('alice', true)], [room('Small', 2)], 3), []);
  const late = findSlots({
    people: [person('alice', true)],
    rooms: [room('Tyne', 20)],
    windows,
    durationMinutes: 30,
    stepMinutes: 15,
    seats: 1,
    notBefore: at('2026-12-07T16:20'),
    limit: 3,
  });
  assert.deepEqual(
    late.map((p) => hhmm(p.slot.start)),
    ['Mon 16:30', 'Tue 09:00', 'Tue 09:30'],
  );
});

test('grid cells: busy, outside working hours, free', () => {
  const cells = rowCells(
    [{ start: at('2026-12-07T09:00'), end: at('2026-12-07T09:30') }],
    [{ start: at('2026-12-07T09:00'), end: at('2026-12-07T17:00') }],
    { start: at('2026-12-07T08:00'), end: at('2026-12-07T10:00') },
    30,
  );
  assert.deepEqual(
    cells.map((c) => c.state),
    ['off', 'off', 'busy', 'free'],
  );
  assert.deepEqual(
    rowCells([], null, { start: 0, end: 60 * 60_000 }, 30).map((c) => c.state),
    ['free', 'free'],
  );
});

test('"book now" takes the earliest slot whatever the fit', () => {
  const out = findSlots({
    people: [person('alice', true)],
    rooms: [room('Thames', 4, [['2026-12-07T09:00', '2026-12-07T12:00']]), room('Tyne', 20)],
    windows,
    durationMinutes: 30,
    stepMinutes: 15,
    seats: 1,
    notBefore: at('2026-12-07T09:00'),
    limit: 1,
    earliestFirst: true,
  });
  assert.deepEqual(
    out.map((p) => [hhmm(p.slot.start), p.room.name]),
    [['Mon 09:00', 'Tyne']],
  );
});

test('search across days: each room’s first free slots in its own windows, earliest room first', () => {
  const win = (d: string, s: string, e: string) => ({ start: at(`${d}T${s}`), end: at(`${d}T${e}`) });
  const afternoons = ['2026-12-07', '2026-12-08'].map((d) => win(d, '12:00', '18:00'));
  const rooms = [
    { ...room('Thames', 4, [['2026-12-07T12:00', '2026-12-07T18:00']]), windows: afternoons },
    { ...room('Tyne', 20, [['2026-12-07T12:00', '2026-12-07T15:30']]), windows: afternoons },
    { ...room('Small', 2), windows: afternoons },
  ];
  const out = firstFreePerRoom(rooms, { durationMinutes: 60, stepMinutes: 15, seats: 3, notBefore: 0, perRoom: 2 });
  assert.deepEqual(
    out.map((r) => [r.room.name, ...r.slots.map((s) => hhmm(s.start))]),
    [
      ['Tyne', 'Mon 15:30', 'Mon 16:30'],
      ['Thames', 'Tue 12:00', 'Tue 13:00'],
    ],
  );
});
