import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthFailedError,
  ConflictError,
  errorForStatus,
  ExchangeError,
  ForbiddenError,
  NotFoundError,
  parseRetryAfter,
  RejectedError,
  TransientError,
} from './errors.ts';

const facts = { method: 'PROPPATCH', path: '/exchange/alice/Calendar/x.EML', status: 0, durationMs: 12, requestId: 'r1' };

test('errorForStatus() maps each status to its error class', () => {
  const cases: [number, new (...a: never[]) => ExchangeError][] = [
    [401, AuthFailedError],
    [440, AuthFailedError],
    [403, ForbiddenError],
    [404, NotFoundError],
    [409, ConflictError],
    [412, ConflictError],
    [423, TransientError],
    [500, TransientError],
    [502, TransientError],
    [503, TransientError],
    [507, RejectedError],
    [400, RejectedError],
    [302, RejectedError],
  ];
  for (const [status, cls] of cases) {
    const error = errorForStatus(status, facts);
    assert.ok(error instanceof cls, `${status} → ${error?.name}`);
    assert.equal(error.status, status);
  }
});

test('errorForStatus() returns null for success codes', () => {
  for (const status of [200, 201, 204, 207]) assert.equal(errorForStatus(status, facts), null);
});

test('errorForStatus() carries method, path, duration and request id', () => {
  const error = errorForStatus(404, facts)!;
  assert.deepEqual([error.method, error.path, error.durationMs, error.requestId], ['PROPPATCH', facts.path, 12, 'r1']);
  assert.match(error.message, /PROPPATCH \/exchange\/alice\/Calendar\/x.EML → 404/);
});

test('errorForStatus() keeps Retry-After on a 503', () => {
  const error = errorForStatus(503, facts, 30);
  assert.ok(error instanceof TransientError);
  assert.equal(error.retryAfterSeconds, 30);
});

test('parseRetryAfter() reads seconds and HTTP dates', () => {
  assert.equal(parseRetryAfter('120', 0), 120);
  assert.equal(parseRetryAfter('Thu, 01 Jan 1970 00:01:00 GMT', 0), 60);
  assert.equal(parseRetryAfter('soon', 0), null);
  assert.equal(parseRetryAfter(undefined, 0), null);
});

test('RejectedError() keeps a stable reason', () => {
  const error = new RejectedError('owa-error-page', { ...facts, status: 200 }, 'The operation failed');
  assert.equal(error.reason, 'owa-error-page');
  assert.equal(error.code, 'exchange.rejected');
  assert.equal(error.name, 'RejectedError');
});
