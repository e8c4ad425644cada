import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildType1, buildType2, buildType3, ntowfv2, ntProof, parseType1, parseType3, verifyNtlmV2 } from './ntlm.ts';

test('ntowfv2() matches the [MS-NLMP] 4.2.4.1.1 test vector', () => {
  assert.equal(ntowfv2('Password', 'User', 'Domain').toString('hex'), '0c868a403bfd7a93a3001ef22ef02e3f');
});

test('ntProof() matches the [MS-NLMP] 4.2.4.2.2 NTProofStr test vector', () => {
  const key = ntowfv2('Password', 'User', 'Domain');
  const serverChallenge = Buffer.from('0123456789abcdef', 'hex');
  const targetInfo = Buffer.from('02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000', 'hex');
  const blob = Buffer.concat([
    Buffer.from('0101000000000000', 'hex'),
    Buffer.alloc(8),
    Buffer.from('aaaaaaaaaaaaaaaa', 'hex'),
    Buffer.alloc(4),
    targetInfo,
    Buffer.alloc(4),
  ]);
  assert.equal(ntProof(key, serverChallenge, blob).toString('hex'), '68cd0ab851e51c96aabc927bebef6a1c');
});

function handshake(password: string | undefined, user = 'alice', domain = 'EXAMPLE') {
  const t1 = parseType1(buildType1());
  const challenge = Buffer.from('0011223344556677', 'hex');
  const type2 = buildType2({ challenge, domain: 'EXAMPLE', server: 'MAIL01', dnsDomain: 'example.com', clientFlags: t1.flags });
  return { challenge, t3: parseType3(buildType3({ type2, user, domain, password })) };
}

test('verifyNtlmV2() accepts the right password', () => {
  const { challenge, t3 } = handshake('demo');
  assert.equal(t3.user, 'alice');
  assert.equal(t3.domain, 'EXAMPLE');
  assert.equal(verifyNtlmV2(t3, challenge, 'demo'), true);
});

test('verifyNtlmV2() refuses a wrong password', () => {
  const { challenge, t3 } = handshake('wrong');
  assert.equal(verifyNtlmV2(t3, challenge, 'demo'), false);
});

test('verifyNtlmV2() refuses an anonymous type 3 message', () => {
  const { challenge, t3 } = handshake(undefined, '', '');
  assert.equal(verifyNtlmV2(t3, challenge, ''), false);
});

test('verifyNtlmV2() refuses a response computed for another challenge', () => {
  const { t3 } = handshake('demo');
  assert.equal(verifyNtlmV2(t3, Buffer.alloc(8), 'demo'), false);
});
