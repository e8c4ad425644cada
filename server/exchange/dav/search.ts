// SEARCH with SQL on a folder (§13), paged with `Range: rows=` until the total is read.
import type { Transport } from '../transport.ts';
import { checkStatus } from '../transport.ts';
import { header } from '../wire.ts';
import { buildSearchRequest } from '../xml.ts';
import { readMultistatus, type MultistatusRow } from './multistatus.ts';

// The SQL's literals (§13): built here, where the SEARCH carries them, for every folder the gateway searches.
/** SQL string literal: single quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A path inside SCOPE('… "<path>"'): quotes are %-encoded, which leaves the URL the same. */
export function scopePath(path: string): string {
  return path.replace(/'/g, '%27').replace(/"/g, '%22');
}

export const SEARCH_PAGE_ROWS = 200;
// A runaway answer (a server ignoring Range) must not loop forever.
const MAX_PAGES = 100;

/** `rows 0-199; total=512` → 512; null when absent. */
export function parseContentRangeTotal(value: string | undefined): number | null {
  const match = value ? /total\s*=\s*(\d+)/i.exec(value) : null;
  return match?.[1] ? Number(match[1]) : null;
}

export async function search(t: Transport, folderPath: string, sql: string, options: { mailbox?: string } = {}): Promise<MultistatusRow[]> {
  const rows: MultistatusRow[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const first = page * SEARCH_PAGE_ROWS;
    const res = await t.send({
      method: 'SEARCH',
      path: folderPath,
      mailbox: options.mailbox,
      headers: { 'content-type': 'text/xml', brief: 't', translate: 'f', range: `rows=${first}-${first + SEARCH_PAGE_ROWS - 1}` },
      body: buildSearchRequest(sql),
    });
    // EXCHANGE: a range past the end answers 416; EVO treats that as "no more rows" (§4.4).
    if (res.status === 416) break;
    checkStatus(res, [207]);
    const pageRows = readMultistatus(res);
    rows.push(...pageRows);
    const total = parseContentRangeTotal(header(res, 'content-range'));
    if (pageRows.length < SEARCH_PAGE_ROWS || total === null || rows.length >= total) break;
  }
  return rows;
}
