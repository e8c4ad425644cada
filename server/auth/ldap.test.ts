import assert from 'node:assert/strict';
import { test } from 'node:test';
import { domainUsername, emailFromPattern } from './domain-user.ts';
import { directoryUsername } from './ldap.ts';

test('directoryUsername() strips the own domain and blanks other domains', () => {
  assert.equal(directoryUsername('carol', 'CORP'), 'carol');
  assert.equal(directoryUsername('  CORP\\carol ', 'CORP'), 'carol');
  assert.equal(directoryUsername('corp\\carol', 'CORP'), 'carol');
  assert.equal(directoryUsername('EVIL\\carol', 'CORP'), '');
  assert.equal(directoryUsername(['carol'], 'CORP'), '');
  assert.equal(directoryUsername(undefined, 'CORP'), '');
});

test('domainUsername() and emailFromPattern() give one lower-case name per account', () => {
  assert.equal(domainUsername({ domain: 'CORP', user: 'Carol' }), 'corp\\carol');
  assert.equal(emailFromPattern('{user}@example.com', 'Carol'), 'carol@example.com');
});
