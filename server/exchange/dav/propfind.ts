// PROPFIND: read properties of one resource (Depth 0) or a folder's children (Depth 1) (§4.4).
import type { Transport } from '../transport.ts';
import type { PropName } from '../properties.ts';
import { buildPropfind } from '../xml.ts';
import { readMultistatus, type MultistatusRow } from './multistatus.ts';
import type { RequestFacts } from '../errors.ts';

export async function propfind(
  t: Transport,
  path: string,
  props: readonly PropName[],
  options: { depth?: '0' | '1'; mailbox?: string } = {},
): Promise<{ rows: MultistatusRow[]; facts: RequestFacts }> {
  const res = await t.expect(
    {
      method: 'PROPFIND',
      path,
      mailbox: options.mailbox,
      headers: { 'content-type': 'text/xml', depth: options.depth ?? '0', brief: 't' },
      body: buildPropfind(props),
    },
    [207],
  );
  return { rows: readMultistatus(res), facts: res.facts };
}
