import { constants, crc32, deflateRawSync } from 'node:zlib';
import type { Request, Response } from 'express';

/** A large, unchanging part of a page, kept as bytes and as a self-contained piece of a deflate stream. */
export interface PrecompressedPart {
  raw: Buffer;
  deflated: Buffer;
}

// Fastest level, as in compress.ts. A sync flush ends the piece on a byte boundary without a final block, so pieces
// made by separate compressors join into one valid deflate stream (each piece refers back only into itself).
const OPTIONS = { level: 1, finishFlush: constants.Z_SYNC_FLUSH };
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** An empty final block (fixed Huffman): closes the joined deflate stream. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

/** Compresses once a part that many responses will carry (e.g. the rendered day timeline). */
export function precompress(raw: Buffer): PrecompressedPart {
  return { raw, deflated: deflateRawSync(raw, OPTIONS) };
}

/** One gzip member (RFC 1952) from raw parts and precompressed ones: only the raw parts are compressed here. */
export function gzipParts(parts: (Buffer | PrecompressedPart)[]): Buffer {
  let crc = 0;
  let size = 0;
  const body: Buffer[] = [GZIP_HEADER];
  for (const p of parts) {
    const raw = Buffer.isBuffer(p) ? p : p.raw;
    // CASE: zlib.crc32 of an empty buffer does not return the running value it was given (Node 20), so skip it.
    if (raw.length) crc = crc32(raw, crc);
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
