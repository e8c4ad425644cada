import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { makeRoom } from './fixtures/room.ts';
import {
  availabilityPerOccurrence,
  checkSeriesRules,
  describeSeries,
  expandRRule,
  MAX_OCCURRENCES,
  planSeries,
  splitSeries,
  toRRule,
  type Recurrence,
  type SeriesStart,
} from './recurrence.ts';

const london: SeriesStart = { date: '2027-03-23', start: '10:00', end: '11:00', zone: 'Europe/London' };
const utcTimes = (occ: { start: DateTime | null }[]) => occ.map((o) => o.start?.toUTC().toISO({ suppressMilliseconds: true }));

const room = makeRoom();

describe('toRRule()', () => {
  test('weekly on chosen days, counted; days sorted and unique', () => {
    const rec: Recurrence = { pattern: { kind: 'weekly', interval: 1, days: ['TH', 'TU', 'TH'] }, end: { count: 12 } };
    assert.equal(toRRule(rec, london), 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=12');
  });

  test('UNTIL is the end of the local day in UTC (London summer time is UTC+1)', () => {
    const rec: Recurrence = { pattern: { kind: 'daily', interval: 1 }, end: { until: '2027-06-30' } };
    assert.equal(toRRule(rec, london), 'FREQ=DAILY;INTERVAL=1;UNTIL=20270630T225959Z');
  });

  test('every weekday, every other week, monthly by day and by "second Tuesday", last Friday', () => {
    assert.equal(toRRule({ pattern: { kind: 'weekdays' }, end: { count: 5 } }, london), 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR;COUNT=5;WKST=SU');
    assert.equal(
      toRRule({ pattern: { kind: 'weekly', interval: 2, days: ['MO'] }, end: { count: 3 } }, london),
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=3;WKST=SU',
    );
    assert.equal(
      toRRule({ pattern: { kind: 'monthly-day', interval: 1, day: 15 }, end: { count: 3 } }, london),
      'FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15;COUNT=3',
    );
    assert.equal(
      toRRule({ pattern: { kind: 'monthly-nth', interval: 1, week: 2, weekday: 'TU' }, end: { count: 3 } }, london),
      'FREQ=MONTHLY;INTERVAL=1;BYDAY=2TU;COUNT=3',
    );
    assert.equal(
      toRRule({ pattern: { kind: 'monthly-nth', interval: 1, week: -1, weekday: 'FR' }, end: { count: 3 } }, london),
      'FREQ=MONTHLY;INTERVAL=1;BYDAY=-1FR;COUNT=3',
    );
  });

  test('the RRULE parses back with ical.js unchanged in meaning', () => {
    const rule = toRRule({ pattern: { kind: 'weekly', interval: 1, days: ['TU', 'TH'] }, end: { until: '2027-02-25' } }, london);
    const parsed = ICAL.Recur.fromString(rule);
    assert.equal(parsed.freq, 'WEEKLY');
    assert.deepEqual(parsed.getComponent('byday'), ['TU', 'TH']);
  });
});

describe('expandRRule() keeps the wall clock across DST', () => {
  test('weekly 10:00 London across the spring change of 28 Mar 2027: 10:00 GMT, then 09:00 UTC', () => {
    const occ = expandRRule('FREQ=WEEKLY;BYDAY=TU;COUNT=3', london);
    assert.deepEqual(
      occ.map((o) => o.date),
      ['2027-03-23', '2027-03-30', '2027-04-06'],
    );
    assert.deepEqual(utcTimes(occ), ['2027-03-23T10:00:00Z', '2027-03-30T09:00:00Z', '2027-04-06T09:00:00Z']);
    assert.deepEqual(
      occ.map((o) => o.end!.diff(o.start!, 'minutes').minutes),
      [60, 60, 60],
    );
  });

  test('weekly 10:00 London across the autumn change of 31 Oct 2027', () => {
    const occ = expandRRule('FREQ=WEEKLY;BYDAY=TU;COUNT=2', { ...london, date: '2027-10-26' });
    assert.deepEqual(utcTimes(occ), ['2027-10-26T09:00:00Z', '2027-11-02T10:00:00Z']);
  });

  test('New York: both 2027 changes (14 Mar and 7 Nov)', () => {
    const ny: SeriesStart = { date: '2027-03-08', start: '09:30', end: '10:00', zone: 'America/New_York' };
    assert.deepEqual(utcTimes(expandRRule('FREQ=WEEKLY;BYDAY=MO;COUNT=2', ny)), ['2027-03-08T14:30:00Z', '2027-03-15T13:30:00Z']);
    assert.deepEqual(utcTimes(expandRRule('FREQ=WEEKLY;BYDAY=MO;COUNT=2', { ...ny, date: '2027-11-01' })), ['2027-11-01T13:30:00Z', '2027-11-08T14:30:00Z']);
  });

  test('a local time the clocks skip makes that one occurrence invalid, not the series', () => {
    const occ = expandRRule('FREQ=DAILY;COUNT=3', { date: '2027-03-27', start: '01:30', end: '02:00', zone: 'Europe/London' });
    assert.deepEqual(
      occ.map((o) => o.start === null),
      [false, true, false],
    );
  });

  test('UNTIL is compared as an instant: the last day of a series ending 25 Feb is included', () => {
    const rule = toRRule({ pattern: { kind: 'weekly', interval: 1, days: ['TU', 'TH'] }, end: { until: '2027-02-25' } }, london);
    const occ = expandRRule(rule, { ...london, date: '2027-02-16' });
    assert.deepEqual(
      occ.map((o) => o.date),
      ['2027-02-16', '2027-02-18', '2027-02-23', '2027-02-25'],
    );
  });

  test('EXDATE dates are left out; a rule without end stops one past the limit', () => {
    assert.deepEqual(
      expandRRule('FREQ=DAILY;COUNT=3', london, { exdates: ['2027-03-24'] }).map((o) => o.date),
      ['2027-03-23', '2027-03-25'],
    );
    assert.equal(expandRRule('FREQ=DAILY', london, { limit: 10 }).length, 11);
  });
});

describe('planSeries()', () => {
  test('monthly on the second Tuesday from a second Tuesday', () => {
    const plan = planSeries({ pattern: { kind: 'monthly-nth', interval: 1, week: 2, weekday: 'TU' }, end: { count: 4 } }, { ...london, date: '2027-01-12' });
    assert.deepEqual(plan.problems, {});
    assert.deepEqual(
      plan.occurrences.map((o) => o.date),
      ['2027-01-12', '2027-02-09', '2027-03-09', '2027-04-13'],
    );
  });

  test('the last Friday of the month', () => {
    const plan = planSeries({ pattern: { kind: 'monthly-nth', interval: 1, week: -1, weekday: 'FR' }, end: { count: 3 } }, { ...london, date: '2027-01-29' });
    assert.deepEqual(
      plan.occurrences.map((o) => o.date),
      ['2027-01-29', '2027-02-26', '2027-03-26'],
    );
  });

  test('every weekday skips the weekend', () => {
    const plan = planSeries({ pattern: { kind: 'weekdays' }, end: { count: 6 } }, { ...london, date: '2027-03-25' });
    assert.deepEqual(
      plan.occurrences.map((o) => o.date),
      ['2027-03-25', '2027-03-26', '2027-03-29', '2027-03-30', '2027-03-31', '2027-04-01'],
    );
  });

  test('every other Monday', () => {
    const plan = planSeries({ pattern: { kind: 'weekly', interval: 2, days: ['MO'] }, end: { count: 3 } }, { ...london, date: '2027-03-22' });
    assert.deepEqual(
      plan.occurrences.map((o) => o.date),
      ['2027-03-22', '2027-04-05', '2027-04-19'],
    );
  });

  test('a first date that is not one of the chosen days is a field error', () => {
    const plan = planSeries({ pattern: { kind: 'weekly', interval: 1, days: ['MO', 'WE'] }, end: { count: 3 } }, london);
    assert.match(plan.problems.date ?? '', /not one of the chosen days \(Monday and Wednesday\)/);
  });

  test('end before the first date, and too many occurrences, are refused', () => {
    assert.ok(planSeries({ pattern: { kind: 'daily', interval: 1 }, end: { until: '2027-03-01' } }, london).problems.repeatUntil);
    assert.ok(planSeries({ pattern: { kind: 'daily', interval: 1 }, end: { count: MAX_OCCURRENCES + 1 } }, london).problems.repeatCount);
    assert.ok(planSeries({ pattern: { kind: 'daily', interval: 1 }, end: { until: '2030-01-01' } }, london).problems.repeatUntil);
  });
});

describe('describeSeries()', () => {
  test('says the pattern, the times with the zone, the count and the last date', () => {
    const rec: Recurrence = { pattern: { kind: 'weekly', interval: 1, days: ['TU', 'TH'] }, end: { count: 12 } };
    const start = { ...london, date: '2027-01-05' };
    const plan = planSeries(rec, start);
    assert.equal(describeSeries(rec, start, plan.occurrences), 'Every Tuesday and Thursday, 10:00–11:00 (United Kingdom Time), 12 times, until 11 Feb 2027');
  });

  test('monthly and daily wording', () => {
    const rec: Recurrence = { pattern: { kind: 'monthly-nth', interval: 1, week: 2, weekday: 'TU' }, end: { count: 1 } };
    const start = { ...london, date: '2027-01-12' };
    assert.equal(
      describeSeries(rec, start, planSeries(rec, start).occurrences),
      'Monthly on the second Tuesday, 10:00–11:00 (United Kingdom Time), once, until 12 Jan 2027',
    );
    const daily: Recurrence = { pattern: { kind: 'daily', interval: 3 }, end: { count: 2 } };
    assert.match(describeSeries(daily, london, planSeries(daily, london).occurrences), /^Every 3 days, .*2 times, until 26 Mar 2027$/);
  });
});

describe('splitSeries() for "this and following"', () => {
  test('a counted series: the old part ends the day before, the new part keeps the remaining count', () => {
    const rec: Recurrence = { pattern: { kind: 'weekly', interval: 1, days: ['TU'] }, end: { count: 6 } };
    const { before, after } = splitSeries(rec, london, '2027-04-13');
    assert.deepEqual(before.end, { until: '2027-04-12' });
    assert.deepEqual(after.end, { count: 3 });
    const beforeDates = planSeries(before, london).occurrences.map((o) => o.date);
    const afterDates = planSeries(after, { ...london, date: '2027-04-13' }).occurrences.map((o) => o.date);
    assert.deepEqual(
      [...beforeDates, ...afterDates],
      planSeries(rec, london).occurrences.map((o) => o.date),
    );
  });
});

describe('checkSeriesRules()', () => {
  test('the horizon limits how far a series runs, and the message names the last bookable date', () => {
    const now = DateTime.fromISO('2027-03-20T09:00', { zone: 'Europe/London' });
    const plan = planSeries({ pattern: { kind: 'weekly', interval: 1, days: ['TU'] }, end: { count: 6 } }, london);
    const problems = checkSeriesRules(room, plan.occurrences, now);
    assert.deepEqual(
      problems.map((p) => p.date),
      ['2027-04-20', '2027-04-27'],
    );
    assert.match(problems[0]!.problems.date!, /can run until 19 Apr 2027/);
  });
});

describe('availabilityPerOccurrence()', () => {
  const ms = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' }).toMillis();
  const plan = planSeries({ pattern: { kind: 'weekly', interval: 1, days: ['TU'] }, end: { count: 4 } }, london);

  test('lists the clashing dates, each with the first free alternative room', () => {
    const roomBusy = [
      { start: ms('2027-04-06T10:30'), end: ms('2027-04-06T12:00') },
      { start: ms('2027-03-30T09:00'), end: ms('2027-03-30T10:01') },
      { start: ms('2027-03-23T11:00'), end: ms('2027-03-23T12:00') }, // touches the end: no clash
    ];
    const alternatives = [
      { roomId: 7, busy: [{ start: ms('2027-03-30T08:00'), end: ms('2027-03-30T18:00') }] },
      { roomId: 8, busy: [] },
    ];
    const result = availabilityPerOccurrence(plan.occurrences, roomBusy, alternatives);
    assert.deepEqual(result, [
      { date: '2027-03-23', free: true, alternativeRoomId: null },
      { date: '2027-03-30', free: false, alternativeRoomId: 8 },
      { date: '2027-04-06', free: false, alternativeRoomId: 7 },
      { date: '2027-04-13', free: true, alternativeRoomId: null },
    ]);
  });

  test('a long busy interval that contains later short ones still counts', () => {
    const roomBusy = [
      { start: ms('2027-03-13T00:00'), end: ms('2027-04-30T00:00') },
      { start: ms('2027-03-23T07:00'), end: ms('2027-03-23T08:00') },
    ];
    assert.ok(availabilityPerOccurrence(plan.occurrences, roomBusy, []).every((o) => !o.free && o.alternativeRoomId === null));
  });
});
