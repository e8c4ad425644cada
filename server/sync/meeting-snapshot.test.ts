import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import type { Meeting } from '../exchange/gateway.ts';
import { InvalidSnapshotError, parseSnapshot, serializeSnapshot } from './meeting-snapshot.ts';

const meeting: Meeting = {
  uid: 'rb-1',
  organizer: { alias: 'alice', email: 'alice@example.com', name: 'Alice' },
  subject: 'Plan',
  textBody: 'Agenda',
  location: 'Thames',
  start: DateTime.fromISO('2026-11-25T10:00:00Z', { zone: 'utc' }),
  end: DateTime.fromISO('2026-11-25T11:00:00Z', { zone: 'utc' }),
  timeZone: 'Europe/London',
  requiredAttendees: [{ email: 'bob@example.com', name: 'Bob' }],
  optionalAttendees: [{ email: 'rita@example.com' }],
  room: { alias: 'thames', email: 'thames@example.com', name: 'Thames' },
  sequence: 2,
  reminderMinutes: 15,
  busyStatus: 'busy',
};

test('parseSnapshot() gives back the Meeting that was serialized, instants included', () => {
  const back = parseSnapshot(serializeSnapshot({ meeting, previousRecipients: ['bob@example.com'] }));
  assert.deepEqual(back.previousRecipients, ['bob@example.com']);
  assert.equal(back.meeting.start.toISO(), meeting.start.toISO());
  assert.deepEqual({ ...back.meeting, start: 0, end: 0 }, { ...meeting, start: 0, end: 0 });
  assert.equal('previousRecipients' in parseSnapshot(serializeSnapshot({ meeting })), false);
});

test('parseSnapshot() keeps the addresses an update drops without a word (a room that declined)', () => {
  const back = parseSnapshot(serializeSnapshot({ meeting, previousRecipients: ['bob@example.com', 'dee@example.com'], quietlyDropped: ['dee@example.com'] }));
  assert.deepEqual(back.quietlyDropped, ['dee@example.com']);
  assert.equal('quietlyDropped' in parseSnapshot(serializeSnapshot({ meeting, previousRecipients: ['bob@example.com'] })), false);
});

test('parseSnapshot() refuses a job whose JSON is not a meeting, naming the field', () => {
  assert.throws(() => parseSnapshot('{'), InvalidSnapshotError);
  const broken = JSON.parse(serializeSnapshot({ meeting })) as { meeting: Record<string, unknown> };
  broken.meeting.start = 'tomorrow';
  assert.throws(
    () => parseSnapshot(JSON.stringify(broken)),
    (e: unknown) => e instanceof InvalidSnapshotError && /start/.test(e.message),
  );
  delete broken.meeting.start;
  broken.meeting.sequence = -1;
  assert.throws(() => parseSnapshot(JSON.stringify(broken)), InvalidSnapshotError);
});

test('parseSnapshot() reads jobs queued before the upgrade (the old snapshot shape) as the same Meeting', () => {
  const legacy = {
    uid: 'rb-1',
    organizer: meeting.organizer,
    subject: 'Plan',
    description: 'Agenda',
    start: '2026-11-25T10:00:00.000Z',
    end: '2026-11-25T11:00:00.000Z',
    timeZone: 'Europe/London',
    required: [{ email: 'bob@example.com', name: 'Bob' }],
    optional: [{ email: 'rita@example.com' }],
    room: meeting.room,
    sequence: 2,
    message: 'Sorry',
  };
  const { meeting: m } = parseSnapshot(JSON.stringify(legacy));
  assert.equal(m.textBody, 'Sorry\n\nAgenda');
  assert.deepEqual({ ...m, start: 0, end: 0, textBody: '' }, { ...meeting, start: 0, end: 0, textBody: '' });
});

test('parseSnapshot() keeps a Meeting field it does not check yet (a newer gateway field is never dropped)', () => {
  const json = serializeSnapshot({ meeting: { ...meeting, sensitivity: 'private' } as Meeting });
  assert.equal((parseSnapshot(json).meeting as unknown as { sensitivity: string }).sensitivity, 'private');
});

test('parseSnapshot() keeps the organizer language, so a retry asks OWA for the same one; none stays none', () => {
  assert.equal(parseSnapshot(serializeSnapshot({ meeting: { ...meeting, language: 'hu' } })).meeting.language, 'hu');
  assert.equal('language' in parseSnapshot(serializeSnapshot({ meeting })).meeting, false);
  assert.throws(
    () =>
      parseSnapshot(
        JSON.stringify({ ...JSON.parse(serializeSnapshot({ meeting })), meeting: { ...JSON.parse(serializeSnapshot({ meeting })).meeting, language: 7 } }),
      ),
    InvalidSnapshotError,
  );
});
