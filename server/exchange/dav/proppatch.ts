// PROPPATCH: create or change an item's properties (§4.4, §7 A). A 207 is inspected per property: any
// non-2xx propstat (403 protected, 409 bad value) fails the whole call with the error for that status.
import type { Transport } from '../transport.ts';
import { checkStatus } from '../transport.ts';
import { errorForStatus, RejectedError, TransientError } from '../errors.ts';
import { assertDavAnswer } from './answer.ts';
import type { PropName } from '../properties.ts';
import { buildPropertyUpdate, type PropValues } from '../xml.ts';
import { readMultistatus } from './multistatus.ts';

export interface ProppatchOptions {
  mailbox?: string;
  /** Create only: 412 (ConflictError) when something already has this name (`If-None-Match: *`). */
  createOnly?: boolean;
  /** Change only: 412 when the item does not exist (`If-Match: *`), so a PROPPATCH never creates by accident. */
  mustExist?: boolean;
  remove?: readonly PropName[];
}

export async function proppatch(t: Transport, path: string, set: PropValues, options: ProppatchOptions = {}): Promise<{ created: boolean }> {
  const headers: Record<string, string> = { 'content-type': 'text/xml', brief: 't' };
  if (options.createOnly) headers['if-none-match'] = '*';
  if (options.mustExist) headers['if-match'] = '*';
  const res = checkStatus(
    await t.send({ method: 'PROPPATCH', path, mailbox: options.mailbox, headers, body: buildPropertyUpdate(set, options.remove) }),
    [200, 201, 207],
  );
  assertDavAnswer(res, 'PROPPATCH');
  // EXCHANGE: with `Brief: t` an all-successful PROPPATCH may answer 200 with no body (§4.1).
  if (res.status !== 207) return { created: res.status === 201 };
  const rows = readMultistatus(res);
  const row = rows[0];
  // An empty 207 says nothing was done: retried like a timeout (a create-only retry finds its own item if it was).
  if (!row) throw new TransientError('PROPPATCH answered 207 with no response', res.facts);
  for (const [name, status] of row.failed) {
    const error = errorForStatus(status, res.facts);
    if (error) throw new RejectedError(`property-${status}`, { ...res.facts, status }, `${name} refused`, { cause: error });
  }
  if (row.status !== null && (row.status < 200 || row.status >= 300)) {
    throw errorForStatus(row.status, res.facts) ?? new RejectedError('unexpected-status', res.facts);
  }
  return { created: row.status === 201 };
}
