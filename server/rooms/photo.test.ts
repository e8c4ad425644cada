// What a room photo is comes from its bytes (issue 16): whole JPEG, PNG and WebP images are accepted with their
// size read from the header; anything else, or a cut-off image, is refused whatever its name or declared type.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sniffImage } from './photo.ts';
import { SAMPLE_GIF, SAMPLE_HTML, SAMPLE_JPEG, SAMPLE_PNG, SAMPLE_ROOM_JPEG, SAMPLE_SVG, SAMPLE_WEBP, SAMPLE_WEBP_LOSSLESS } from './photo-samples.ts';

describe('sniffImage: a room photo is known by its magic bytes', () => {
  test('PNG, JPEG and WebP are accepted with their width and height', () => {
    assert.deepEqual(sniffImage(SAMPLE_PNG), { contentType: 'image/png', width: 8, height: 6 });
    assert.deepEqual(sniffImage(SAMPLE_JPEG), { contentType: 'image/jpeg', width: 8, height: 6 });
    assert.deepEqual(sniffImage(SAMPLE_ROOM_JPEG), { contentType: 'image/jpeg', width: 640, height: 400 });
    assert.deepEqual(sniffImage(SAMPLE_WEBP), { contentType: 'image/webp', width: 8, height: 6 });
    assert.deepEqual(sniffImage(SAMPLE_WEBP_LOSSLESS), { contentType: 'image/webp', width: 8, height: 6 });
  });

  test('a GIF, an SVG, an HTML page and an empty file are refused', () => {
    for (const bytes of [SAMPLE_GIF, SAMPLE_SVG, SAMPLE_HTML, Buffer.alloc(0)]) assert.equal(sniffImage(bytes), null);
  });

  test('a cut-off image is refused (its end is missing)', () => {
    for (const whole of [SAMPLE_PNG, SAMPLE_JPEG, SAMPLE_ROOM_JPEG, SAMPLE_WEBP]) {
      assert.equal(sniffImage(whole.subarray(0, Math.floor(whole.length / 2))), null);
      assert.equal(sniffImage(whole.subarray(0, 12)), null);
    }
  });

  test('an HTML page behind a real image signature is refused: the header must be a real one', () => {
    assert.equal(sniffImage(Buffer.concat([SAMPLE_PNG.subarray(0, 8), SAMPLE_HTML])), null);
    assert.equal(sniffImage(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), SAMPLE_HTML, Buffer.from([0xff, 0xd9])])), null);
  });

  test('a header claiming a huge image is refused', () => {
    const huge = Buffer.from(SAMPLE_PNG);
    huge.writeUInt32BE(100_000, 16);
    assert.equal(sniffImage(huge), null);
  });
});
