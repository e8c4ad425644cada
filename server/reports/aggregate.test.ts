import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { aggregate, hourTable, mergeIntervals, noShowRate, rankRooms, usedHours, utilisation, type ReportItem, type ReportRoom } from './aggregate.ts';

const HOUR = 3_600_000;
const at = (local: string, zone: string) => DateTime.fromISO(local, { zone }).toMillis();
const BUD = 'Europe/Budapest';
const LON = 'Europe/London';

// 2026-03-29 is the spring-forward Sunday in both zones (Budapest skips 02:00–03:00, London 01:00–02:00).
const rooms: ReportRoom[] = [
  { id: 1, name: 'Alpha', building: 'North', floor: '1', capacity: 8, timeZone: BUD, opensAt: '08:00', closesAt: '18:00' },
  { id: 2, name: 'Bravo', building: 'North', floor: '2', capacity: 4, timeZone: LON, opensAt: '09:00', closesAt: '17:00' },
  { id: 3, name: 'Charlie', building: 'South', floor: '1', capacity: 8, timeZone: BUD, opensAt: '08:00', closesAt: '18:00' },
];
const items: ReportItem[] = [
  // 01:00 CET to 04:00 CEST is two hours of real time, outside opening hours; Sunday local hours 1 and 3.
  { roomId: 1, start: at('2026-03-29T01:00', BUD), end: at('2026-03-29T04:00', BUD), people: 2 },
  { roomId: 1, start: at('2026-03-30T10:00', BUD), end: at('2026-03-30T12:00', BUD), people: 2 },
  // An Outlook meeting overlapping the one above by an hour: the union is 10:00–13:00.
  { roomId: 1, start: at('2026-03-30T11:00', BUD), end: at('2026-03-30T13:00', BUD), people: null },
  { roomId: 2, start: at('2026-03-30T09:00', LON), end: at('2026-03-30T10:30', LON), people: 4 },
  // Starts the evening before the period: its last half hour counts as booked time, not as a booking.
  { roomId: 2, start: at('2026-03-28T23:00', LON), end: at('2026-03-29T00:30', LON), people: 3 },
  // A room outside the report.
  { roomId: 99, start: at('2026-03-30T10:00', BUD), end: at('2026-03-30T11:00', BUD), people: 2 },
];
const period = { from: '2026-03-29', to: '2026-03-30' };
const now = at('2026-04-01T00:00', BUD);

