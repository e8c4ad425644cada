import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelayMs, withRetryAfter } from './backoff.ts';

test('retryDelayMs() doubles per attempt between half and the whole of the step', () => {
  assert.equal(retryDelayMs(1, 0), 1_000);
  assert.equal(retryDelayMs(1, 0.999999), 2_000);
  assert.equal(retryDelayMs(2, 0), 2_000);
  assert.equal(retryDelayMs(3, 1), 8_000);
});

test('retryDelayMs() never exceeds the cap, even after many attempts', () => {
  assert.equal(retryDelayMs(40, 1), 300_000);
  assert.equal(retryDelayMs(1000, 0.5), 225_000);
});

test('withRetryAfter() waits at least as long as the server asked', () => {
  assert.equal(withRetryAfter(1_000, 30), 30_000);
  assert.equal(withRetryAfter(60_000, 30), 60_000);
  assert.equal(withRetryAfter(5_000, null), 5_000);
});
