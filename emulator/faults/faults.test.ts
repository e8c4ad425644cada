import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultState } from './faults.ts';

test('FaultState.take() matches method and path case-insensitively and counts down', () => {
  const faults = new FaultState();
  faults.add({ kind: 'status', status: 503, method: 'propfind', path: '/calendar', count: 2 });
  assert.equal(faults.take('GET', '/exchange/alice/Calendar/').length, 0);
  assert.equal(faults.take('PROPFIND', '/exchange/alice/Inbox/').length, 0);
  assert.equal(faults.take('PROPFIND', '/exchange/alice/Calendar/').length, 1);
  assert.equal(faults.take('PROPFIND', '/exchange/alice/Calendar/').length, 1);
  assert.equal(faults.take('PROPFIND', '/exchange/alice/Calendar/').length, 0);
  assert.equal(faults.rules.length, 0);
});

test('FaultState.take() keeps a rule without count for every request', () => {
  const faults = new FaultState();
  const rule = faults.add({ kind: 'latency', latencyMs: 5 });
  for (let i = 0; i < 3; i++) assert.equal(faults.take('GET', '/x').length, 1);
  assert.equal(rule.hits, 3);
  assert.equal(faults.remove(rule.id), true);
  assert.equal(faults.take('GET', '/x').length, 0);
});

test('FaultState.add() refuses an unknown kind', () => {
  const faults = new FaultState();
  assert.throws(() => faults.add({ kind: 'explode' as 'drop' }));
});
