import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authenticateMessage, fileTime, negotiateMessage, ntHash, ntlmV2Responses, ntowfv2, parseChallengeMessage, splitUserName } from './ntlm-messages.ts';

// [MS-NLMP] 4.2.4: NTLMv2 test vectors (User / Domain / Password, server "Server").
const CHALLENGE = Buffer.from(
  '4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000' +
    '0600700f0000000f53006500720076006500720002000c0044006f006d00610069006e0001000c005300650072007600' +
    '6500720000000000',
  'hex',
);
const identity = { user: 'User', domain: 'Domain', password: 'Password', workstation: 'COMPUTER' };
const clientChallenge = Buffer.alloc(8, 0xaa);

test('ntHash() matches the MS-NLMP NTOWFv1 vector', () => {
  assert.equal(ntHash('Password').toString('hex'), 'a4f49c406510bdcab6824ee7c30fd852');
});

test('ntowfv2() matches the MS-NLMP NTOWFv2 vector', () => {
  assert.equal(ntowfv2('Password', 'User', 'Domain').toString('hex'), '0c868a403bfd7a93a3001ef22ef02e3f');
});

test('parseChallengeMessage() reads flags, challenge, target name and target info', () => {
  const c = parseChallengeMessage(CHALLENGE);
  assert.equal(c.serverChallenge.toString('hex'), '0123456789abcdef');
  assert.equal(c.targetName, 'Server');
  assert.equal(c.flags >>> 0, 0xe28a8233);
  assert.equal(c.targetInfo.length, 36);
  assert.equal(c.timestamp, null);
});

test('ntlmV2Responses() matches the MS-NLMP NTProofStr and LMv2 vectors', () => {
  const r = ntlmV2Responses(identity, parseChallengeMessage(CHALLENGE), clientChallenge, Buffer.alloc(8));
  assert.equal(r.ntProofStr.toString('hex'), '68cd0ab851e51c96aabc927bebef6a1c');
  assert.equal(r.lmResponse.toString('hex'), '86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
});

test('authenticateMessage() lays out security buffers that point at the right payload', () => {
  const msg = authenticateMessage(identity, parseChallengeMessage(CHALLENGE), { clientChallenge, nowMs: 0 });
  assert.equal(msg.subarray(0, 8).toString('latin1'), 'NTLMSSP\0');
  assert.equal(msg.readUInt32LE(8), 3);
  const field = (at: number) => msg.subarray(msg.readUInt32LE(at + 4), msg.readUInt32LE(at + 4) + msg.readUInt16LE(at));
  assert.equal(field(28).toString('utf16le'), 'Domain');
  assert.equal(field(36).toString('utf16le'), 'User');
  assert.equal(field(44).toString('utf16le'), 'COMPUTER');
  assert.equal(field(12).length, 24);
  assert.equal(field(20).subarray(32, 40).toString('hex'), 'aaaaaaaaaaaaaaaa');
});

test('authenticateMessage() sends Z(24) as LM response when the server sent a timestamp', () => {
  const c = { ...parseChallengeMessage(CHALLENGE), timestamp: fileTime(0) };
  const msg = authenticateMessage(identity, c, { clientChallenge });
  const lm = msg.subarray(msg.readUInt32LE(16), msg.readUInt32LE(16) + 24);
  assert.ok(lm.equals(Buffer.alloc(24)));
});

test('negotiateMessage() is a type 1 message asking for NTLM and Unicode', () => {
  const msg = negotiateMessage();
  assert.equal(msg.readUInt32LE(8), 1);
  assert.ok(msg.readUInt32LE(12) & 0x200);
  assert.ok(msg.readUInt32LE(12) & 0x1);
});

test('parseChallengeMessage() rejects something that is not a challenge', () => {
  assert.throws(() => parseChallengeMessage(negotiateMessage()), /not a type 2/);
});

test('splitUserName() understands DOMAIN\\user, user@domain and a bare name', () => {
  assert.deepEqual(splitUserName('EXAMPLE\\booking-svc'), { domain: 'EXAMPLE', user: 'booking-svc' });
  assert.deepEqual(splitUserName('booking-svc@example.com'), { domain: 'example.com', user: 'booking-svc' });
  assert.deepEqual(splitUserName('booking-svc'), { domain: '', user: 'booking-svc' });
});

test('fileTime() counts 100 ns ticks since 1601', () => {
  assert.equal(fileTime(0).readBigUInt64LE(), 116444736000000000n);
});
