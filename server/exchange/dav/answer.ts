// A WebDAV method's success status proves nothing when the body is a page: an ISA or forms front end, an expired
// forms session or a broken OWA answers 200 with an HTML login or error page and carries nothing out (§15, §16).
import { TransientError } from '../errors.ts';
import { header, type WireResponse } from '../wire.ts';

/** Throws TransientError when a 2xx answer to a WebDAV method is an HTML page rather than WebDAV's answer. */
export function assertDavAnswer(res: WireResponse, method: string): void {
  const type = header(res, 'content-type') ?? '';
  if (/html/i.test(type) || /^\s*(<!doctype html|<html)/i.test(res.body)) {
    throw new TransientError(`${method} answered ${res.status} with an HTML page, not WebDAV: nothing was done`, res.facts);
  }
}
