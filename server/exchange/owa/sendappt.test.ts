import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { mailboxRelativePath, sendapptFields } from './sendappt.ts';
import { encodeOwaForm, OwaFormError } from './owa-form.ts';
import type { MailboxFolders, Meeting } from '../gateway.ts';

const folders: MailboxFolders = {
  root: '/exchange/hans/',
  calendar: '/exchange/hans/Kalender',
  inbox: '',
  drafts: '/exchange/hans/Entw%C3%BCrfe',
  sentItems: '',
  deletedItems: '',
  outbox: '',
  submission: '/exchange/hans/%23%23DavMailSubmissionURI%23%23/',
};
const zone = 'Europe/Berlin';
const meeting: Meeting = {
  uid: 'rb-7',
  organizer: { alias: 'hans', email: 'hans@example.com', name: 'Hans' },
  subject: 'Planung',
  textBody: 'Zeile 1\nZeile 2',
  start: DateTime.fromISO('2026-03-29T10:00', { zone }),
  end: DateTime.fromISO('2026-03-29T11:00', { zone }),
  timeZone: zone,
  requiredAttendees: [{ email: 'bob@example.com' }, { email: 'rita@example.com' }],
  optionalAttendees: [],
  room: { alias: 'thames', email: 'thames@example.com', name: 'Thames' },
  sequence: 1,
  reminderMinutes: 15,
  busyStatus: 'busy',
};

test('sendapptFields() names the item relative to the mailbox with the localized folder', () => {
  const fields = new Map(sendapptFields(meeting, folders, '/exchange/hans/Kalender/rb-7.EML'));
  assert.equal(fields.get('MsgID'), '/Kalender/rb-7.EML');
  assert.equal(fields.get('Cmd'), 'sendappt');
  assert.equal(fields.get('Required'), 'bob@example.com; rita@example.com');
  assert.equal(fields.get('Resource'), 'thames@example.com');
  assert.equal(fields.get('urn:schemas:calendar:dtstart'), '2026-03-29T08:00:00.000Z');
});

test('sendapptFields() sends the subject unprefixed and fills subject-utf8 (the original sent "{0}")', () => {
  const fields = new Map(sendapptFields(meeting, folders, '/exchange/hans/Kalender/rb-7.EML'));
  assert.equal(fields.get('urn:schemas:httpmail:subject'), 'Planung');
  assert.equal(fields.get('http://schemas.microsoft.com/exchange/subject-utf8'), 'Planung');
});

test('sendapptFields() encodes a multi-line body without breaking the form', () => {
  const body = encodeOwaForm(sendapptFields(meeting, folders, '/exchange/hans/Kalender/rb-7.EML'));
  assert.equal(body.split('\n').length, 14);
  assert.match(body, /Zeile 1<br>Zeile 2/);
});

test('sendapptFields() output is refused by the encoder when a location carries a line break', () => {
  const bad = { ...meeting, location: 'Thames\nRequired=evil@example.com' };
  assert.throws(() => encodeOwaForm(sendapptFields(bad, folders, '/exchange/hans/Kalender/rb-7.EML')), OwaFormError);
});

test('mailboxRelativePath() decodes %-escapes', () => {
  assert.equal(mailboxRelativePath(folders, '/exchange/hans/Entw%C3%BCrfe/x%40y.EML'), '/Entwürfe/x@y.EML');
});
