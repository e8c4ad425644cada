// A small NTLMv2 client (MS-NLMP) for the tests: it builds the browser's type 1 and type 3 messages.
// Test-only and independent of server/exchange/, so a shared bug cannot hide itself.
import { createHmac, randomBytes } from 'node:crypto';
// MD4 is the gateway's (tested against RFC 1320); the NTLM messages here are the test's own, judged by Samba.
import { md4 } from '../../exchange/auth/md4.ts';

const SIGNATURE = Buffer.from('NTLMSSP\0', 'ascii');
const FLAGS = {
  unicode: 0x00000001,
  oem: 0x00000002,
  requestTarget: 0x00000004,
  ntlm: 0x00000200,
  anonymous: 0x00000800,
  alwaysSign: 0x00008000,
  extendedSessionSecurity: 0x00080000,
  targetInfo: 0x00800000,
  version: 0x02000000,
  n128: 0x20000000,
  n56: 0x80000000,
};
const CLIENT_FLAGS = FLAGS.unicode | FLAGS.oem | FLAGS.requestTarget | FLAGS.ntlm | FLAGS.alwaysSign | FLAGS.extendedSessionSecurity | FLAGS.n128 | FLAGS.n56;

export interface Challenge {
  serverChallenge: Buffer;
  flags: number;
  targetInfo: Buffer;
  targetName: string;
}

const hmacMd5 = (key: Buffer, ...data: Buffer[]) => {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
};

/** `NTLM <base64>` of a negotiate (type 1) message. */
export function type1Header(): string {
  const msg = Buffer.alloc(32);
  SIGNATURE.copy(msg);
  msg.writeUInt32LE(1, 8);
  msg.writeUInt32LE(CLIENT_FLAGS >>> 0, 12);
  // Empty domain and workstation security buffers (offset 32, length 0).
  msg.writeUInt32LE(32, 20);
  msg.writeUInt32LE(32, 28);
  return `NTLM ${msg.toString('base64')}`;
}

/** Reads the challenge (type 2) out of a `WWW-Authenticate: NTLM <base64>` header. */
export function parseChallenge(header: string | null): Challenge {
  const m = /^NTLM ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!m) throw new Error(`no NTLM challenge in ${JSON.stringify(header)}`);
  const msg = Buffer.from(m[1]!, 'base64');
  if (!msg.subarray(0, 8).equals(SIGNATURE) || msg.readUInt32LE(8) !== 2) throw new Error('not an NTLM type 2 message');
  const buffer = (at: number) => msg.subarray(msg.readUInt32LE(at + 4), msg.readUInt32LE(at + 4) + msg.readUInt16LE(at));
  return {
    targetName: buffer(12).toString('utf16le'),
    flags: msg.readUInt32LE(20),
    serverChallenge: msg.subarray(24, 32),
    targetInfo: buffer(40),
  };
}

interface Credentials {
  user: string;
  password: string;
  domain: string;
  workstation?: string;
}

function fileTimeNow(): Buffer {
  const t = Buffer.alloc(8);
  t.writeBigUInt64LE((BigInt(Date.now()) + 11_644_473_600_000n) * 10_000n);
  return t;
}

function type3(fields: { lm: Buffer; nt: Buffer; domain: string; user: string; workstation: string; flags: number }): string {
  const payload = [
    fields.lm,
    fields.nt,
    Buffer.from(fields.domain, 'utf16le'),
    Buffer.from(fields.user, 'utf16le'),
    Buffer.from(fields.workstation, 'utf16le'),
    Buffer.alloc(0),
  ];
  const header = Buffer.alloc(64);
  SIGNATURE.copy(header);
  header.writeUInt32LE(3, 8);
  let offset = header.length;
  payload.forEach((part, i) => {
    const at = 12 + i * 8;
    header.writeUInt16LE(part.length, at);
    header.writeUInt16LE(part.length, at + 2);
    header.writeUInt32LE(offset, at + 4);
    offset += part.length;
  });
  header.writeUInt32LE(fields.flags >>> 0, 60);
  return `NTLM ${Buffer.concat([header, ...payload]).toString('base64')}`;
}

/** `NTLM <base64>` of an authenticate (type 3) message with an NTLMv2 response for `creds`. */
export function type3Header(challenge: Challenge, creds: Credentials): string {
  const ntHash = md4(Buffer.from(creds.password, 'utf16le'));
  const v2Hash = hmacMd5(ntHash, Buffer.from(creds.user.toUpperCase() + creds.domain, 'utf16le'));
  const clientChallenge = randomBytes(8);
  const blob = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), fileTimeNow(), clientChallenge, Buffer.alloc(4), challenge.targetInfo, Buffer.alloc(4)]);
  const ntProof = hmacMd5(v2Hash, challenge.serverChallenge, blob);
  const lm = Buffer.concat([hmacMd5(v2Hash, challenge.serverChallenge, clientChallenge), clientChallenge]);
  const flags = (CLIENT_FLAGS & challenge.flags) | FLAGS.unicode;
  return type3({ lm, nt: Buffer.concat([ntProof, blob]), domain: creds.domain, user: creds.user, workstation: creds.workstation ?? 'TESTPC', flags });
}

/** An anonymous type 3: no user, no domain, no responses (MS-NLMP 3.1.5.1.2). */
export function anonymousType3Header(challenge: Challenge): string {
  const flags = ((CLIENT_FLAGS & challenge.flags) | FLAGS.unicode | FLAGS.anonymous) >>> 0;
  return type3({ lm: Buffer.from([0]), nt: Buffer.alloc(0), domain: '', user: '', workstation: '', flags });
}
