import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureLimiter } from './rate-limit.ts';

test('FailureLimiter.retryAfterSeconds() blocks a key at the limit until the oldest failure leaves the window', () => {
  let now = 1_000_000;
  const limiter = new FailureLimiter(3, 60_000, () => now);
  limiter.fail('k');
  now += 10_000;
  limiter.fail('k');
  assert.equal(limiter.retryAfterSeconds('k'), 0);
  limiter.fail('k');
  assert.equal(limiter.retryAfterSeconds('k'), 50);
  now += 50_000;
  assert.equal(limiter.retryAfterSeconds('k'), 0, 'the first failure has left the window');
  assert.equal(limiter.retryAfterSeconds('other'), 0);
});

test('FailureLimiter.reset() forgets a key after a successful sign-in', () => {
  const limiter = new FailureLimiter(1, 60_000);
  limiter.fail('k');
  assert.ok(limiter.retryAfterSeconds('k') > 0);
  limiter.reset('k');
  assert.equal(limiter.retryAfterSeconds('k'), 0);
});
