import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { localToInstant } from '../bookings/rules.ts';
import { zoneDay } from './zone-day.ts';

const ZONE = 'Europe/Budapest';
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('zoneDay() in Europe/Budapest', () => {
  test('an ordinary winter and summer day: one offset all day', () => {
    assert.equal(iso(zoneDay('2026-01-15', ZONE)!.instant('10:00')), '2026-01-15T09:00:00.000Z');
    assert.equal(iso(zoneDay('2026-07-15', ZONE)!.instant('10:00')), '2026-07-15T08:00:00.000Z');
    assert.equal(zoneDay('2026-07-15', ZONE)!.label(Date.parse('2026-07-15T08:30:00Z')), '10:30');
  });

  test('spring forward (29 March 2026, 02:00 → 03:00): the skipped hour has no instant, the hours around it do', () => {
    const day = zoneDay('2026-03-29', ZONE)!;
    assert.equal(iso(day.instant('01:59')), '2026-03-29T00:59:00.000Z');
    assert.equal(day.instant('02:00'), null);
    assert.equal(day.instant('02:30'), null);
    assert.equal(iso(day.instant('03:00')), '2026-03-29T01:00:00.000Z');
    assert.equal(iso(day.instant('00:00')), '2026-03-28T23:00:00.000Z');
    assert.equal(day.label(Date.parse('2026-03-29T00:59:00Z')), '01:59');
    assert.equal(day.label(Date.parse('2026-03-29T01:00:00Z')), '03:00');
  });

  test('fall back (25 October 2026, 03:00 → 02:00): an ambiguous time is its first occurrence', () => {
    const day = zoneDay('2026-10-25', ZONE)!;
    assert.equal(iso(day.instant('02:30')), '2026-10-25T00:30:00.000Z');
    assert.equal(iso(day.instant('03:00')), '2026-10-25T02:00:00.000Z');
    assert.equal(iso(day.instant('01:00')), '2026-10-24T23:00:00.000Z');
    assert.equal(day.label(Date.parse('2026-10-25T00:30:00Z')), '02:30');
    assert.equal(day.label(Date.parse('2026-10-25T01:30:00Z')), '02:30', 'the second 02:30');
    assert.equal(day.localDate(Date.parse('2026-10-24T22:30:00Z')), '2026-10-25');
  });

  test('agrees with localToInstant() and luxon at every quarter hour of both change days and an ordinary one', () => {
    for (const date of ['2026-03-29', '2026-10-25', '2026-06-01']) {
      const day = zoneDay(date, ZONE)!;
      for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
        const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
        const expected = localToInstant(date, hhmm, ZONE);
        assert.equal(day.instant(hhmm), expected ? expected.toMillis() : null, `${date} ${hhmm}`);
        const ms = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
        assert.equal(day.label(ms), DateTime.fromMillis(ms, { zone: ZONE }).toFormat('HH:mm'), `label ${date} +${minutes}m`);
      }
    }
  });

  test('a date that does not exist has no day', () => {
    assert.equal(zoneDay('2026-02-30', ZONE), null);
  });
});
