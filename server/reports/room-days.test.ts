import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { aggregate, type ReportItem, type ReportRoom, type UtilisationReport } from './aggregate.ts';
import { combineDays, summariseDays, type DaySummary, type RawItem } from './room-days.ts';

const HOUR = 3_600_000;
const MIN = 60_000;

// A small seeded generator, so a failure is the same on every run.
function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const rooms: ReportRoom[] = [
  { id: 1, name: 'Alpha', building: 'North', floor: '1', capacity: 8, timeZone: 'Europe/Budapest', opensAt: '08:00', closesAt: '18:00' },
  { id: 2, name: 'Bravo', building: 'North', floor: '2', capacity: 4, timeZone: 'Europe/London', opensAt: '09:00', closesAt: '17:00' },
  { id: 3, name: 'Charlie', building: 'South', floor: '1', capacity: 12, timeZone: 'America/New_York', opensAt: '07:30', closesAt: '19:15' },
  { id: 4, name: 'Delta', building: 'South', floor: '1', capacity: 2, timeZone: 'Asia/Kolkata', opensAt: '00:00', closesAt: '23:59' },
  { id: 5, name: 'Echo', building: 'West', floor: '3', capacity: 6, timeZone: 'Pacific/Kiritimati', opensAt: '08:00', closesAt: '18:00' },
];

// Both spring-forward days (Europe 29 March, US 8 March) inside the period; Kolkata is half an hour off the hour.
// (Not Lord Howe: its half-hour DST change makes aggregate()'s opening span of that day reach into the next, see
// hourTable; the summaries keep each day's to its day.)
const period = { from: '2026-03-01', to: '2026-04-10' };
const now = DateTime.fromISO('2026-04-06T12:00', { zone: 'utc' }).toMillis();

function randomItems(seed: number): RawItem[] {
  const r = rng(seed);
  const base = DateTime.fromISO('2026-02-27', { zone: 'utc' }).toMillis();
  const items: RawItem[] = [];
  for (let i = 0; i < 1500; i++) {
    const roomId = 1 + Math.floor(r() * 5);
    const start = base + Math.floor(r() * 46 * 96) * 15 * MIN;
    const kindRoll = r();
    const kind: RawItem['kind'] = kindRoll < 0.2 ? 'outlook' : kindRoll < 0.3 ? 'released' : 'held';
    // Outlook meetings may last days; app bookings at most a day.
    const length = kind === 'outlook' && r() < 0.1 ? Math.floor(r() * 72) * HOUR : (1 + Math.floor(r() * 16)) * 15 * MIN;
    const checkedRoll = r();
    items.push({
      roomId,
      start,
      end: start + length,
      people: kind === 'outlook' ? null : 1 + Math.floor(r() * 14),
      kind,
      checkedInAt: kind === 'held' && checkedRoll < 0.6 ? start + Math.floor(r() * 20) * MIN : null,
      exempt: kind === 'held' && checkedRoll > 0.9,
    });
  }
  return items;
}

/** What service.ts handed aggregate() before the summaries, for the same rows. */
const asReportItems = (items: RawItem[], checkinOn: Set<number>): ReportItem[] =>
  items.map((it) => ({
    roomId: it.roomId,
    start: it.start,
    end: it.end,
    people: it.people,
    ...(it.kind === 'released' ? { checkedInAt: null } : it.kind === 'held' && checkinOn.has(it.roomId) && !it.exempt ? { checkedInAt: it.checkedInAt } : {}),
  }));

function assertSameReport(got: UtilisationReport, want: UtilisationReport): void {
  assert.equal(got.checkInRecorded, want.checkInRecorded);
  const strip = (l: { room?: ReportRoom }) => ({ ...l, room: l.room?.id });
  assert.deepEqual(got.rooms.map(strip), want.rooms.map(strip));
  assert.deepEqual(got.floors, want.floors);
  assert.deepEqual(got.buildings, want.buildings);
  assert.deepEqual(got.total, want.total);
  assert.deepEqual(got.heat, want.heat);
  assert.equal(got.seats.length, want.seats.length);
  got.seats.forEach((s, i) => {
    const w = want.seats[i]!;
    assert.deepEqual({ ...s, meanFill: 0 }, { ...w, meanFill: 0 });
    // Summed in another order: equal up to rounding.
    assert.ok(Math.abs(s.meanFill - w.meanFill) < 1e-9, `${s.meanFill} vs ${w.meanFill}`);
  });
}

const daysOf = (items: RawItem[], from: string, to: string, at = now): DaySummary[] =>
  rooms.flatMap((room) =>
    summariseDays(
      room,
      items.filter((i) => i.roomId === room.id),
      { from, to },
      at,
    ),
  );

test('the sum of day summaries is the aggregate over the period, across DST days and zones, with check-in on and off', () => {
  for (const seed of [1, 2, 3]) {
    const items = randomItems(seed);
    for (const checkinOn of [new Set<number>(), new Set([1, 3, 4]), new Set([1, 2, 3, 4, 5])]) {
      const want = aggregate(rooms, asReportItems(items, checkinOn), period, now);
      assertSameReport(combineDays(rooms, daysOf(items, period.from, period.to), period, checkinOn), want);
    }
  }
});

test('days summarised in separate spans (stored and live) add up to the same report', () => {
  const items = randomItems(7);
  const checkinOn = new Set([2, 5]);
  const want = aggregate(rooms, asReportItems(items, checkinOn), period, now);
  const split = [...daysOf(items, '2026-03-01', '2026-03-17'), ...daysOf(items, '2026-03-18', '2026-03-29'), ...daysOf(items, '2026-03-30', '2026-04-10')];
  assertSameReport(combineDays(rooms, split, period, checkinOn), want);
  // Days outside the period are ignored.
  assertSameReport(combineDays(rooms, [...split, ...daysOf(items, '2026-04-11', '2026-04-12')], period, checkinOn), want);
});

test('a day summary holds nothing that depends on capacity or check-in settings', () => {
  const items = randomItems(9);
  const a = daysOf(items, period.from, period.to);
  const bigger = rooms.map((r) => ({ ...r, capacity: r.capacity * 3 }));
  const b = bigger.flatMap((room) =>
    summariseDays(
      room,
      items.filter((i) => i.roomId === room.id),
      period,
      now,
    ),
  );
  assert.deepEqual(a, b);
});
