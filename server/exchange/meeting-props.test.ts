import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { appointmentProps, messageProps, validateMeeting } from './meeting-props.ts';
import { InvalidMeetingError } from './errors.ts';
import { buildPropertyUpdate } from './xml.ts';
import { makeMeeting } from './fixtures/meetings.ts';

const now = DateTime.utc(2026, 3, 1, 12);

test('appointmentProps() writes London 09:00 on the day after the spring change as 08:00Z', () => {
  const xml = buildPropertyUpdate(appointmentProps(makeMeeting(), now));
  assert.match(xml, /<f:dtstart b:dt="dateTime.tz">2026-03-30T08:00:00.000Z<\/f:dtstart>/);
  assert.match(xml, /<f:dtend b:dt="dateTime.tz">2026-03-30T09:00:00.000Z<\/f:dtend>/);
});

test('appointmentProps() keeps a meeting across the autumn change at its real length', () => {
  // 2026-10-25 00:30 to 02:30 London: 3 real hours, because 01:00-02:00 happens twice.
  const zone = 'Europe/London';
  const m = makeMeeting({ start: DateTime.fromISO('2026-10-25T00:30', { zone }), end: DateTime.fromISO('2026-10-25T02:30', { zone }) });
  const props = appointmentProps(m, now);
  assert.equal((props.dtStart as DateTime).toISO(), '2026-10-24T23:30:00.000Z');
  assert.equal((props.dtEnd as DateTime).toISO(), '2026-10-25T02:30:00.000Z');
});

test('appointmentProps() puts required in to, optional in cc and the room in bcc', () => {
  const props = appointmentProps(makeMeeting(), now);
  assert.equal(props.to, '"Bob Baker" <bob@example.com>');
  assert.equal(props.cc, 'rita@example.com');
  assert.equal(props.bcc, '"Thames" <thames@example.com>');
  assert.equal(props.location, 'Thames');
  assert.equal(props.reminderOffset, 900);
  assert.equal(props.uid, 'rb-42@roombook');
});

test('appointmentProps() leaves the reminder out when there is none', () => {
  assert.equal(appointmentProps(makeMeeting({ reminderMinutes: null }), now).reminderOffset, undefined);
});

test('appointmentProps() escapes the text body into HTML when no HTML is given', () => {
  const props = appointmentProps(makeMeeting({ textBody: '<b>1 & 2</b>\nnext' }), now);
  assert.equal(props.htmlBody, '<html><body>&lt;b&gt;1 &amp; 2&lt;/b&gt;<br>next</body></html>');
});

test('messageProps() makes a request with the same UID and SEQUENCE', () => {
  const props = messageProps(makeMeeting({ sequence: 3 }), 'request', now);
  assert.equal(props.messageClass, 'IPM.Schedule.Meeting.Request');
  assert.equal(props.contentClass, 'urn:content-classes:calendarmessage');
  assert.equal(props.sequence, 3);
  assert.equal(props.method, 'REQUEST');
});

test('messageProps() makes a cancellation that frees the time', () => {
  const props = messageProps(makeMeeting({ sequence: 4 }), 'cancel', now);
  assert.equal(props.messageClass, 'IPM.Schedule.Meeting.Canceled');
  assert.equal(props.method, 'CANCEL');
  assert.equal(props.meetingStatus, 'CANCELLED');
  assert.equal(props.busyStatus, 'FREE');
});

test('messageProps() addresses only the given people when told to', () => {
  const props = messageProps(makeMeeting(), 'cancel', now, [{ email: 'gone@example.com' }]);
  assert.deepEqual([props.to, props.cc, props.bcc], ['gone@example.com', '', '']);
});

test('validateMeeting() accepts a well-formed meeting', () => {
  assert.doesNotThrow(() => validateMeeting(makeMeeting()));
});

test('validateMeeting() rejects a subject that tries to inject a form field', () => {
  assert.throws(
    () => validateMeeting(makeMeeting({ subject: 'Hi\nRequired=evil@example.com' })),
    (e: unknown) => e instanceof InvalidMeetingError && 'subject' in e.fields,
  );
});

test('validateMeeting() rejects end equal to start and a zero-length meeting', () => {
  const m = makeMeeting();
  assert.throws(
    () => validateMeeting({ ...m, end: m.start }),
    (e: unknown) => e instanceof InvalidMeetingError && 'end' in e.fields,
  );
});

test('validateMeeting() rejects a bad zone, a bad address and a negative sequence together', () => {
  const m = makeMeeting({ timeZone: 'Mars/Olympus', requiredAttendees: [{ email: 'bob' }], sequence: -1 });
  assert.throws(
    () => validateMeeting(m),
    (e: unknown) => e instanceof InvalidMeetingError && Object.keys(e.fields).length === 3,
  );
});

test('validateMeeting() rejects an address that smuggles a second recipient', () => {
  assert.throws(() => validateMeeting(makeMeeting({ requiredAttendees: [{ email: 'a@example.com, evil@example.com' }] })), InvalidMeetingError);
});
