// MD4 (RFC 1320). Node 20's OpenSSL 3 ships without it, and NTLM's NT hash needs it. Used for nothing else.

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

export function md4(input: Uint8Array): Buffer {
  const bitLength = input.length * 8;
  const padded = new Uint8Array(((input.length + 8) >> 6) * 64 + 64);
  padded.set(input);
  padded[input.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, bitLength >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bitLength / 0x100000000), true);

  let a = 0x67452301,
    b = 0xefcdab89,
    c = 0x98badcfe,
    d = 0x10325476;
  const x = new Array<number>(16);
  const f = (p: number, q: number, r: number) => (p & q) | (~p & r);
  const g = (p: number, q: number, r: number) => (p & q) | (p & r) | (q & r);
  const h = (p: number, q: number, r: number) => p ^ q ^ r;

  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) x[i] = view.getUint32(offset + i * 4, true);
    const [aa, bb, cc, dd] = [a, b, c, d];
    const X = (i: number) => x[i] as number;
    // Round 1
    for (const i of [0, 4, 8, 12]) {
      a = rotl((a + f(b, c, d) + X(i)) | 0, 3);
      d = rotl((d + f(a, b, c) + X(i + 1)) | 0, 7);
      c = rotl((c + f(d, a, b) + X(i + 2)) | 0, 11);
      b = rotl((b + f(c, d, a) + X(i + 3)) | 0, 19);
    }
    // Round 2
    for (const i of [0, 1, 2, 3]) {
      a = rotl((a + g(b, c, d) + X(i) + 0x5a827999) | 0, 3);
      d = rotl((d + g(a, b, c) + X(i + 4) + 0x5a827999) | 0, 5);
      c = rotl((c + g(d, a, b) + X(i + 8) + 0x5a827999) | 0, 9);
      b = rotl((b + g(c, d, a) + X(i + 12) + 0x5a827999) | 0, 13);
    }
    // Round 3
    for (const i of [0, 2, 1, 3]) {
      a = rotl((a + h(b, c, d) + X(i) + 0x6ed9eba1) | 0, 3);
      d = rotl((d + h(a, b, c) + X(i + 8) + 0x6ed9eba1) | 0, 9);
      c = rotl((c + h(d, a, b) + X(i + 4) + 0x6ed9eba1) | 0, 11);
      b = rotl((b + h(c, d, a) + X(i + 12) + 0x6ed9eba1) | 0, 15);
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = Buffer.alloc(16);
  out.writeInt32LE(a, 0);
  out.writeInt32LE(b, 4);
  out.writeInt32LE(c, 8);
  out.writeInt32LE(d, 12);
  return out;
}
