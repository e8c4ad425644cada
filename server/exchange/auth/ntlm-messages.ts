// NTLM client messages ([MS-NLMP]): NEGOTIATE (type 1), CHALLENGE parsing (type 2), and an NTLMv2
// AUTHENTICATE (type 3). No signing or sealing: HTTP only needs the handshake.
import { createHmac, randomBytes } from 'node:crypto';
import { md4 } from './md4.ts';

const SIGNATURE = Buffer.from('NTLMSSP\0', 'ascii');
const FLAGS = {
  unicode: 0x00000001,
  oem: 0x00000002,
  requestTarget: 0x00000004,
  ntlm: 0x00000200,
  alwaysSign: 0x00008000,
  extendedSessionSecurity: 0x00080000,
  targetInfo: 0x00800000,
  bits128: 0x20000000,
  bits56: 0x80000000,
} as const;
const NEGOTIATE_FLAGS =
  (FLAGS.unicode | FLAGS.oem | FLAGS.requestTarget | FLAGS.ntlm | FLAGS.alwaysSign | FLAGS.extendedSessionSecurity | FLAGS.bits128 | FLAGS.bits56) >>> 0;
const AV_TIMESTAMP = 7;
const AV_EOL = 0;

export interface NtlmIdentity {
  user: string;
  domain: string;
  password: string;
  workstation: string;
}

export interface NtlmChallenge {
  flags: number;
  serverChallenge: Buffer;
  targetName: string;
  targetInfo: Buffer;
  /** MsvAvTimestamp from the target info, when the server sent one. */
  timestamp: Buffer | null;
}

/** `DOMAIN\user` or `user@domain` or `user` → user and domain. */
export function splitUserName(name: string): { user: string; domain: string } {
  const backslash = name.indexOf('\\');
  if (backslash >= 0) return { domain: name.slice(0, backslash), user: name.slice(backslash + 1) };
  const at = name.lastIndexOf('@');
  if (at > 0) return { user: name.slice(0, at), domain: name.slice(at + 1) };
  return { user: name, domain: '' };
}

function utf16(text: string): Buffer {
  return Buffer.from(text, 'utf16le');
}

function hmacMd5(key: Buffer, ...data: Buffer[]): Buffer {
  const hmac = createHmac('md5', key);
  for (const d of data) hmac.update(d);
  return hmac.digest();
}

/** NTOWFv1 = MD4(UTF-16LE(password)): the NT hash. */
export function ntHash(password: string): Buffer {
  return md4(utf16(password));
}

/** NTOWFv2 = HMAC-MD5(NT hash, UTF-16LE(UPPER(user) + domain)). */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(ntHash(password), utf16(user.toUpperCase() + domain));
}

export function negotiateMessage(): Buffer {
  const msg = Buffer.alloc(32);
  SIGNATURE.copy(msg, 0);
  msg.writeUInt32LE(1, 8);
  msg.writeUInt32LE(NEGOTIATE_FLAGS, 12);
  // Domain and workstation security buffers stay empty (offset = end of message).
  msg.writeUInt32LE(32, 20);
  msg.writeUInt32LE(32, 28);
  return msg;
}

function readSecurityBuffer(msg: Buffer, at: number): Buffer {
  const length = msg.readUInt16LE(at);
  const offset = msg.readUInt32LE(at + 4);
  if (offset + length > msg.length) throw new Error('NTLM challenge: security buffer out of range');
  return msg.subarray(offset, offset + length);
}

export function parseChallengeMessage(msg: Buffer): NtlmChallenge {
  if (msg.length < 32 || !msg.subarray(0, 8).equals(SIGNATURE) || msg.readUInt32LE(8) !== 2) {
    throw new Error('NTLM challenge: not a type 2 message');
  }
  const flags = msg.readUInt32LE(20);
  const targetName = readSecurityBuffer(msg, 12);
  const targetInfo = msg.length >= 48 ? readSecurityBuffer(msg, 40) : Buffer.alloc(0);
  let timestamp: Buffer | null = null;
  for (let at = 0; at + 4 <= targetInfo.length;) {
    const id = targetInfo.readUInt16LE(at);
    const len = targetInfo.readUInt16LE(at + 2);
    if (id === AV_EOL) break;
    if (id === AV_TIMESTAMP && len === 8) timestamp = Buffer.from(targetInfo.subarray(at + 4, at + 12));
    at += 4 + len;
  }
  return {
    flags,
    serverChallenge: Buffer.from(msg.subarray(24, 32)),
    targetName: flags & FLAGS.unicode ? targetName.toString('utf16le') : targetName.toString('latin1'),
    targetInfo: Buffer.from(targetInfo),
    timestamp,
  };
}

/** Windows FILETIME (100 ns since 1601) of a Unix time in ms, little-endian. */
export function fileTime(unixMs: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE((BigInt(Math.trunc(unixMs)) + 11644473600000n) * 10000n);
  return out;
}

export interface NtlmV2Responses {
  ntResponse: Buffer;
  lmResponse: Buffer;
  ntProofStr: Buffer;
}

export function ntlmV2Responses(identity: NtlmIdentity, challenge: NtlmChallenge, clientChallenge: Buffer, time: Buffer): NtlmV2Responses {
  const key = ntowfv2(identity.password, identity.user, identity.domain);
  const temp = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), time, clientChallenge, Buffer.alloc(4), challenge.targetInfo, Buffer.alloc(4)]);
  const ntProofStr = hmacMd5(key, challenge.serverChallenge, temp);
  // [MS-NLMP] 3.1.5.1.2: with a server timestamp the LMv2 response is Z(24).
  const lmResponse = challenge.timestamp ? Buffer.alloc(24) : Buffer.concat([hmacMd5(key, challenge.serverChallenge, clientChallenge), clientChallenge]);
  return { ntResponse: Buffer.concat([ntProofStr, temp]), lmResponse, ntProofStr };
}

export function authenticateMessage(identity: NtlmIdentity, challenge: NtlmChallenge, options: { clientChallenge?: Buffer; nowMs?: number } = {}): Buffer {
  const clientChallenge = options.clientChallenge ?? randomBytes(8);
  const time = challenge.timestamp ?? fileTime(options.nowMs ?? Date.now());
  const { ntResponse, lmResponse } = ntlmV2Responses(identity, challenge, clientChallenge, time);
  const fields = [lmResponse, ntResponse, utf16(identity.domain), utf16(identity.user), utf16(identity.workstation), Buffer.alloc(0)];
  const header = Buffer.alloc(64);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(3, 8);
  // Payload order: domain, user, workstation, LM, NT (any order is valid; offsets say where).
  const order = [2, 3, 4, 0, 1, 5];
  const offsets = new Array<number>(fields.length).fill(64);
  let offset = 64;
  for (const i of order) {
    offsets[i] = offset;
    offset += fields[i]!.length;
  }
  const slots = [12, 20, 28, 36, 44, 52]; // LM, NT, domain, user, workstation, session key
  fields.forEach((field, i) => {
    header.writeUInt16LE(field.length, slots[i]!);
    header.writeUInt16LE(field.length, slots[i]! + 2);
    header.writeUInt32LE(offsets[i]!, slots[i]! + 4);
  });
  const flags = ((challenge.flags & NEGOTIATE_FLAGS) | FLAGS.unicode) >>> 0;
  header.writeUInt32LE(flags, 60);
  return Buffer.concat([header, ...order.map((i) => fields[i]!)]);
}
