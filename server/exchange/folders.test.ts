import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldersFromRow } from './folders.ts';
import { parseMultistatus } from './dav/multistatus.ts';
import { RejectedError } from './errors.ts';
import { fixture } from './fixtures/index.ts';

const facts = { method: 'PROPFIND', path: '/exchange/hans/', status: 207, durationMs: 3, requestId: 'r' };

test('foldersFromRow() takes localized folder URLs as paths', () => {
  const folders = foldersFromRow('hans', parseMultistatus(fixture('propfind-root.xml'))[0], facts);
  assert.equal(folders.calendar, '/exchange/hans/Kalender');
  assert.equal(folders.drafts, '/exchange/hans/Entw%C3%BCrfe');
  assert.equal(folders.sentItems, '/exchange/hans/Gesendete%20Objekte');
  assert.equal(folders.submission, '/exchange/hans/%23%23DavMailSubmissionURI%23%23/');
  assert.equal(folders.root, '/exchange/hans/');
});

test('foldersFromRow() rejects a root that does not name its calendar', () => {
  const rows = parseMultistatus(
    '<a:multistatus xmlns:a="DAV:" xmlns:d="urn:schemas:httpmail:"><a:response><a:href>/exchange/x/</a:href><a:propstat><a:status>HTTP/1.1 200 OK</a:status><a:prop><d:drafts>/exchange/x/Drafts</d:drafts></a:prop></a:propstat></a:response></a:multistatus>',
  );
  assert.throws(
    () => foldersFromRow('x', rows[0], facts),
    (e: unknown) => e instanceof RejectedError && e.reason === 'missing-property:calendar',
  );
});

test('foldersFromRow() rejects an empty multistatus', () => {
  assert.throws(() => foldersFromRow('x', undefined, facts), RejectedError);
});

test('foldersFromRow() falls back to the standard submission URI', () => {
  const rows = parseMultistatus(
    '<a:multistatus xmlns:a="DAV:" xmlns:d="urn:schemas:httpmail:"><a:response><a:href>/exchange/x/</a:href><a:propstat><a:status>HTTP/1.1 200 OK</a:status><a:prop><d:calendar>/exchange/x/Calendar</d:calendar><d:drafts>/exchange/x/Drafts</d:drafts></a:prop></a:propstat></a:response></a:multistatus>',
  );
  assert.equal(foldersFromRow('x', rows[0], facts).submission, '/exchange/x/%23%23DavMailSubmissionURI%23%23/');
});
