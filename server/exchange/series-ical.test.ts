import assert from 'node:assert/strict';
import { test } from 'node:test';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { makeMeeting } from './fixtures/meetings.ts';
import { occurrenceCalendar, seriesCalendar, type SeriesMeeting } from './series-ical.ts';

const zone = 'Europe/London';
const now = DateTime.utc(2027, 3, 1, 12);
const series = (over: Partial<SeriesMeeting> = {}): SeriesMeeting => ({
  ...makeMeeting({ start: DateTime.fromISO('2027-03-23T10:00', { zone }), end: DateTime.fromISO('2027-03-23T11:00', { zone }), timeZone: zone }),
  rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=3',
  excluded: [],
  ...over,
});

function parse(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const vtz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  return cal;
}

test('a series REQUEST is one VEVENT with RRULE, DTSTART;TZID and the zone, expanding to 10:00 London each week across DST', () => {
  const cal = parse(seriesCalendar('REQUEST', series(), now));
  assert.equal(cal.getFirstPropertyValue('method'), 'REQUEST');
  const events = cal.getAllSubcomponents('vevent');
  assert.equal(events.length, 1);
  const ev = new ICAL.Event(events[0]!);
  assert.equal(ev.uid, 'rb-42@roombook');
  assert.equal(events[0]!.getFirstProperty('dtstart')!.getParameter('tzid'), zone);
  const it = ev.iterator();
  const starts: string[] = [];
  for (let t = it.next(); t; t = it.next()) starts.push(t.toJSDate().toISOString());
  assert.deepEqual(starts, ['2027-03-23T10:00:00.000Z', '2027-03-30T09:00:00.000Z', '2027-04-06T09:00:00.000Z']);
  const attendees = events[0]!.getAllProperties('attendee').map((p) => [p.getFirstValue(), p.getParameter('role'), p.getParameter('cutype') ?? null]);
  assert.deepEqual(attendees, [
    ['mailto:bob@example.com', 'REQ-PARTICIPANT', null],
    ['mailto:rita@example.com', 'OPT-PARTICIPANT', null],
    ['mailto:thames@example.com', 'NON-PARTICIPANT', 'RESOURCE'],
  ]);
});

test('EXDATE leaves an occurrence out', () => {
  const cal = parse(seriesCalendar('REQUEST', series({ excluded: [DateTime.fromISO('2027-03-30T10:00', { zone })] }), now));
  const ev = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
  const it = ev.iterator();
  const dates: string[] = [];
  for (let t = it.next(); t; t = it.next()) dates.push(t.toJSDate().toISOString().slice(0, 10));
  assert.deepEqual(dates, ['2027-03-23', '2027-04-06']);
});

test('a moved occurrence keeps the UID and names its original start in RECURRENCE-ID', () => {
  const o = {
    originalStart: DateTime.fromISO('2027-03-30T10:00', { zone }),
    start: DateTime.fromISO('2027-03-30T14:00', { zone }),
    end: DateTime.fromISO('2027-03-30T15:00', { zone }),
  };
  const cal = parse(occurrenceCalendar('REQUEST', series({ sequence: 1 }), o, now));
  const ev = cal.getFirstSubcomponent('vevent')!;
  assert.equal(ev.getFirstPropertyValue('uid'), 'rb-42@roombook');
  assert.equal(ev.getFirstPropertyValue('sequence'), 1);
  assert.equal((ev.getFirstPropertyValue('recurrence-id') as InstanceType<typeof ICAL.Time>).toJSDate().toISOString(), '2027-03-30T09:00:00.000Z');
  assert.equal((ev.getFirstPropertyValue('dtstart') as InstanceType<typeof ICAL.Time>).toJSDate().toISOString(), '2027-03-30T13:00:00.000Z');
  assert.equal(ev.getFirstPropertyValue('rrule'), null);
});

test('a cancelled series says STATUS:CANCELLED and FREE', () => {
  const cal = parse(seriesCalendar('CANCEL', series({ sequence: 2 }), now));
  const ev = cal.getFirstSubcomponent('vevent')!;
  assert.equal(ev.getFirstPropertyValue('status'), 'CANCELLED');
  assert.equal(ev.getFirstPropertyValue('x-microsoft-cdo-busystatus'), 'FREE');
});

test('hostile text in the body cannot add an attendee or a property', () => {
  const body = 'Agenda\r\nATTENDEE:mailto:evil@example.net\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:x';
  const cal = parse(seriesCalendar('REQUEST', series({ textBody: body, location: 'Room; "A", B\\C' }), now));
  const events = cal.getAllSubcomponents('vevent');
  assert.equal(events.length, 1);
  assert.equal(events[0]!.getAllProperties('attendee').length, 3);
  assert.equal(events[0]!.getFirstPropertyValue('description'), body);
  assert.equal(events[0]!.getFirstPropertyValue('location'), 'Room; "A", B\\C');
});

test('a date in another room names that room as its LOCATION and resource; a message to removed attendees names no resource', () => {
  const m = series();
  const avon = { alias: 'avon', email: 'avon@example.com', name: 'Avon' };
  const original = DateTime.fromISO('2027-03-30T10:00', { zone });
  const ev = parse(
    occurrenceCalendar('REQUEST', m, { originalStart: original, start: original, end: original.plus({ hours: 1 }), room: avon }, now),
  ).getFirstSubcomponent('vevent')!;
  assert.equal(ev.getFirstPropertyValue('location'), 'Avon');
  const resources = ev.getAllProperties('attendee').filter((p) => p.getParameter('cutype') === 'RESOURCE');
  assert.deepEqual(
    resources.map((p) => p.getFirstValue()),
    ['mailto:avon@example.com'],
  );
  // "Change the whole series" dropped bob but kept the room: bob's cancellation must not reach the room.
  const cancel = parse(seriesCalendar('CANCEL', { ...m, requiredAttendees: [{ email: 'bob@example.com' }], optionalAttendees: [], withoutRoom: true }, now));
  assert.deepEqual(
    cancel
      .getFirstSubcomponent('vevent')!
      .getAllProperties('attendee')
      .map((p) => p.getFirstValue()),
    ['mailto:bob@example.com'],
  );
});
