import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWords, findPart, headerParam, parseAddressList, parseMime } from './parse.ts';

test('parseMime() finds the text/calendar part inside multipart/alternative', () => {
  const raw = [
    'Subject: =?utf-8?B?QsO8cm8=?=',
    'Content-Type: multipart/alternative;',
    ' boundary="XX"',
    '',
    '--XX',
    'Content-Type: text/plain',
    '',
    'hello',
    '--XX',
    'Content-Type: text/calendar; method=REQUEST',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'BEGIN:VCALENDAR=0D=0AEND:VCALENDAR',
    '--XX--',
    '',
  ].join('\r\n');
  const root = parseMime(raw);
  assert.equal(root.headers.get('subject'), 'Büro');
  const cal = findPart(root, 'text/calendar');
  assert.equal(cal?.body, 'BEGIN:VCALENDAR\r\nEND:VCALENDAR');
  assert.equal(headerParam(cal?.headers.get('content-type'), 'method'), 'REQUEST');
  assert.equal(findPart(root, 'text/plain')?.body, 'hello');
});

test('parseMime() decodes base64 bodies', () => {
  const raw = `Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from('grüße').toString('base64')}`;
  assert.equal(parseMime(raw).body, 'grüße');
});

test('decodeWords() decodes Q-encoded words', () => {
  assert.equal(decodeWords('=?iso-8859-1?Q?Gr=FC=DFe_aus?= Berlin'), 'Grüße aus Berlin');
});

test('parseAddressList() reads display-name forms, mailto and SMTP prefixes', () => {
  assert.deepEqual(parseAddressList('"Baker, Bob" <Bob@Example.com>, mailto:rita@example.com; SMTP:thames@example.com, nobody'), [
    'bob@example.com',
    'rita@example.com',
    'thames@example.com',
  ]);
});
