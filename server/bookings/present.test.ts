import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { checkedAgo } from './present.ts';

test('checkedAgo says how fresh the room’s state is, in the largest sensible unit', () => {
  const now = DateTime.fromISO('2026-12-01T12:00:00Z');
  assert.equal(checkedAgo(undefined, now), 'not checked yet');
  assert.equal(checkedAgo(now.minus({ seconds: 2 }), now), 'checked 2 s ago');
  assert.equal(checkedAgo(now.plus({ milliseconds: 300 }), now), 'checked 0 s ago', 'a clock a little ahead is not negative');
  assert.equal(checkedAgo(now.minus({ minutes: 5 }), now), 'checked 5 min ago');
  assert.equal(checkedAgo(now.minus({ hours: 3 }), now), 'checked 3 h ago');
});
