import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { isFree, mergeIntervals, nearestFreeWindows, stripCells, type Interval } from './merge.ts';
import { zoneDay } from '../time/zone-day.ts';

const at = (hhmm: string, date = '2026-03-23') => DateTime.fromISO(`${date}T${hhmm}`, { zone: 'Europe/London' }).toMillis();
const iv = (a: string, b: string, date?: string): Interval => ({ start: at(a, date), end: at(b, date) });
const hhmm = (ms: number) => DateTime.fromMillis(ms, { zone: 'Europe/London' }).toFormat('HH:mm');
const show = (list: Interval[]) => list.map((i) => `${hhmm(i.start)}-${hhmm(i.end)}`);

describe('mergeIntervals()', () => {
  test('joins overlapping and touching intervals and sorts them', () => {
    assert.deepEqual(show(mergeIntervals([iv('11:00', '12:00'), iv('09:00', '10:00'), iv('10:00', '10:30'), iv('11:30', '11:45')])), [
      '09:00-10:30',
      '11:00-12:00',
    ]);
  });
  test('drops empty and reversed intervals', () => {
    assert.deepEqual(mergeIntervals([iv('10:00', '10:00'), iv('11:00', '10:00')]), []);
  });
});

describe('isFree()', () => {
  test('treats back-to-back meetings as free (half-open intervals)', () => {
    assert.equal(isFree([iv('09:00', '10:00')], iv('10:00', '11:00')), true);
    assert.equal(isFree([iv('09:00', '10:01')], iv('10:00', '11:00')), false);
  });
});

describe('stripCells()', () => {
  test('marks cells touched by a meeting busy and the chosen slot chosen, in the room zone', () => {
    const cells = stripCells([iv('08:10', '08:20')], iv('08:00', '09:00'), 30, zoneDay('2026-03-23', 'Europe/London')!, iv('08:30', '09:00'));
    assert.deepEqual(cells, [
      { label: '08:00', busy: true, chosen: false },
      { label: '08:30', busy: false, chosen: true },
    ]);
  });
});

describe('nearestFreeWindows()', () => {
  test('finds the free windows closest to the preferred start on a 15-minute grid', () => {
    const busy = [iv('09:00', '11:00'), iv('12:00', '13:00')];
    const found = nearestFreeWindows(busy, iv('08:00', '18:00'), 60, at('10:00'), at('07:00'));
    assert.deepEqual(show(found), ['11:00-12:00', '08:00-09:00', '13:00-14:00']);
  });
  test('never suggests a time before notBefore or past closing', () => {
    const found = nearestFreeWindows([], iv('08:00', '10:00'), 60, at('08:00'), at('08:50'));
    assert.deepEqual(show(found), ['09:00-10:00']);
  });
  test('finds nothing in a fully booked day', () => {
    assert.deepEqual(nearestFreeWindows([iv('08:00', '18:00')], iv('08:00', '18:00'), 30, at('10:00'), at('07:00')), []);
  });
  test('counts real minutes on the day the clocks go forward', () => {
    // 29 March 2026 in London: 01:00 → 02:00. A 60-minute window from 00:30 ends at 02:30 local.
    const day = iv('00:00', '04:00', '2026-03-29');
    const found = nearestFreeWindows([], day, 60, at('00:30', '2026-03-29'), at('00:00', '2026-03-29'), 30, 1);
    assert.deepEqual(show(found), ['00:30-02:30']);
  });
});
