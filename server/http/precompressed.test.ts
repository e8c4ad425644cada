import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { gzipParts, precompress } from './precompressed.ts';

test('gzipParts() joins precompressed and fresh parts into one gzip member that gunzip reads back exactly', () => {
  const big = Buffer.from('<li class="row">Wye – 12:00–13:00 · Booked</li>\n'.repeat(5000));
  const parts = [Buffer.from('<!doctype html><title>x</title>'), precompress(big), Buffer.from('<footer>“end”</footer>'), precompress(Buffer.alloc(0))];
  const zipped = gzipParts(parts);
  assert.deepEqual(gunzipSync(zipped), Buffer.concat([parts[0] as Buffer, big, parts[2] as Buffer]));
  assert.ok(zipped.length < big.length / 10);
});

test('gzipParts() with no parts is a valid empty gzip', () => {
  assert.equal(gunzipSync(gzipParts([])).length, 0);
});
