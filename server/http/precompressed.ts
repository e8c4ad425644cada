import { constants, crc32, deflateRawSync } from 'node:zlib';
import type { Request, Response } from 'express';

/** A large, unchanging part of a page, kept as bytes and as a self-contained piece of a deflate stream. */
export interface PrecompressedPart {
  raw: Buffer;
  deflated: Buffer;
  /** CRC-32 of `raw`, computed once: hashing a 460 KB page per response was a top entry of the day view's profile. */
  crc: number;
}

// Fastest level, as in compress.ts. A sync flush ends the piece on a byte boundary without a final block, so pieces
// made by separate compressors join into one valid deflate stream (each piece refers back only into itself).
const OPTIONS = { level: 1, finishFlush: constants.Z_SYNC_FLUSH };
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** An empty final block (fixed Huffman): closes the joined deflate stream. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

/** Compresses once a part that many responses will carry (e.g. the rendered day timeline). */
export function precompress(raw: Buffer): PrecompressedPart {
  return { raw, deflated: deflateRawSync(raw, OPTIONS), crc: raw.length ? crc32(raw) : 0 };
}

// Texts that pages repeat between renders, precompressed once and kept by their text: a reception page's shell and
// the timeline's glue come out the same after most changes, and deflating them again was a tenth of the first day view
// after a change (issue 13). Bounded by what they hold (text, bytes and deflated bytes), least recently used first.
const KEPT_TEXT_MAX_CHARS = 64 * 1024;
const KEPT_BYTES_MAX = 8 * 1024 * 1024;
const keptTexts = new Map<string, PrecompressedPart>();
let keptBytes = 0;
const heldBytes = (text: string, part: PrecompressedPart) => text.length * 2 + part.raw.length + part.deflated.length;

/** `text` precompressed, kept for the next render that produces the same text (see above). */
export function precompressText(text: string): PrecompressedPart {
  if (text.length > KEPT_TEXT_MAX_CHARS) return precompress(Buffer.from(text));
  let part = keptTexts.get(text);
  if (part) keptTexts.delete(text);
  else {
    part = precompress(Buffer.from(text));
    keptBytes += heldBytes(text, part);
    for (const [oldest, kept] of keptTexts) {
      if (keptBytes <= KEPT_BYTES_MAX) break;
      keptTexts.delete(oldest);
      keptBytes -= heldBytes(oldest, kept);
    }
  }
  keptTexts.set(text, part);
  return part;
}

// CRC-32 of A followed by B from crc(A), crc(B) and B's length, as zlib's crc32_combine (x^(8·len) mod P times crc(A)).
const POLY = 0xedb88320;
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}
/** X2N[k] = x^(2^k) mod P, reflected. */
const X2N = (() => {
  const table = new Array<number>(32);
  let p = 0x40000000; // x^1
  table[0] = p;
  for (let k = 1; k < 32; k++) table[k] = p = multModP(p, p);
  return table;
})();
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n) {
    if (n & 1) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multModP(x2nModP(lengthB, 3), crcA) ^ crcB) >>> 0;
}

/**
 * A small per-response piece (a CSRF token) as a stored deflate block: no compressor to start, just a 5-byte header.
 * It follows a sync-flushed piece, so it starts on a byte boundary as stored blocks must.
 */
export function storedBlock(raw: Buffer): Buffer {
  if (raw.length > 0xffff) throw new Error('stored block too long');
  const head = Buffer.from([0x00, raw.length & 0xff, raw.length >>> 8, ~raw.length & 0xff, (~raw.length >>> 8) & 0xff]);
  return Buffer.concat([head, raw]);
}

/** One gzip member from already-deflated pieces, the CRC and length of everything they hold. */
export function gzipMember(deflated: Buffer[], crc: number, size: number): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  return Buffer.concat([GZIP_HEADER, ...deflated, FINAL_EMPTY_BLOCK, trailer]);
}

/** One gzip member (RFC 1952) from raw parts and precompressed ones: only the raw parts are compressed here. */
export function gzipParts(parts: (Buffer | PrecompressedPart)[]): Buffer {
  let crc = 0;
  let size = 0;
  const body: Buffer[] = [GZIP_HEADER];
  for (const p of parts) {
    const raw = Buffer.isBuffer(p) ? p : p.raw;
    // CASE: zlib.crc32 of an empty buffer does not return the running value it was given (Node 20), so skip it.
    if (Buffer.isBuffer(p)) crc = raw.length ? crc32(raw, crc) : crc;
    else crc = crc32Combine(crc, p.crc, raw.length);
    size += raw.length;
    body.push(Buffer.isBuffer(p) ? deflateRawSync(p, OPTIONS) : p.deflated);
  }
  body.push(FINAL_EMPTY_BLOCK);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  body.push(trailer);
  return Buffer.concat(body);
}

/**
 * Sends an HTML page made of small per-request strings and large precompressed parts, gzipped when the client
 * accepts it (compressText leaves a body alone once Content-Encoding is set).
 */
export function sendHtmlParts(req: Request, res: Response, parts: (string | PrecompressedPart)[]): void {
  const pieces = parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
  res.type('html');
  res.vary('Accept-Encoding');
  if (!req.acceptsEncodings('gzip') || req.method === 'HEAD') return void res.send(Buffer.concat(pieces.map((p) => (Buffer.isBuffer(p) ? p : p.raw))));
  res.set('Content-Encoding', 'gzip');
  res.send(gzipParts(pieces));
}
