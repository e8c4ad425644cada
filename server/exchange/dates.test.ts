import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { isValidZone, parseHttpDate, parseWireDate, toFreeBusyParam, toSearchLiteral, toWireDate } from './dates.ts';

const budapestSummer = DateTime.fromISO('2026-07-01T10:00', { zone: 'Europe/Budapest' });

test('toWireDate() writes UTC with milliseconds and Z, never the process zone', () => {
  assert.equal(toWireDate(budapestSummer), '2026-07-01T08:00:00.000Z');
});

test('toSearchLiteral() and toFreeBusyParam() write UTC in their own formats', () => {
  assert.equal(toSearchLiteral(budapestSummer), '2026/07/01 08:00:00');
  assert.equal(toFreeBusyParam(budapestSummer), '2026-07-01T08:00:00Z');
});

test('parseWireDate() reads Z, offsets and the SEARCH literal as UTC instants', () => {
  assert.equal(parseWireDate('2026-03-29T01:30:00.000Z')?.toISO(), '2026-03-29T01:30:00.000Z');
  assert.equal(parseWireDate('2026-03-29T03:30:00+02:00')?.toISO(), '2026-03-29T01:30:00.000Z');
  assert.equal(parseWireDate('2026/03/29 01:30:00')?.toISO(), '2026-03-29T01:30:00.000Z');
  assert.equal(parseWireDate('soon'), null);
  assert.equal(parseWireDate(''), null);
});

test('parseHttpDate() reads dateTime.rfc1123 values', () => {
  assert.equal(parseHttpDate('Sun, 25 Oct 2026 01:30:00 GMT')?.toISO(), '2026-10-25T01:30:00.000Z');
});

test('parseHttpDate() also reads the dateTime.tz form the mailbox store answers for DAV:getlastmodified (§4.2)', () => {
  assert.equal(parseHttpDate('2010-05-08T13:23:58.513Z')?.toISO(), '2010-05-08T13:23:58.513Z');
});

test('isValidZone() accepts IANA zones and refuses others', () => {
  assert.equal(isValidZone('Europe/London'), true);
  assert.equal(isValidZone('W. Europe Standard Time'), false);
});

test('the wire, SEARCH and free/busy date forms agree with luxon formatting, from any zone, ms and odd years included', () => {
  const [DT, wire, literal, fb] = [DateTime, toWireDate, toSearchLiteral, toFreeBusyParam];
  const cases = [
    DT.fromISO('2026-03-29T00:59:59.999Z', { zone: 'Europe/London' }),
    DT.fromISO('2026-10-25T01:30:00.5+01:00', { setZone: true }),
    DT.fromISO('0999-01-01T00:00:00Z'),
    DT.fromISO('9999-12-31T23:59:59.999Z'),
    DT.fromMillis(0, { zone: 'Asia/Kolkata' }),
  ];
  for (const dt of cases) {
    assert.equal(wire(dt), dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"));
    assert.equal(literal(dt), dt.toUTC().toFormat('yyyy/MM/dd HH:mm:ss'));
    assert.equal(fb(dt), dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'"));
  }
});
