import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAddressList, parseAddressList } from './addresses.ts';

test('formatAddressList() quotes names and joins with commas', () => {
  assert.equal(
    formatAddressList([{ email: 'bob@example.com', name: 'Bob Baker' }, { email: 'c@example.com' }]),
    '"Bob Baker" <bob@example.com>, c@example.com',
  );
});

test('formatAddressList() neutralises quotes, commas and line breaks in names', () => {
  assert.equal(formatAddressList([{ email: 'b@example.com', name: 'Baker, "Bob"\r\nBcc: x' }]), '"Baker Bob Bcc: x" <b@example.com>');
});

test('parseAddressList() reads quoted names with commas, bare addresses and semicolons', () => {
  assert.deepEqual(parseAddressList('"Baker, Bob" <bob@example.com>, carol@example.com; Dan <dan@example.com>'), [
    { email: 'bob@example.com', name: 'Baker, Bob' },
    { email: 'carol@example.com' },
    { email: 'dan@example.com', name: 'Dan' },
  ]);
});

test('parseAddressList() returns nothing for empty or missing text', () => {
  assert.deepEqual(parseAddressList(''), []);
  assert.deepEqual(parseAddressList(undefined), []);
});

test('parseAddressList() round-trips formatAddressList()', () => {
  const list = [{ email: 'a@example.com', name: 'Ann' }, { email: 'b@example.com' }];
  assert.deepEqual(parseAddressList(formatAddressList(list)), list);
});
