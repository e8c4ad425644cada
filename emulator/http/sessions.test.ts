import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRIVATE_TIMEOUT_MS, PUBLIC_TIMEOUT_MS, SessionStore, parseCookies } from './sessions.ts';

test('SessionStore.lookup() slides the expiry and expires a public session after 15 idle minutes', () => {
  let now = 0;
  const sessions = new SessionStore(() => now);
  const s = sessions.create('alice', false, '0x409');
  now = PUBLIC_TIMEOUT_MS - 1;
  assert.equal(sessions.lookup(s.sessionId, s.cadata)?.alias, 'alice');
  now += PUBLIC_TIMEOUT_MS - 1;
  assert.ok(sessions.lookup(s.sessionId, s.cadata), 'the last use moved the expiry');
  now += PUBLIC_TIMEOUT_MS + 1;
  assert.equal(sessions.lookup(s.sessionId, s.cadata), undefined);
});

test('SessionStore.lookup() keeps a private session for 24 hours and refuses a wrong cadata', () => {
  let now = 0;
  const sessions = new SessionStore(() => now);
  const s = sessions.create('bob', true, '0x409');
  now = PRIVATE_TIMEOUT_MS - 1;
  assert.ok(sessions.lookup(s.sessionId, s.cadata));
  assert.equal(sessions.lookup(s.sessionId, 'forged'), undefined);
});

test('SessionStore.expire() ends one user sessions or all of them', () => {
  const sessions = new SessionStore(() => 0);
  const a = sessions.create('alice', true, '0x409');
  const b = sessions.create('bob', true, '0x409');
  assert.equal(sessions.expire('alice'), 1);
  assert.equal(sessions.lookup(a.sessionId, a.cadata), undefined);
  assert.ok(sessions.lookup(b.sessionId, b.cadata));
  assert.equal(sessions.expire(), 2);
  assert.equal(sessions.lookup(b.sessionId, b.cadata), undefined);
});

test('parseCookies() strips the quotes of cadata', () => {
  const c = parseCookies('sessionid=abc,0x409; cadata="2,xyz=="; PBack=0');
  assert.equal(c.get('sessionid'), 'abc,0x409');
  assert.equal(c.get('cadata'), '2,xyz==');
  assert.equal(c.get('PBack'), '0');
});
