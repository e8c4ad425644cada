import assert from 'node:assert/strict';
import { test } from 'node:test';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { transitionsIn, vtimezoneLines } from './vtimezone.ts';

test('London 2027: the two changes at 01:00 GMT on 28 Mar and 02:00 BST on 31 Oct', () => {
  const [spring, autumn] = transitionsIn('Europe/London', 2027);
  assert.equal(spring?.local.toFormat('yyyy-MM-dd HH:mm'), '2027-03-28 01:00');
  assert.deepEqual([spring?.fromMinutes, spring?.toMinutes], [0, 60]);
  assert.equal(autumn?.local.toFormat('yyyy-MM-dd HH:mm'), '2027-10-31 02:00');
  assert.deepEqual(vtimezoneLines('Europe/London', 2027), [
    'BEGIN:VTIMEZONE',
    'TZID:Europe/London',
    'BEGIN:DAYLIGHT',
    'DTSTART:16010101T010000',
    'TZOFFSETFROM:+0000',
    'TZOFFSETTO:+0100',
    'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
    'END:DAYLIGHT',
    'BEGIN:STANDARD',
    'DTSTART:16010101T020000',
    'TZOFFSETFROM:+0100',
    'TZOFFSETTO:+0000',
    'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
    'END:STANDARD',
    'END:VTIMEZONE',
  ]);
});

test('New York uses "second Sunday of March" and "first Sunday of November"', () => {
  const lines = vtimezoneLines('America/New_York', 2027);
  assert.ok(lines.includes('RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3'));
  assert.ok(lines.includes('RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11'));
});

test('a zone without DST has one STANDARD part', () => {
  const lines = vtimezoneLines('Asia/Tokyo', 2027);
  assert.deepEqual(
    lines.filter((l) => l.startsWith('BEGIN:')),
    ['BEGIN:VTIMEZONE', 'BEGIN:STANDARD'],
  );
  assert.ok(lines.includes('TZOFFSETTO:+0900'));
});

for (const zone of ['Europe/London', 'Europe/Berlin', 'Europe/Budapest', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata']) {
  test(`ical.js reading our VTIMEZONE for ${zone} gives luxon's offsets through 2027 and 2028`, () => {
    const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', ...vtimezoneLines(zone, 2027), 'END:VCALENDAR'].join('\r\n');
    const tz = new ICAL.Timezone(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vtimezone')!);
    for (let t = DateTime.fromISO('2027-01-01T12:00', { zone }); t.year < 2029; t = t.plus({ days: 5, hours: 7 })) {
      const local = ICAL.Time.fromData({ year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: 0 }, tz);
      assert.equal(tz.utcOffset(local) / 60, t.offset, `${zone} at ${t.toISO()}`);
    }
  });
}
