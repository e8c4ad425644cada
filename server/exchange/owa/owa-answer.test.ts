import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readOwaAnswer } from './owa-answer.ts';
import { ForbiddenError, RejectedError, TransientError } from '../errors.ts';
import { fixture } from '../fixtures/index.ts';

const facts = { method: 'GET', path: '/exchange/a/Calendar/x.EML', status: 200, durationMs: 1, requestId: 'r' };
const res = (status: number, body = '', headers: Record<string, string> = {}) => ({ status, body, headers, facts: { ...facts, status } });

test('readOwaAnswer() takes a redirect target as the item and strips ?Cmd=', () => {
  assert.deepEqual(readOwaAnswer(res(302, '', { location: 'https://mail.example.com/exchange/a/Drafts/Canceled.EML?Cmd=edit' })), {
    itemPath: '/exchange/a/Drafts/Canceled.EML',
  });
});

test('readOwaAnswer() reads the itemHREF span of a 200 page', () => {
  assert.deepEqual(readOwaAnswer(res(200, fixture('owa-ok.html'))), { itemPath: '/exchange/alice/Calendar/rb-42.EML' });
});

test('readOwaAnswer() treats a 200 error page as a rejection, not success', () => {
  assert.throws(
    () => readOwaAnswer(res(200, fixture('owa-error.html'))),
    (e: unknown) => e instanceof RejectedError && e.reason === 'owa-error-page',
  );
});

test('readOwaAnswer() treats a 200 logon page as a rejection', () => {
  assert.throws(
    () => readOwaAnswer(res(200, fixture('owa-logon.html'))),
    (e: unknown) => e instanceof RejectedError && e.reason === 'owa-logon-page',
  );
});

test('readOwaAnswer() maps error statuses through the one status map', () => {
  assert.throws(() => readOwaAnswer(res(403)), ForbiddenError);
  assert.throws(() => readOwaAnswer(res(500)), TransientError);
});
