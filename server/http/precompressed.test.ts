import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32, gunzipSync } from 'node:zlib';
import { crc32Combine, gzipMember, gzipParts, precompress, precompressText, storedBlock } from './precompressed.ts';

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

test('crc32Combine() gives the CRC of the concatenation without reading it', () => {
  const a = Buffer.from('first part, '.repeat(999));
  const b = Buffer.from('second – part “x”'.repeat(1234));
  assert.equal(crc32Combine(crc32(a), crc32(b), b.length), crc32(Buffer.concat([a, b])));
  assert.equal(crc32Combine(crc32(a), 0, 0), crc32(a));
  assert.equal(crc32Combine(0, crc32(b), b.length), crc32(b));
});

test('precompressed pieces, a storedBlock() and gzipMember() make a gzip member gunzip reads back exactly', () => {
  const head = precompress(Buffer.from('<header>'.repeat(300)));
  const rows = precompress(Buffer.from('<li>row</li>'.repeat(4000)));
  const end = precompress(Buffer.from('</ul>'));
  const token = Buffer.from('per-session-token_0123');
  const crc = crc32Combine(crc32Combine(crc32(token, head.crc), rows.crc, rows.raw.length), end.crc, end.raw.length);
  const size = head.raw.length + token.length + rows.raw.length + end.raw.length;
  const zipped = gzipMember([head.deflated, storedBlock(token), rows.deflated, end.deflated], crc, size);
  assert.deepEqual(gunzipSync(zipped), Buffer.concat([head.raw, token, rows.raw, end.raw]));
});

test('precompressText() keeps a text it compressed, within its bounds, and what it gives reads back exactly', () => {
  const render = () => `<p>${'shell – '.repeat(500)}</p>`;
  const text = render();
  const part = precompressText(text);
  assert.equal(precompressText(render()), part, 'the same text, rendered again, is the kept part');
  assert.equal(gunzipSync(gzipParts([part])).toString(), text);
  // Too long to keep: compressed each time.
  const long = 'x'.repeat(70 * 1024);
  assert.notEqual(precompressText(long), precompressText(long));
  // Bounded by what the kept parts hold (~8 MB): 200 texts of 60,000 characters push the first one out.
  const big = (i: number) => `${i}:${'y'.repeat(60_000)}`;
  const first = precompressText(big(0));
  for (let i = 1; i < 200; i++) precompressText(big(i));
  assert.notEqual(precompressText(big(0)), first);
  assert.equal(precompressText(big(199)), precompressText(big(199)));
});
