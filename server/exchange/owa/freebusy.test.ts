import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { batchesOf, plannedBatches } from './freebusy.ts';
import { freeBusyQuery } from './freebusy-data.ts';

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

test('plannedBatches() keeps the batches and queries of a list asked again, and never for a list that changed', () => {
  const options = { batchSize: 200, maxUrlLength: 12_000 };
  const list = rooms(450);
  const first = plannedBatches(list, window, 30, options);
  assert.deepEqual(
    first.map((b) => b.emails),
    batchesOf(list, window, 30, options),
  );
  assert.deepEqual(
    first.map((b) => b.query),
    first.map((b) => freeBusyQuery(b.emails, window, 30)),
  );
  assert.equal(plannedBatches([...list], window, 30, options), first, 'the same addresses again: the same plan');
  list[7] = 'changed@example.com';
  const changed = plannedBatches(list, window, 30, options);
  assert.notEqual(changed, first, 'an address changed in the same array');
  assert.equal(changed[0]!.emails[7], 'changed@example.com');
  assert.notEqual(plannedBatches(list, { start: window.start, end: window.end.plus({ hours: 1 }) }, 30, options), changed, 'another window');
  assert.notEqual(plannedBatches(list, window, 15, options), changed, 'another interval');
});
