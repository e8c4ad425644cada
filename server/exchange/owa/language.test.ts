import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptLanguage, canonicalLanguage } from './language.ts';

test('canonicalLanguage() accepts BCP-47 tags and refuses anything a header could be abused with', () => {
  assert.equal(canonicalLanguage('hu'), 'hu');
  assert.equal(canonicalLanguage('en-gb'), 'en-GB');
  assert.equal(canonicalLanguage('HU-hu'), 'hu-HU');
  for (const bad of ['', 'hu\r\nX-Evil: 1', 'hu,en;q=0.5', 'not a tag', 'x', '1234', 'hu_HU']) assert.equal(canonicalLanguage(bad), null, JSON.stringify(bad));
});

test('acceptLanguage() sends the caller’s tag lower-cased as IE did, else the default, else en', () => {
  assert.equal(acceptLanguage('hu', 'en'), 'hu');
  assert.equal(acceptLanguage('en-GB', 'hu'), 'en-gb');
  assert.equal(acceptLanguage(undefined, 'hu'), 'hu');
  assert.equal(acceptLanguage('bad tag', 'de'), 'de');
  assert.equal(acceptLanguage(undefined, 'bad tag'), 'en');
});
