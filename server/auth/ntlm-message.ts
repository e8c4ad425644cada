// Reads the browser's `Authorization` header for NTLM sign-on (MS-NLMP 2.2.1). Only the framing is checked here:
// the cryptography is winbind's job. Nothing in this file logs or keeps the message.

const SIGNATURE = Buffer.from('NTLMSSP\0', 'ascii');
const NEGOTIATE_ANONYMOUS = 0x00000800;
// Longer than any browser's type 3 (a few hundred bytes plus the target info); caps what reaches the helper.
const MAX_TOKEN_CHARS = 8192;

export type NtlmHeader =
  /** No Authorization header: start with a challenge. */
  | { kind: 'none' }
  /** Another scheme (Basic, Bearer, Negotiate…): answer with the NTLM challenge again. */
  | { kind: 'foreign' }
  /** Says NTLM but is not a well-formed message: 400. */
  | { kind: 'malformed' }
  /** Type 1 (NEGOTIATE_MESSAGE). */
  | { kind: 'negotiate'; token: string }
  /** Type 3 (AUTHENTICATE_MESSAGE); `anonymous` when it names no user or carries no response. */
  | { kind: 'authenticate'; token: string; anonymous: boolean };

function fieldsInBounds(msg: Buffer, offsets: number[]): boolean {
  return offsets.every((at) => {
    const length = msg.readUInt16LE(at);
    const offset = msg.readUInt32LE(at + 4);
    return length === 0 || offset + length <= msg.length;
  });
}

export function parseNtlmHeader(header: string | undefined): NtlmHeader {
  if (header === undefined || header.trim() === '') return { kind: 'none' };
  const [scheme, token, ...rest] = header.trim().split(/\s+/);
  if (scheme!.toUpperCase() !== 'NTLM') return { kind: 'foreign' };
  if (!token || rest.length || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(token) || token.length % 4 !== 0) {
    return { kind: 'malformed' };
  }
  const msg = Buffer.from(token, 'base64');
  if (msg.length < 16 || !msg.subarray(0, 8).equals(SIGNATURE)) return { kind: 'malformed' };
  const type = msg.readUInt32LE(8);
  if (type === 1) return { kind: 'negotiate', token };
  // A type 3 has six security buffers (LM, NT, domain, user, workstation, session key) and the flags: 64 bytes.
  if (type !== 3 || msg.length < 64 || !fieldsInBounds(msg, [12, 20, 28, 36, 44, 52])) return { kind: 'malformed' };
  const ntLength = msg.readUInt16LE(20);
  const userLength = msg.readUInt16LE(36);
  const flags = msg.readUInt32LE(60);
  // CASE: an anonymous type 3 is refused here, before winbind: it must never become a signed-in user.
  const anonymous = userLength === 0 || ntLength === 0 || (flags & NEGOTIATE_ANONYMOUS) !== 0;
  return { kind: 'authenticate', token, anonymous };
}

/** `DOMAIN\user` as winbind names an authenticated account; null when it is not of that shape. */
export function parseAccountName(value: string): { domain: string; user: string } | null {
  const m = /^([^\\\s]+)\\([^\\\s][^\\]*)$/.exec(value.trim());
  return m ? { domain: m[1]!.toUpperCase(), user: m[2]!.toLowerCase() } : null;
}
