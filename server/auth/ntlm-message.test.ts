import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAccountName, parseNtlmHeader } from './ntlm-message.ts';
import { anonymousType3Header, type1Header, type3Header } from './test/ntlm-client.ts';

const challenge = { serverChallenge: Buffer.alloc(8, 1), flags: 0xa2898205, targetInfo: Buffer.alloc(0), targetName: 'CORP' };
const b64 = (...parts: Buffer[]) => Buffer.concat(parts).toString('base64');
const SIG = Buffer.from('NTLMSSP\0', 'ascii');

test('parseNtlmHeader() tells a missing header from a foreign scheme', () => {
  assert.deepEqual(parseNtlmHeader(undefined), { kind: 'none' });
  assert.deepEqual(parseNtlmHeader('  '), { kind: 'none' });
  assert.deepEqual(parseNtlmHeader('Basic Y2Fyb2w6cHc='), { kind: 'foreign' });
  assert.deepEqual(parseNtlmHeader('Bearer abc.def'), { kind: 'foreign' });
  assert.deepEqual(parseNtlmHeader('Negotiate YIIB'), { kind: 'foreign' });
});

test('parseNtlmHeader() reads a type 1 and a type 3 with a user', () => {
  assert.equal(parseNtlmHeader(type1Header()).kind, 'negotiate');
  const t3 = parseNtlmHeader(type3Header(challenge, { user: 'carol', password: 'pw', domain: 'CORP' }));
  assert.equal(t3.kind, 'authenticate');
  assert.equal(t3.kind === 'authenticate' && t3.anonymous, false);
});

test('parseNtlmHeader() marks an anonymous type 3 as anonymous', () => {
  const t3 = parseNtlmHeader(anonymousType3Header(challenge));
  assert.equal(t3.kind === 'authenticate' && t3.anonymous, true);
});

test('parseNtlmHeader() rejects malformed NTLM headers', () => {
  for (const header of [
    'NTLM',
    'NTLM !!!',
    'NTLM abc',
    'NTLM TlRMTVNTUAABAAAA extra',
    `NTLM ${b64(Buffer.from('not ntlm at all, really'))}`,
    `NTLM ${b64(SIG, Buffer.from([2, 0, 0, 0]), Buffer.alloc(40))}`,
    `NTLM ${b64(SIG, Buffer.from([3, 0, 0, 0]), Buffer.alloc(20))}`,
    `NTLM ${b64(SIG, Buffer.from([3, 0, 0, 0]), Buffer.alloc(52, 0xff))}`,
    `NTLM ${'A'.repeat(9000)}`,
  ]) {
    assert.deepEqual(parseNtlmHeader(header), { kind: 'malformed' }, header.slice(0, 40));
  }
});

test('parseAccountName() normalises DOMAIN\\user and refuses other shapes', () => {
  assert.deepEqual(parseAccountName('CORP\\Carol'), { domain: 'CORP', user: 'carol' });
  assert.deepEqual(parseAccountName('corp\\carol'), { domain: 'CORP', user: 'carol' });
  assert.equal(parseAccountName('carol'), null);
  assert.equal(parseAccountName('CORP\\'), null);
  assert.equal(parseAccountName('\\carol'), null);
  assert.equal(parseAccountName('A\\B\\C'), null);
});
