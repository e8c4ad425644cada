import { test } from 'node:test';
import assert from 'node:assert/strict';
import { md4 } from './md4.ts';

test('md4() matches the RFC 1320 test suite', () => {
  const vectors: [string, string][] = [
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'e33b4ddc9c38f2199c3e7b164fcc0536'],
  ];
  for (const [input, hex] of vectors) assert.equal(md4(Buffer.from(input, 'ascii')).toString('hex'), hex, JSON.stringify(input));
});

test('md4() handles inputs around the 56-byte padding boundary', () => {
  // 55, 56 and 64 bytes straddle the one-block/two-block padding edge.
  assert.equal(md4(Buffer.alloc(55, 0x61)).length, 16);
  assert.notEqual(md4(Buffer.alloc(56, 0x61)).toString('hex'), md4(Buffer.alloc(55, 0x61)).toString('hex'));
  assert.equal(md4(Buffer.alloc(64, 0x61)).length, 16);
});
