import { gzip } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';

/** Bodies smaller than this are sent as they are: gzip's header and CPU cost more than they save. */
const MIN_BYTES = 1024;
const COMPRESSIBLE = /^(text\/|application\/json)/;
// The fastest level: the day view is repetitive markup that still shrinks about 20 times (730 KB to 33 KB) in ~3 ms.
const LEVEL = 1;

/**
 * Gzips text answers sent with `res.send` (rendered pages, JSON, calendar feeds) for clients that accept it. Uses the
 * zlib thread pool, so compressing one page does not block other requests. Static files are not touched.
 */
export function compressText(req: Request, res: Response, next: NextFunction): void {
  res.vary('Accept-Encoding');
  if (!req.acceptsEncodings('gzip') || req.method === 'HEAD') return next();
  const send = res.send.bind(res);
  res.send = function sendCompressed(body?: unknown): Response {
    if (typeof body !== 'string' && !(body instanceof Buffer)) return send(body);
    if (!res.get('Content-Type')) res.type(typeof body === 'string' ? 'html' : 'bin');
    const type = String(res.get('Content-Type'));
    // String length, not Buffer.byteLength: it is a lower bound on the byte size, and byteLength walked the whole
    // rendered page a second time (it was the top entry of the day view's profile).
    const size = body.length;
    if (size < MIN_BYTES || !COMPRESSIBLE.test(type) || res.get('Content-Encoding') || res.statusCode === 204 || res.statusCode === 304) return send(body);
    gzip(body, { level: LEVEL }, (err, zipped) => {
      if (err) return void send(body);
      res.set('Content-Encoding', 'gzip');
      send(zipped);
    });
    return res;
  };
  next();
}