describe('utilisation aggregate', () => {
  const r = aggregate(rooms, items, period, now);
  const room = (id: number) => r.rooms.find((l) => l.room.id === id)!;

  test('the hour table has 23 local hours on a spring-forward day and 25 on a fall-back day', () => {
    assert.equal(hourTable(BUD, { from: '2026-03-29', to: '2026-03-29' }).starts.length, 23);
    assert.equal(hourTable(BUD, { from: '2026-10-25', to: '2026-10-25' }).starts.length, 25);
    const t = hourTable(BUD, { from: '2026-03-29', to: '2026-03-29' });
    assert.deepEqual(t.hours.slice(0, 4), [0, 1, 3, 4]);
    assert.equal(t.end - t.starts[0]!, 23 * HOUR);
  });

  test('booked hours are the union per room, clipped to the period in the room’s zone', () => {
    assert.equal(room(1).bookedMs, 5 * HOUR);
    assert.equal(room(1).bookedOpenMs, 3 * HOUR);
    assert.equal(room(1).bookings, 3);
    assert.equal(room(2).bookedMs, 2 * HOUR);
    assert.equal(room(2).bookedOpenMs, 1.5 * HOUR);
    assert.equal(room(2).bookings, 1);
    assert.equal(room(3).bookedMs, 0);
  });

  test('bookable hours come from opening hours on every day of the period, the DST day included', () => {
    assert.equal(room(1).bookableMs, 20 * HOUR);
    assert.equal(room(2).bookableMs, 16 * HOUR);
    assert.equal(utilisation(room(1)), 0.15);
    assert.equal(utilisation(room(2)), 1.5 / 16);
    assert.equal(utilisation(room(3)), 0);
  });

  test('floors, buildings and the total add up the rooms', () => {
    assert.deepEqual(
      r.floors.map((f) => [f.building, f.floor, f.bookedMs / HOUR]),
      [
        ['North', '1', 5],
        ['North', '2', 2],
        ['South', '1', 0],
      ],
    );
    assert.deepEqual(
      r.buildings.map((b) => [b.building, b.bookedMs / HOUR, b.bookableMs / HOUR, b.rooms]),
      [
        ['North', 7, 36, 2],
        ['South', 0, 20, 1],
      ],
    );
    assert.equal(r.total.bookedMs, 7 * HOUR);
    assert.equal(r.total.bookableMs, 56 * HOUR);
    assert.equal(r.total.bookings, 4);
  });

  test('the heat map uses each room’s wall-clock hours, skipping the hour DST removes', () => {
    const sun = 7;
    const mon = 1;
    assert.equal(r.heat.bookedMs[sun]![1], HOUR);
    assert.equal(r.heat.bookedMs[sun]![2], 0);
    assert.equal(r.heat.bookedMs[sun]![3], HOUR);
    assert.equal(r.heat.bookedMs[sun]![0], 0.5 * HOUR);
    assert.equal(r.heat.bookedMs[mon]![9], HOUR);
    assert.equal(r.heat.bookedMs[mon]![10], 1.5 * HOUR);
    assert.equal(r.heat.bookedMs[mon]![11], HOUR);
    assert.equal(r.heat.bookedMs[mon]![12], HOUR);
    // Sunday 01:00 exists in Budapest (two rooms) but not in London; 02:00 only in London.
    assert.equal(r.heat.totalMs[sun]![1], 2 * HOUR);
    assert.equal(r.heat.totalMs[sun]![2], HOUR);
    assert.equal(r.heat.totalMs[mon]![10], 3 * HOUR);
  });

  test('a fall-back night counts the repeated hour twice in the same cell', () => {
    const oct = aggregate(
      [rooms[0]!],
      [{ roomId: 1, start: Date.parse('2026-10-24T23:30:00Z'), end: Date.parse('2026-10-25T02:30:00Z'), people: 1 }],
      { from: '2026-10-25', to: '2026-10-25' },
      now,
    );
    assert.equal(oct.rooms[0]!.bookedMs, 3 * HOUR);
    assert.deepEqual(
      [1, 2, 3].map((h) => oct.heat.bookedMs[7]![h]! / HOUR),
      [0.5, 2, 0.5],
    );
    assert.equal(oct.heat.totalMs[7]![2], 2 * HOUR);
    assert.equal(oct.rooms[0]!.bookableMs, 10 * HOUR);
  });

  test('seats booked against capacity, by room size (unknown people left out)', () => {
    assert.deepEqual(
      r.seats.map((s) => [s.capacity, s.rooms, s.bookings, s.typicalPeople, s.typicalShare, s.meanFill]),
      [
        [4, 1, 1, 4, 1, 1],
        [8, 2, 2, 2, 1, 0.25],
      ],
    );
  });

  test('check-in is off: used hours and no-show rate are unknown, not zero', () => {
    assert.equal(r.checkInRecorded, false);
    assert.equal(usedHours(r.total), null);
    assert.equal(noShowRate(r.total), null);
  });

  test('with check-in times, used hours run from check-in to end and no-shows are past bookings nobody checked in to', () => {
    const d = '2026-03-30';
    const checked = aggregate(
      [rooms[0]!],
      [
        { roomId: 1, start: at(`${d}T09:00`, BUD), end: at(`${d}T10:00`, BUD), people: 2, checkedInAt: at(`${d}T09:15`, BUD) },
        { roomId: 1, start: at(`${d}T11:00`, BUD), end: at(`${d}T12:00`, BUD), people: 2, checkedInAt: null },
        // Still to come at `now`: neither used nor a no-show yet.
        { roomId: 1, start: at(`${d}T15:00`, BUD), end: at(`${d}T16:00`, BUD), people: 2, checkedInAt: null },
      ],
      { from: d, to: d },
      at(`${d}T13:00`, BUD),
    );
    assert.equal(checked.checkInRecorded, true);
    assert.equal(usedHours(checked.total), 0.75);
    assert.equal(noShowRate(checked.total), 0.5);
  });

  test('ranking puts the busiest room first', () => {
    assert.deepEqual(
      rankRooms(r.rooms).map((l) => l.room.name),
      ['Alpha', 'Bravo', 'Charlie'],
    );
  });

  test('mergeIntervals joins overlapping and touching spans', () => {
    assert.deepEqual(
      mergeIntervals([
        { start: 5, end: 7 },
        { start: 1, end: 3 },
        { start: 3, end: 4 },
        { start: 6, end: 9 },
      ]),
      [
        { start: 1, end: 4 },
        { start: 5, end: 9 },
      ],
    );
  });
});

describe('hour table against luxon', () => {
  test('every local hour of a year matches luxon in zones with and without DST, and one that springs forward at midnight', () => {
    for (const zone of ['Europe/Budapest', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'America/Santiago', 'UTC']) {
      const t = hourTable(zone, { from: '2026-01-01', to: '2026-12-31' });
      let at = DateTime.fromISO('2026-01-01', { zone });
      for (let i = 0; i < t.starts.length; i++, at = at.plus({ hours: 1 })) {
        assert.equal(t.starts[i], at.toMillis(), `${zone} #${i}`);
        assert.equal(t.hours[i], at.hour, `${zone} #${i} hour`);
      }
      assert.equal(t.end, DateTime.fromISO('2027-01-01', { zone }).toMillis(), zone);
    }
  });
});
