import assert from 'node:assert/strict';
import { test } from 'node:test';
import { proposalFormTimes } from './proposals.ts';

test('proposalFormTimes(): the proposed UTC times as the change form takes them, in the room’s zone', () => {
  assert.deepEqual(proposalFormTimes({ startsAt: '2026-12-03T14:00:00.000Z', endsAt: '2026-12-03T15:30:00.000Z' }, 'Europe/London'), {
    date: '2026-12-03',
    start: '14:00',
    end: '15:30',
  });
  // Summer time in Budapest: UTC+2.
  assert.deepEqual(proposalFormTimes({ startsAt: '2026-07-01T07:00:00.000Z', endsAt: '2026-07-01T08:00:00.000Z' }, 'Europe/Budapest'), {
    date: '2026-07-01',
    start: '09:00',
    end: '10:00',
  });
  assert.equal(proposalFormTimes({ startsAt: '2026-12-03T23:00:00.000Z', endsAt: '2026-12-04T01:00:00.000Z' }, 'Europe/London'), null, 'across midnight');
  assert.equal(proposalFormTimes({ startsAt: 'garbage', endsAt: '2026-12-04T01:00:00.000Z' }, 'Europe/London'), null);
});
