import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime, FixedOffsetZone } from 'luxon';
import { makeRoom } from './fixtures/room.ts';
import { checkBookingRules, checkCapacity, localToInstant } from './rules.ts';

const room = makeRoom();

const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' }).toUTC();
const now = london('2026-03-20T09:00');
const slot = (a: string, b: string) => ({ start: london(a), end: london(b) });

describe('checkBookingRules()', () => {
  test('accepts a slot inside the hours, the length and the horizon', () => {
    assert.deepEqual(checkBookingRules(room, slot('2026-03-23T10:00', '2026-03-23T11:00'), now), {});
  });

  test('rejects an end equal to the start, and a zero-length slot names the end field', () => {
    assert.deepEqual(checkBookingRules(room, slot('2026-03-23T10:00', '2026-03-23T10:00'), now), { end: 'End time must be after the start time.' });
    assert.deepEqual(checkBookingRules(room, slot('2026-03-23T10:00', '2026-03-23T09:00'), now), { end: 'End time must be after the start time.' });
  });

  test('accepts the exact opening and closing times and rejects a minute outside them', () => {
    assert.deepEqual(checkBookingRules(room, slot('2026-03-23T07:00', '2026-03-23T08:00'), now), {});
    assert.deepEqual(checkBookingRules(room, slot('2026-03-23T19:00', '2026-03-23T20:00'), now), {});
    assert.deepEqual(checkBookingRules(room, slot('2026-03-23T06:59', '2026-03-23T08:00'), now), {
      start: 'Thames can be booked from 07:00 (United Kingdom Time).',
    });
    assert.deepEqual(checkBookingRules(room, slot('2026-03-23T19:00', '2026-03-23T20:01'), now), {
      end: 'Thames can be booked until 20:00 (United Kingdom Time).',
    });
  });

  test('rejects a slot that runs past midnight into the next day', () => {
    assert.ok(checkBookingRules(room, slot('2026-03-23T19:00', '2026-03-24T08:00'), now).end);
  });

  test('checks opening hours in the room zone, not in UTC or the process zone', () => {
    // 07:30 in London on 30 March 2026 (BST) is 06:30 UTC: allowed although it is before 07:00 UTC.
    assert.deepEqual(checkBookingRules(room, slot('2026-03-30T07:30', '2026-03-30T08:00'), now), {});
    const berlin = { ...room, timeZone: 'Europe/Berlin' };
    // 07:30 London is 08:30 Berlin: fine in Berlin; 19:30–20:30 London is 20:30–21:30 Berlin: too late there.
    assert.ok(checkBookingRules(berlin, slot('2026-03-23T19:30', '2026-03-23T20:30'), now).end);
  });

  test('measures the length in real minutes across the spring DST change', () => {
    // 29 March 2026: London clocks go 01:00 → 02:00; a room open all night sees 00:30–04:30 as 3 hours.
    const night = { ...room, opensAt: '00:00', closesAt: '23:59', maxDurationMinutes: 180 };
    const start = DateTime.fromISO('2026-03-29T00:30', { zone: 'Europe/London' });
    const s = { start: start.toUTC(), end: DateTime.fromISO('2026-03-29T04:30', { zone: 'Europe/London' }).toUTC() };
    assert.equal(s.end.diff(s.start, 'hours').hours, 3);
    assert.deepEqual(checkBookingRules(night, s, now), {});
  });

  test('rejects a slot longer than the maximum by one minute, accepts it at the maximum', () => {
    assert.deepEqual(checkBookingRules(room, slot('2026-03-23T08:00', '2026-03-23T12:00'), now), {});
    assert.deepEqual(checkBookingRules(room, slot('2026-03-23T08:00', '2026-03-23T12:01'), now), { end: 'Bookings of Thames can last at most 4 h.' });
  });

  test('rejects a start in the past beyond a five-minute grace', () => {
    assert.deepEqual(checkBookingRules(room, slot('2026-03-20T08:56', '2026-03-20T10:00'), now), {});
    assert.deepEqual(checkBookingRules(room, slot('2026-03-20T08:54', '2026-03-20T10:00'), now), {
      start: 'This time has already passed. Choose a later start.',
    });
  });

  test('accepts the last day of the horizon and rejects the day after', () => {
    assert.deepEqual(checkBookingRules(room, slot('2026-04-19T10:00', '2026-04-19T11:00'), now), {});
    assert.deepEqual(checkBookingRules(room, slot('2026-04-20T10:00', '2026-04-20T11:00'), now), { date: 'Thames can be booked at most 30 days ahead.' });
  });

  test('refuses an inactive room', () => {
    assert.deepEqual(checkBookingRules({ ...room, active: false }, slot('2026-03-23T10:00', '2026-03-23T11:00'), now), {
      roomId: 'This room is not available for booking.',
    });
  });
});

