import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { batchesOf } from './freebusy.ts';

const window = { start: DateTime.utc(2026, 3, 30, 0), end: DateTime.utc(2026, 3, 31, 0) };
const rooms = (n: number) => Array.from({ length: n }, (_, i) => `room${i}@example.com`);

test('batchesOf() puts 100 rooms in one request with the defaults', () => {
  assert.equal(batchesOf(rooms(100), window, 30, { batchSize: 200, maxUrlLength: 12_000 }).length, 1);
});

test('batchesOf() splits by batch size and keeps every address once, in order', () => {
  const batches = batchesOf(rooms(450), window, 30, { batchSize: 200, maxUrlLength: 100_000 });
  assert.deepEqual(
    batches.map((b) => b.length),
    [200, 200, 50],
  );
  assert.deepEqual(batches.flat(), rooms(450));
});

test('batchesOf() splits when the URL would grow too long', () => {
  const batches = batchesOf(rooms(100), window, 30, { batchSize: 1000, maxUrlLength: 2000 });
  assert.ok(batches.length > 1);
  assert.deepEqual(batches.flat(), rooms(100));
});
