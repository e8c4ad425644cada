import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hrefToPath, parseMultistatus, parseStatusLine, propText, propValues } from './multistatus.ts';
import { fixture } from '../fixtures/index.ts';
import { NS } from '../properties.ts';

test('parseMultistatus() reads 200 propstats and keeps 404 ones apart', () => {
  const rows = parseMultistatus(fixture('search-calendar.xml'));
  assert.equal(rows.length, 2);
  const first = rows[0]!;
  assert.equal(first.path, '/exchange/thames/Calendar/Budget%20review.EML');
  assert.equal(propText(first, 'subject'), 'Budget review & plans');
  assert.equal(propText(first, 'organizer'), '"Alice Anderson" <alice@example.com>');
  assert.equal(propText(first, 'textBody'), undefined);
  assert.equal(first.failed.get(NS.mail + 'textdescription'), 404);
});

test('parseMultistatus() tells cal:busystatus from mapi:busystatus by namespace', () => {
  const row = parseMultistatus(fixture('search-calendar.xml'))[0]!;
  assert.equal(propText(row, 'busyStatus'), 'BUSY');
  assert.equal(propText(row, 'mapiBusyStatus'), '2');
});

test('parseMultistatus() reads multivalued properties as lists', () => {
  const row = parseMultistatus(fixture('search-calendar.xml'))[1]!;
  assert.deepEqual(row.props.get(NS.ex + 'keywords-utf8')!.values, ['one', 'two']);
  assert.deepEqual(propValues(row, 'subject'), ['Standup']);
});

test('parseMultistatus() reads a response-level 201 Created', () => {
  const rows = parseMultistatus(
    '<a:multistatus xmlns:a="DAV:"><a:response><a:href>/exchange/a/Calendar/x.EML</a:href><a:status>HTTP/1.1 201 Created</a:status></a:response></a:multistatus>',
  );
  assert.equal(rows[0]!.status, 201);
});

test('parseMultistatus() rejects a document that is not a multistatus', () => {
  assert.throws(() => parseMultistatus('<a:error xmlns:a="DAV:"/>'), /malformed-multistatus/);
});

test('parseMultistatus() rejects a response without href', () => {
  assert.throws(() => parseMultistatus('<a:multistatus xmlns:a="DAV:"><a:response/></a:multistatus>'), /without href/);
});

test('parseStatusLine() reads the code whatever the reason phrase', () => {
  assert.equal(parseStatusLine('HTTP/1.1 404 Resource Not Found'), 404);
  assert.equal(parseStatusLine('HTTP/1.1 409 Conflict'), 409);
  assert.throws(() => parseStatusLine('OK'), /bad status line/);
});

test('hrefToPath() keeps %-encoding and drops scheme and host', () => {
  assert.equal(hrefToPath('https://mail.example.com/exchange/hans/Entw%C3%BCrfe'), '/exchange/hans/Entw%C3%BCrfe');
  assert.equal(hrefToPath('/exchange/a/b.EML'), '/exchange/a/b.EML');
});