describe('checkCapacity()', () => {
  test('warns only above the number of seats', () => {
    assert.equal(checkCapacity(room, 6), null);
    assert.equal(checkCapacity(room, 7), '7 people is more than Thames seats (6).');
  });
});

describe('localToInstant()', () => {
  test('converts wall-clock time in the zone to UTC on both sides of DST', () => {
    assert.equal(localToInstant('2026-03-28', '10:00', 'Europe/London')?.toISO(), '2026-03-28T10:00:00.000Z');
    assert.equal(localToInstant('2026-03-30', '10:00', 'Europe/London')?.toISO(), '2026-03-30T09:00:00.000Z');
    assert.equal(localToInstant('2026-03-30', '10:00', 'America/New_York')?.toISO(), '2026-03-30T14:00:00.000Z');
  });

  test('returns null for a time skipped by the spring change and for nonsense', () => {
    assert.equal(localToInstant('2026-03-29', '01:30', 'Europe/London'), null);
    assert.equal(localToInstant('2026-02-30', '10:00', 'Europe/London'), null);
    assert.equal(localToInstant('2026-03-29', '25:00', 'Europe/London'), null);
  });

  test('resolves an ambiguous autumn time to its first occurrence', () => {
    assert.equal(localToInstant('2026-10-25', '01:30', 'Europe/London')?.toISO(), '2026-10-25T00:30:00.000Z');
  });
});

describe('the epoch arithmetic agrees with luxon', () => {
  /** The luxon reading localToInstant had before (issue 13), kept here as the reference. */
  const byLuxon = (date: string, time: string, zone: string): string | null => {
    const t = DateTime.fromISO(`${date}T${time}`, { zone });
    if (!t.isValid || t.toFormat('yyyy-MM-dd') !== date || t.toFormat('HH:mm') !== time) return null;
    const earlier = t.minus({ hours: 3 }).offset;
    if (earlier === t.offset) return t.toUTC().toISO();
    const candidate = DateTime.fromISO(`${date}T${time}`, { zone: FixedOffsetZone.instance(earlier) }).setZone(zone);
    return (candidate.toFormat('yyyy-MM-dd HH:mm') === `${date} ${time}` && candidate < t ? candidate : t).toUTC().toISO();
  };
  const zones = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];
  const days = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01', '2026-07-01'];

  test('localToInstant() at every quarter hour of DST-change days in zones with odd offsets', () => {
    for (const zone of zones)
      for (const date of days)
        for (let m = 0; m < 24 * 60; m += 15) {
          const time = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
          assert.equal(localToInstant(date, time, zone)?.toISO() ?? null, byLuxon(date, time, zone), `${zone} ${date} ${time}`);
        }
  });

  test('checkBookingRules() gives the same answers as luxon for opening hours and the horizon across zones', () => {
    for (const zone of zones) {
      const r = makeRoom({ timeZone: zone, opensAt: '08:00', closesAt: '18:00', horizonDays: 10 });
      const at = DateTime.fromISO('2026-03-20T09:00', { zone });
      for (const [date, a, b] of [
        ['2026-03-23', '08:00', '09:00'],
        ['2026-03-23', '07:59', '09:00'],
        ['2026-03-23', '17:00', '18:00'],
        ['2026-03-23', '17:00', '18:01'],
        ['2026-03-31', '10:00', '11:00'],
        ['2026-04-01', '10:00', '11:00'],
      ] as const) {
        const s = { start: localToInstant(date, a, zone)!, end: localToInstant(date, b, zone)! };
        const local = s.start.setZone(zone);
        const want: Record<string, boolean> = {
          start: s.start < local.startOf('day').set({ hour: 8 }),
          end: s.end > local.startOf('day').set({ hour: 18 }),
          date: local >= at.startOf('day').plus({ days: 11 }),
        };
        const got = checkBookingRules(r, s, at);
        for (const field of ['start', 'end', 'date']) assert.equal(field in got, want[field], `${zone} ${date} ${a}-${b} ${field}`);
      }
    }
  });
});
