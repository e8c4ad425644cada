import assert from 'node:assert/strict';
import { test } from 'node:test';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { gridCss, GRID_CSS_PATH } from './grid-css.ts';
import { readFileSync } from 'node:fs';
import { buildCalendar, escapeText, foldLine } from './ical.ts';

test('escapeText() escapes backslash, semicolon, comma and line breaks (RFC 5545 3.3.11)', () => {
  assert.equal(escapeText('a\\b;c,d\r\ne\nf'), 'a\\\\b\\;c\\,d\\ne\\nf');
  assert.equal(escapeText('bell\u0007'), 'bell');
});

test('foldLine() keeps every line within 75 octets and never splits a UTF-8 character', () => {
  const line = `SUMMARY:${'Überprüfung der Räume 🚪 '.repeat(10)}`;
  const folded = foldLine(line);
  for (const part of folded.split('\r\n')) assert.ok(Buffer.byteLength(part) <= 75, `${Buffer.byteLength(part)} octets`);
  assert.equal(
    folded
      .split('\r\n')
      .map((p, i) => (i ? p.slice(1) : p))
      .join(''),
    line,
  );
  assert.ok(!folded.includes('\uFFFD'));
});

test('buildCalendar() output parses with ical.js into the same events, times in UTC', () => {
  const start = DateTime.fromISO('2026-11-25T10:00', { zone: 'Europe/London' });
  const text = buildCalendar({
    name: 'Trent, Harbour House',
    stamp: DateTime.fromISO('2026-11-24T12:00:00Z'),
    refreshMinutes: 15,
    events: [
      {
        uid: 'rb-1@roombook',
        start,
        end: start.plus({ hours: 1 }),
        summary: 'Budget; Q1, Q2\nreview',
        description: 'Organizer: Alice',
        location: 'Trent',
        status: 'CONFIRMED',
        sequence: 2,
      },
      {
        uid: 'outlook-uid',
        start: start.plus({ hours: 3 }),
        end: start.plus({ hours: 4 }),
        summary: `${'Long subject '.repeat(12)}`,
        status: 'TENTATIVE',
        sequence: 0,
      },
    ],
  });
  assert.ok(text.endsWith('\r\n'));
  assert.ok(!/[^\r]\n/.test(text), 'every line ends in CRLF');
  const cal = new ICAL.Component(ICAL.parse(text));
  assert.equal(cal.getFirstPropertyValue('version'), '2.0');
  const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  assert.equal(events.length, 2);
  assert.equal(events[0]!.uid, 'rb-1@roombook');
  assert.equal(events[0]!.summary, 'Budget; Q1, Q2\nreview');
  assert.equal(events[0]!.startDate.toJSDate().toISOString(), '2026-11-25T10:00:00.000Z');
  assert.equal(events[0]!.sequence, 2);
  assert.equal(events[1]!.summary, 'Long subject '.repeat(12));
  assert.equal(events[1]!.component.getFirstPropertyValue('status'), 'TENTATIVE');
});

test('public/css/schedule-grid.css matches gridCss() (regenerate with writeGridCss())', () => {
  assert.equal(readFileSync(GRID_CSS_PATH, 'utf8'), gridCss());
});
