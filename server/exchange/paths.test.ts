import { test } from 'node:test';
import assert from 'node:assert/strict';
import { itemName, itemPath, lastSegment, mailboxRoot } from './paths.ts';

test('itemName() derives the same name from the same uid every time', () => {
  assert.equal(itemName('rb-42@roombook'), itemName('rb-42@roombook'));
  assert.equal(itemName('rb-42@roombook'), 'rb-42%40roombook.EML');
});

test('itemName() encodes characters that would change the path', () => {
  assert.equal(itemName('a/../b c?#'), 'a%2F..%2Fb%20c%3F%23.EML');
  assert.equal(itemName("x'(*)"), 'x%27%28%2A%29.EML');
});

test('itemName() appends a suffix before the extension', () => {
  assert.equal(itemName('rb-1', '-request-2'), 'rb-1-request-2.EML');
});

test('itemPath() and lastSegment() join and split with one slash', () => {
  assert.equal(itemPath('/exchange/a/Kalender/', 'x.EML'), '/exchange/a/Kalender/x.EML');
  assert.equal(itemPath('/exchange/a/Kalender', 'x.EML'), '/exchange/a/Kalender/x.EML');
  assert.equal(lastSegment('/exchange/a/Kalender/x.EML'), 'x.EML');
});

test('mailboxRoot() encodes the alias as one segment', () => {
  assert.equal(mailboxRoot('alice'), '/exchange/alice/');
  assert.equal(mailboxRoot('a/b'), '/exchange/a%2Fb/');
});
