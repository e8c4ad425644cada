import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { decodeFbData, freeBusyQuery, parseFreeBusy, slotCount } from './freebusy-data.ts';
import { fixture } from '../fixtures/index.ts';

const window = { start: DateTime.fromISO('2026-03-29T08:00:00Z', { zone: 'utc' }), end: DateTime.fromISO('2026-03-29T12:00:00Z', { zone: 'utc' }) };

test('parseFreeBusy() maps each requested address to its busy stretches in request order', () => {
  const result = parseFreeBusy(fixture('freebusy.xml'), ['severn@example.com', 'thames@example.com'], window, 30);
  assert.equal(result[0]!.email, 'severn@example.com');
  assert.deepEqual(result[1]!.busy.map((s) => [s.start.toISO(), s.end.toISO(), s.status]), [
    ['2026-03-29T09:00:00.000Z', '2026-03-29T11:00:00.000Z', 'busy'],
  ]);
  assert.deepEqual(result[0]!.busy.map((s) => s.status), ['tentative']);
});

test('parseFreeBusy() skips the All Attendees aggregate', () => {
  const result = parseFreeBusy(fixture('freebusy.xml'), ['thames@example.com'], window, 30);
  assert.equal(result.length, 1);
});

test('parseFreeBusy() marks all-4 data and missing addresses as unknown', () => {
  const result = parseFreeBusy(fixture('freebusy.xml'), ['nobody@example.com', 'ghost@example.com'], window, 30);
  assert.deepEqual(result.map((r) => r.known), [false, false]);
});

test('parseFreeBusy() reads 1 as tentative, 2 as busy and 3 as out of office', () => {
  const [tyne] = parseFreeBusy(fixture('freebusy.xml'), ['tyne@example.com'], window, 30);
  assert.deepEqual(tyne!.busy.map((s) => s.status), ['oof', 'tentative', 'busy', 'oof']);
});

test('parseFreeBusy() rejects the HTML free/busy page', () => {
  assert.throws(() => parseFreeBusy('<html><body><table><tr><td bgcolor="#0000FF"></td></tr></table></body></html>', ['a@b'], window, 30));
});

test('decodeFbData() rejects data shorter than the window', () => {
  assert.throws(() => decodeFbData('0022', window, 30), /expected 8/);
});

test('decodeFbData() rejects characters other than 0-4', () => {
  assert.throws(() => decodeFbData('0022x200', window, 30), /malformed-freebusy/);
});

test('decodeFbData() clips the last partial slot to the window end', () => {
  const w = { start: window.start, end: window.start.plus({ minutes: 45 }) };
  const slots = decodeFbData('02', w, 30)!;
  assert.equal(slotCount(w, 30), 2);
  assert.equal(slots[0]!.end.toISO(), '2026-03-29T08:45:00.000Z');
});

test('decodeFbData() counts slots in real minutes across the spring DST change', () => {
  // 2026-03-29 00:00 to 06:00 in London is 5 real hours (01:00 → 02:00 is skipped).
  const start = DateTime.fromISO('2026-03-29T00:00', { zone: 'Europe/London' });
  const end = DateTime.fromISO('2026-03-29T06:00', { zone: 'Europe/London' });
  assert.equal(slotCount({ start, end }, 60), 5);
  const slots = decodeFbData('00020', { start, end }, 60)!;
  assert.equal(slots[0]!.start.toISO(), '2026-03-29T03:00:00.000Z');
});

test('freeBusyQuery() sends one u=SMTP: per mailbox and UTC times', () => {
  const q = new URLSearchParams(freeBusyQuery(['a@example.com', 'b+x@example.com'], window, 15));
  assert.equal(q.get('Cmd'), 'freebusy');
  assert.equal(q.get('start'), '2026-03-29T08:00:00Z');
  assert.equal(q.get('interval'), '15');
  assert.deepEqual(q.getAll('u'), ['SMTP:a@example.com', 'SMTP:b+x@example.com']);
});
