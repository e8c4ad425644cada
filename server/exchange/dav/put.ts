// PUT of a whole message as MIME (§7 B, §17.13): `Translate: f` so Exchange stores the body as the item rather
// than running it through a script map, and `message/rfc822` so it derives the item's properties from the MIME
// and its text/calendar part. Used for series, which WebDAV PROPPATCH cannot write (§11, KB920134).
import type { Transport } from '../transport.ts';

export interface PutOptions {
  mailbox?: string;
  /** Create only: 412 (ConflictError) when something already has this name (`If-None-Match: *`). */
  createOnly?: boolean;
  /** Replace only: 412 when the item does not exist (`If-Match: *`), so a replace never creates by accident. */
  mustExist?: boolean;
}

/** 201 created, 200 or 204 replaced; anything else is the typed error for its status. */
export async function putMime(t: Transport, path: string, mime: string, options: PutOptions = {}): Promise<{ created: boolean }> {
  const headers: Record<string, string> = { 'content-type': 'message/rfc822', translate: 'f' };
  if (options.createOnly) headers['if-none-match'] = '*';
  if (options.mustExist) headers['if-match'] = '*';
  const res = await t.expect({ method: 'PUT', path, mailbox: options.mailbox, headers, body: mime }, [200, 201, 204]);
  return { created: res.status === 201 };
}
