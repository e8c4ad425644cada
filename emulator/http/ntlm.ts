// NTLM over HTTP ([MS-NLMP]): type 1 → type 2 challenge, type 3 verified as NTLMv2 against the configured
// password. The result belongs to the TCP connection, as on IIS (protocol reference §3).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { md4 } from './md4.ts';

const SIGNATURE = Buffer.from('NTLMSSP\0', 'ascii');

const FLAGS = {
  UNICODE: 0x00000001,
  OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  NTLM: 0x00000200,
  ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  KEY_128: 0x20000000,
  KEY_EXCH: 0x40000000,
  KEY_56: 0x80000000,
} as const;

export class NtlmMessageError extends Error {}

export function messageType(msg: Buffer): number {
  if (msg.length < 12 || !msg.subarray(0, 8).equals(SIGNATURE)) throw new NtlmMessageError('not an NTLMSSP message');
  return msg.readUInt32LE(8);
}

export function parseType1(msg: Buffer): { flags: number } {
  if (messageType(msg) !== 1 || msg.length < 16) throw new NtlmMessageError('expected an NTLM type 1 message');
  return { flags: msg.readUInt32LE(12) };
}

function avPair(id: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(id, 0);
  head.writeUInt16LE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** Builds the type 2 (challenge) message for a server in `domain`. */
export function buildType2(opts: { challenge: Buffer; domain: string; server: string; dnsDomain: string; clientFlags: number }): Buffer {
  const unicode = (opts.clientFlags & FLAGS.UNICODE) !== 0;
  const enc = (s: string): Buffer => Buffer.from(s, unicode ? 'utf16le' : 'latin1');
  const u = (s: string): Buffer => Buffer.from(s, 'utf16le');
  const target = enc(opts.domain.toUpperCase());
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64LE((BigInt(Date.now()) + 11644473600000n) * 10000n);
  const info = Buffer.concat([
    avPair(2, u(opts.domain.toUpperCase())),
    avPair(1, u(opts.server.toUpperCase())),
    avPair(4, u(opts.dnsDomain)),
    avPair(3, u(`${opts.server.toLowerCase()}.${opts.dnsDomain}`)),
    avPair(7, timestamp),
    avPair(0, Buffer.alloc(0)),
  ]);
  let flags =
    (unicode ? FLAGS.UNICODE : FLAGS.OEM) |
    FLAGS.REQUEST_TARGET |
    FLAGS.NTLM |
    FLAGS.ALWAYS_SIGN |
    FLAGS.TARGET_TYPE_DOMAIN |
    FLAGS.TARGET_INFO |
    FLAGS.VERSION;
  flags |= opts.clientFlags & (FLAGS.EXTENDED_SESSIONSECURITY | FLAGS.KEY_128 | FLAGS.KEY_56 | FLAGS.KEY_EXCH);
  const header = Buffer.alloc(56);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(2, 8);
  header.writeUInt16LE(target.length, 12);
  header.writeUInt16LE(target.length, 14);
  header.writeUInt32LE(56, 16);
  header.writeUInt32LE(flags >>> 0, 20);
  opts.challenge.copy(header, 24);
  header.writeUInt16LE(info.length, 40);
  header.writeUInt16LE(info.length, 42);
  header.writeUInt32LE(56 + target.length, 44);
  // Version: Windows Server 2003 (5.2, build 3790), NTLM revision 15.
  Buffer.from([5, 2, 0xce, 0x0e, 0, 0, 0, 15]).copy(header, 48);
  return Buffer.concat([header, target, info]);
}

export interface Type3 {
  user: string;
  domain: string;
  workstation: string;
  ntResponse: Buffer;
  lmResponse: Buffer;
}

function field(msg: Buffer, offset: number): Buffer {
  if (msg.length < offset + 8) throw new NtlmMessageError('truncated NTLM message');
  const len = msg.readUInt16LE(offset);
  const at = msg.readUInt32LE(offset + 4);
  if (at + len > msg.length) throw new NtlmMessageError('NTLM field out of bounds');
  return msg.subarray(at, at + len);
}

export function parseType3(msg: Buffer): Type3 {
  if (messageType(msg) !== 3) throw new NtlmMessageError('expected an NTLM type 3 message');
  const flags = msg.length >= 64 ? msg.readUInt32LE(60) : FLAGS.UNICODE;
  const text = (b: Buffer): string => b.toString((flags & FLAGS.UNICODE) !== 0 ? 'utf16le' : 'latin1');
  return {
    lmResponse: field(msg, 12),
    ntResponse: field(msg, 20),
    domain: text(field(msg, 28)),
    user: text(field(msg, 36)),
    workstation: text(field(msg, 44)),
  };
}

/** NTOWFv2 = HMAC-MD5(MD4(UTF-16LE(password)), UTF-16LE(UPPER(user) + domain)). */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  const ntHash = md4(Buffer.from(password, 'utf16le'));
  return createHmac('md5', ntHash)
    .update(Buffer.from(user.toUpperCase() + domain, 'utf16le'))
    .digest();
}

