import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { calendarItemFromRow, calendarSql } from './calendar.ts';
import { parseMultistatus } from './dav/multistatus.ts';
import { RejectedError } from './errors.ts';
import { fixture } from './fixtures/index.ts';

const facts = { method: 'SEARCH', path: '/exchange/thames/Calendar', status: 207, durationMs: 1, requestId: 'r' };

test('calendarItemFromRow() reads times, attendees by role, response and busy status', () => {
  const item = calendarItemFromRow(parseMultistatus(fixture('search-calendar.xml'))[0]!, facts);
  assert.equal(item.uid, 'rb-42@roombook');
  assert.equal(item.start.toISO(), '2026-03-29T08:00:00.000Z');
  assert.equal(item.end.setZone('Europe/London').toFormat('HH:mm'), '10:30');
  assert.deepEqual(
    item.attendees.map((a) => [a.email, a.role]),
    [
      ['bob@example.com', 'required'],
      ['carol@example.com', 'required'],
      ['thames@example.com', 'resource'],
    ],
  );
  assert.equal(item.responseStatus, 'accepted');
  assert.equal(item.busyStatus, 'busy');
  assert.equal(item.sequence, 2);
  assert.equal(item.cancelled, false);
  assert.equal(item.lastModified?.toISO(), '2026-03-29T07:00:00.000Z');
});

test('calendarItemFromRow() compares busy status case-insensitively', () => {
  const item = calendarItemFromRow(parseMultistatus(fixture('search-calendar.xml'))[1]!, facts);
  assert.equal(item.busyStatus, 'tentative');
  assert.equal(item.instanceType, 2);
  assert.equal(item.uid, '');
});

test('calendarItemFromRow() rejects a row without start', () => {
  const rows = parseMultistatus('<a:multistatus xmlns:a="DAV:"><a:response><a:href>/x/y.EML</a:href></a:response></a:multistatus>');
  assert.throws(() => calendarItemFromRow(rows[0]!, facts), RejectedError);
});

test('calendarSql() uses UTC literals and the overlap test, whatever the window zone', () => {
  const start = DateTime.fromISO('2026-10-25T00:00', { zone: 'Europe/London' });
  const sql = calendarSql('/exchange/thames/Calendar', { start, end: start.plus({ days: 1 }) });
  assert.match(sql, /"urn:schemas:calendar:dtend" > '2026\/10\/24 23:00:00'/);
  // The autumn change makes this London day 25 hours long.
  assert.match(sql, /"urn:schemas:calendar:dtstart" < '2026\/10\/26 00:00:00'/);
  assert.match(sql, /SHALLOW TRAVERSAL OF "\/exchange\/thames\/Calendar"/);
  assert.match(sql, /NOT "urn:schemas:calendar:instancetype" = 1/);
});

test('calendarSql() cannot be broken out of by quotes in the folder path', () => {
  const sql = calendarSql(`/exchange/x/Cal'en"dar`, { start: DateTime.utc(2026, 1, 1), end: DateTime.utc(2026, 1, 2) });
  assert.match(sql, /"\/exchange\/x\/Cal%27en%22dar"/);
});
