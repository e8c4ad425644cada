import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveFromMime } from '../mime/derive.ts';
import { NS, type PropMap } from './props.ts';
import { occurrencesBetween, seriesEnd } from './recurrence.ts';
import { NEW_YORK_VTIMEZONE, seriesMime, type SeriesSpec } from '../testing/series.ts';

const base: SeriesSpec = {
  uid: 'u1',
  summary: 'S',
  organizer: 'alice@example.com',
  start: '20270101T100000',
  end: '20270101T110000',
  rrule: 'FREQ=WEEKLY;COUNT=2',
};

function master(spec: Partial<SeriesSpec>): { props: PropMap } {
  return { props: deriveFromMime(seriesMime({ ...base, ...spec }, 'PUBLISH'), 'IPF.Appointment', 'Europe/London').props };
}

const starts = (item: { props: PropMap }, from = '2026-01-01T00:00:00Z', to = '2029-01-01T00:00:00Z', zone = 'Europe/London') =>
  occurrencesBetween(item, Date.parse(from), Date.parse(to), zone).map((o) => o.start.toISOString());

test('London 10:00 weekly stays 10:00 local across both 2027 DST changes', () => {
  const m = master({ start: '20270323T100000', end: '20270323T110000', rrule: 'FREQ=WEEKLY;COUNT=2' });
  assert.deepEqual(starts(m), ['2027-03-23T10:00:00.000Z', '2027-03-30T09:00:00.000Z']);
  const autumn = master({ start: '20271026T100000', end: '20271026T110000', rrule: 'FREQ=WEEKLY;COUNT=2' });
  assert.deepEqual(starts(autumn), ['2027-10-26T09:00:00.000Z', '2027-11-02T10:00:00.000Z']);
});

test('a Windows TZID and an IANA TZID expand in their zone, not the mailbox zone', () => {
  const eastern = master({
    tzid: 'Eastern Standard Time',
    vtimezone: NEW_YORK_VTIMEZONE.map((l) => l.replace('Custom New York', 'Eastern Standard Time')),
    start: '20271101T090000',
    end: '20271101T100000',
  });
  assert.deepEqual(starts(eastern), ['2027-11-01T13:00:00.000Z', '2027-11-08T14:00:00.000Z']);
  const iana = master({
    tzid: 'America/New_York',
    vtimezone: NEW_YORK_VTIMEZONE.map((l) => l.replace('Custom New York', 'America/New_York')),
    start: '20270308T090000',
    end: '20270308T100000',
  });
  assert.deepEqual(starts(iana), ['2027-03-08T14:00:00.000Z', '2027-03-15T13:00:00.000Z']);
});

test('a custom VTIMEZONE follows its own rules; a date-only UNTIL ends that local day', () => {
  const m = master({
    tzid: 'Custom New York',
    vtimezone: NEW_YORK_VTIMEZONE,
    start: '20271025T200000',
    end: '20271025T210000',
    rrule: 'FREQ=WEEKLY;UNTIL=20271108',
  });
  // 8 November 20:00 New York is 9 November 01:00 UTC: still inside the UNTIL day in New York.
  assert.deepEqual(starts(m), ['2027-10-26T00:00:00.000Z', '2027-11-02T00:00:00.000Z', '2027-11-09T01:00:00.000Z']);
});

test('EXDATE removes, an exception moves (found at its new time only), a cancelled exception removes', () => {
  const m = master({
    start: '20270104T100000',
    end: '20270104T110000',
    rrule: 'FREQ=DAILY;COUNT=4',
    exdates: ['20270105T100000'],
    exceptions: [
      { recurrenceId: '20270106T100000', start: '20270110T100000', end: '20270110T110000' },
      { recurrenceId: '20270107T100000', cancelled: true },
    ],
  });
  assert.deepEqual(starts(m), ['2027-01-04T10:00:00.000Z', '2027-01-10T10:00:00.000Z']);
  const moved = occurrencesBetween(m, Date.parse('2027-01-10T00:00:00Z'), Date.parse('2027-01-11T00:00:00Z'), 'Europe/London');
  assert.equal(moved.length, 1);
  assert.equal(moved[0]!.recurrenceId.toISOString(), '2027-01-06T10:00:00.000Z');
  assert.equal(occurrencesBetween(m, Date.parse('2027-01-06T00:00:00Z'), Date.parse('2027-01-07T00:00:00Z'), 'Europe/London').length, 0);
  assert.equal(str(m.props.get(`${NS.cal}instancetype`)), '1');
});

test('an open-ended rule is checked for a year; COUNT and UNTIL to their end', () => {
  const open = master({ rrule: 'FREQ=WEEKLY' });
  assert.equal(seriesEnd(open) - Date.parse('2027-01-01T10:00:00Z'), 366 * 86_400_000);
  assert.equal(seriesEnd(master({ rrule: 'FREQ=WEEKLY;COUNT=3' })), Number.MAX_SAFE_INTEGER);
});

function str(v: { value: string | string[] } | undefined): string | undefined {
  return typeof v?.value === 'string' ? v.value : undefined;
}
