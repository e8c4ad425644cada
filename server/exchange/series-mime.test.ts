import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { calendarMessageMime, encodeHeaderText } from './series-mime.ts';

const message = (over: Partial<Parameters<typeof calendarMessageMime>[0]> = {}) =>
  calendarMessageMime({
    method: 'REQUEST',
    subject: 'Weekly planning',
    from: { email: 'alice@example.com', name: 'Alice Anderson' },
    to: [{ email: 'bob@example.com', name: 'Bob "the builder" Baker' }],
    cc: [{ email: 'rita@example.com' }],
    textBody: 'Agenda',
    calendar: 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n',
    date: DateTime.utc(2027, 3, 1, 12),
    ...over,
  });

function headersOf(mime: string): string[] {
  return mime.slice(0, mime.indexOf('\r\n\r\n')).split('\r\n');
}

test('a calendarmessage with To, Cc, the subject and a text/calendar part carrying the method', () => {
  const mime = message();
  const headers = headersOf(mime);
  assert.ok(headers.includes('Content-class: urn:content-classes:calendarmessage'));
  assert.ok(headers.includes('To: "Bob the builder Baker" <bob@example.com>'));
  assert.ok(headers.includes('Cc: rita@example.com'));
  assert.ok(headers.includes('Subject: Weekly planning'));
  assert.match(mime, /Content-Type: text\/calendar; method=REQUEST; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+)\r\n--/);
  const b64 = /method=REQUEST; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(mime)![1]!;
  assert.equal(Buffer.from(b64.replace(/\r\n/g, ''), 'base64').toString('utf8'), 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n');
});

test('a subject with CR/LF or U+2028 cannot add a header; non-ASCII is RFC 2047 encoded', () => {
  const headers = headersOf(message({ subject: 'Hi\r\nBcc: evil@example.net\u2028X: y' }));
  assert.equal(headers.filter((h) => /^bcc:/i.test(h)).length, 0);
  assert.equal(headers.filter((h) => h.startsWith('Subject:')).length, 1);
  const hu = encodeHeaderText('Költségvetés – árvíztűrő tükörfúrógép, negyedéves áttekintés');
  assert.match(hu, /^(=\?utf-8\?B\?[A-Za-z0-9+/=]+\?= ?)+$/);
  for (const word of hu.split(' ')) assert.ok(word.length <= 75, word);
  const decoded = hu
    .split(' ')
    .map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8'))
    .join('');
  assert.equal(decoded, 'Költségvetés – árvíztűrő tükörfúrógép, negyedéves áttekintés');
});

test("the room goes as Bcc (Exchange strips it when sending); the organizer's PUBLISH copy is an appointment", () => {
  const headers = headersOf(message({ bcc: [{ email: 'thames@example.com', name: 'Thames' }] }));
  assert.ok(headers.includes('Bcc: "Thames" <thames@example.com>'));
  const publish = message({ method: 'PUBLISH', calendar: 'BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n' });
  assert.ok(headersOf(publish).includes('Content-class: urn:content-classes:appointment'));
  assert.doesNotMatch(publish, /calendarmessage/);
  assert.match(publish, /Content-Type: text\/calendar; method=PUBLISH/);
});
