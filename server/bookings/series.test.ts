// Pure parts of recurring meetings (issue 14): the form's Repeats fields, reading a stored RRULE back into a
// pattern (for "this and following"), and the series part of an outbox snapshot surviving the round trip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { recurrenceOf, RepeatFields } from './series-schema.ts';
import { recurrenceOfRRule } from './series-service.ts';
import { toRRule, type Recurrence } from './recurrence.ts';
import { parseSnapshot, serializeSnapshot } from '../sync/meeting-snapshot.ts';
import { jobKindOf, parseSeriesJob, seriesJobJson } from '../sync/series-job.ts';
import { makeMeeting } from '../exchange/fixtures/meetings.ts';

const form = (over: Record<string, unknown>) =>
  RepeatFields.parse({ repeat: 'weekly', repeatDays: ['TU', 'TH'], repeatEnd: 'count', repeatCount: '12', ...over });

test('Repeats fields: none is a one-off; weekly keeps the chosen days; monthly takes its day from the first date', () => {
  assert.equal(recurrenceOf(RepeatFields.parse({}), '2027-03-02').recurrence, null);
  assert.deepEqual(recurrenceOf(form({}), '2027-03-02').recurrence, { pattern: { kind: 'weekly', interval: 1, days: ['TU', 'TH'] }, end: { count: 12 } });
  // 9 March 2027 is the second Tuesday of March; 30 March the last one.
  assert.deepEqual(recurrenceOf(form({ repeat: 'monthly-nth' }), '2027-03-09').recurrence?.pattern, {
    kind: 'monthly-nth',
    interval: 1,
    week: 2,
    weekday: 'TU',
  });
  assert.deepEqual(recurrenceOf(form({ repeat: 'monthly-nth' }), '2027-03-30').recurrence?.pattern, {
    kind: 'monthly-nth',
    interval: 1,
    week: -1,
    weekday: 'TU',
  });
  assert.deepEqual(recurrenceOf(form({ repeat: 'monthly-day', repeatInterval: '2' }), '2027-03-14').recurrence?.pattern, {
    kind: 'monthly-day',
    interval: 2,
    day: 14,
  });
  assert.deepEqual(recurrenceOf(form({ repeatEnd: 'until', repeatUntil: '' }), '2027-03-02').problems, { repeatUntil: 'Give the date the series ends.' });
  assert.equal(RepeatFields.safeParse({ repeat: 'hourly' }).success, false);
  assert.equal(RepeatFields.safeParse({ repeat: 'weekly', repeatDays: ['XX'] }).success, false);
});

test('a stored RRULE reads back as the pattern it was built from', () => {
  const start = { date: '2027-03-02', start: '10:00', end: '11:00', zone: 'Europe/London' };
  const cases: Recurrence[] = [
    { pattern: { kind: 'daily', interval: 2 }, end: { count: 5 } },
    { pattern: { kind: 'weekdays' }, end: { count: 20 } },
    { pattern: { kind: 'weekly', interval: 2, days: ['TU', 'TH'] }, end: { count: 8 } },
    { pattern: { kind: 'monthly-day', interval: 1, day: 2 }, end: { count: 6 } },
    { pattern: { kind: 'monthly-nth', interval: 1, week: 1, weekday: 'TU' }, end: { count: 6 } },
  ];
  for (const rec of cases) assert.deepEqual(recurrenceOfRRule(toRRule(rec, start)), rec);
  assert.deepEqual(recurrenceOfRRule('FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20270330T235959Z')?.end, { until: '2027-03-30' });
  assert.equal(recurrenceOfRRule('FREQ=YEARLY;COUNT=3'), null);
});

test('a series job travels through the outbox snapshot unchanged', () => {
  const at = DateTime.fromISO('2027-03-02T10:00:00Z', { zone: 'utc' });
  const job = seriesJobJson({
    op: 'change-occurrence',
    seriesId: 7,
    rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6',
    excluded: [at.plus({ weeks: 2 })],
    bookingIds: [3],
    exceptions: [{ originalStart: at.plus({ weeks: 1 }), start: at.plus({ weeks: 1, hours: 1 }), end: at.plus({ weeks: 1, hours: 2 }) }],
    occurrence: { originalStart: at.plus({ weeks: 1 }), start: at.plus({ weeks: 1, hours: 1 }), end: at.plus({ weeks: 1, hours: 2 }), subject: 'Moved' },
  });
  const back = parseSnapshot(serializeSnapshot({ meeting: makeMeeting({}), series: job }));
  const parsed = parseSeriesJob(back.series!);
  assert.equal(parsed.op, 'change-occurrence');
  assert.equal(parsed.excluded[0]!.toMillis(), at.plus({ weeks: 2 }).toMillis());
  assert.equal(parsed.occurrence?.subject, 'Moved');
  assert.equal(jobKindOf('create'), 'create');
  assert.equal(jobKindOf('change-occurrence'), 'update');
  assert.equal(jobKindOf('cancel-series'), 'cancel');
  // A single meeting's snapshot has no series part.
  assert.equal(parseSnapshot(serializeSnapshot({ meeting: makeMeeting({}) })).series, undefined);
});