/** NTProofStr = HMAC-MD5(NTOWFv2, serverChallenge ‖ blob); the NTLMv2 response is NTProofStr ‖ blob. */
export function ntProof(key: Buffer, serverChallenge: Buffer, blob: Buffer): Buffer {
  return createHmac('md5', key)
    .update(Buffer.concat([serverChallenge, blob]))
    .digest();
}

/**
 * Checks an NTLMv2 response. Anonymous (empty user or response) and NTLMv1 (24-byte) responses fail: the
 * emulator insists on NTLMv2 (LmCompatibilityLevel 5 on the real server).
 */
export function verifyNtlmV2(t3: Type3, serverChallenge: Buffer, password: string): boolean {
  if (!t3.user || t3.ntResponse.length <= 24) return false;
  const proof = t3.ntResponse.subarray(0, 16);
  const blob = t3.ntResponse.subarray(16);
  // Clients differ in the domain they mix in (as typed, upper-cased, or none); Windows accepts what was sent.
  for (const domain of new Set([t3.domain, t3.domain.toUpperCase(), ''])) {
    const expected = ntProof(ntowfv2(password, t3.user, domain), serverChallenge, blob);
    if (timingSafeEqual(expected, proof)) return true;
  }
  return false;
}

export function newChallenge(): Buffer {
  return randomBytes(8);
}

// --- client side, used by tests and by anyone scripting against the emulator ---

export function buildType1(): Buffer {
  const msg = Buffer.alloc(32);
  SIGNATURE.copy(msg, 0);
  msg.writeUInt32LE(1, 8);
  msg.writeUInt32LE((FLAGS.UNICODE | FLAGS.REQUEST_TARGET | FLAGS.NTLM | FLAGS.ALWAYS_SIGN | FLAGS.EXTENDED_SESSIONSECURITY | FLAGS.KEY_128) >>> 0, 12);
  return msg;
}

/** Reads the server challenge and target info out of a type 2 message. */
export function parseType2(msg: Buffer): { challenge: Buffer; targetInfo: Buffer } {
  if (messageType(msg) !== 2) throw new NtlmMessageError('expected an NTLM type 2 message');
  return { challenge: msg.subarray(24, 32), targetInfo: field(msg, 40) };
}

/** Builds an NTLMv2 type 3 answer; `password: undefined` builds an anonymous one. */
export function buildType3(opts: { type2: Buffer; user: string; domain: string; password: string | undefined; workstation?: string }): Buffer {
  const { challenge, targetInfo } = parseType2(opts.type2);
  let nt = Buffer.alloc(0);
  let lm = Buffer.alloc(0);
  if (opts.password !== undefined) {
    const blob = Buffer.alloc(28 + targetInfo.length + 4);
    blob.writeUInt32LE(0x00000101, 0);
    blob.writeBigUInt64LE((BigInt(Date.now()) + 11644473600000n) * 10000n, 8);
    randomBytes(8).copy(blob, 16);
    targetInfo.copy(blob, 28);
    const key = ntowfv2(opts.password, opts.user, opts.domain);
    nt = Buffer.concat([ntProof(key, challenge, blob), blob]);
    const clientChallenge = randomBytes(8);
    lm = Buffer.concat([ntProof(key, challenge, clientChallenge), clientChallenge]);
  }
  const parts = [
    lm,
    nt,
    Buffer.from(opts.domain, 'utf16le'),
    Buffer.from(opts.user, 'utf16le'),
    Buffer.from(opts.workstation ?? 'WS01', 'utf16le'),
    Buffer.alloc(0),
  ];
  const header = Buffer.alloc(64);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(3, 8);
  let offset = 64;
  parts.forEach((p, i) => {
    header.writeUInt16LE(p.length, 12 + i * 8);
    header.writeUInt16LE(p.length, 14 + i * 8);
    header.writeUInt32LE(offset, 16 + i * 8);
    offset += p.length;
  });
  header.writeUInt32LE((FLAGS.UNICODE | FLAGS.NTLM | FLAGS.EXTENDED_SESSIONSECURITY) >>> 0, 60);
  return Buffer.concat([header, ...parts]);
}
