// The day view's timeline, encoded and compressed in pieces that outlive a change (issue 13: after one booking
// changed, encoding the 460 KB timeline string to UTF-8 and deflating all of it again was half of the rebuild).
// The body is rendered with a marker where each row goes, so the template's own output is only the glue (legend,
// building and floor headings); rows come from row-html.ts keptRow, and each run of up to CHUNK rows is deflated
// once per set of row keys and kept. A change re-deflates the chunk of the changed row; the glue is kept by its text
// (precompressText), so it is deflated again only when it changed.
//
// Each piece is a raw deflate stream ended with a sync flush (precompress), so pieces simply follow each other and
// their CRCs combine (page-cache.ts, http/precompressed.ts). A chunk of 16 rows (~32 KB) fills deflate's 32 KB window,
// so compressing in chunks costs next to nothing in size.
import { randomBytes } from 'node:crypto';
import { precompress, precompressText, type PrecompressedPart } from '../http/precompressed.ts';
import type { RenderedRow, RowView } from './present.ts';
import { rowHtml } from './row-html.ts';

const CHUNK = 16;
/** Chunks kept: a few days' views of a large site (a 200-room day is 13 chunks). */
const MAX_CHUNKS = 512;
/** Where a row goes in the rendered body: random per process, so no data can spell it (and escaping keeps it). */
const ROW_MARK = `rbrow${randomBytes(12).toString('hex')}`;

const chunks = new Map<string, PrecompressedPart>();

function kept<K>(map: Map<K, PrecompressedPart>, key: K, make: () => PrecompressedPart): PrecompressedPart {
  let part = map.get(key);
  if (part) map.delete(key);
  else {
    part = make();
    if (map.size >= MAX_CHUNKS) map.delete(map.keys().next().value!);
  }
  // Least recently used goes first.
  map.set(key, part);
  return part;
}

function chunk(rows: (RowView | RenderedRow)[]): PrecompressedPart {
  const make = () => precompress(Buffer.from(rows.map(rowHtml).join('')));
  // Only rows kept by key (every day-view row with a stamp) make a chunk worth keeping.
  // (A RowView has a `key` too, its element id: only a RenderedRow's key names its content.)
  const keys = rows.map((r) => ('html' in r ? r.key : null));
  return keys.includes(null) ? make() : kept(chunks, keys.join('\n'), make);
}

/**
 * The body, rendered by `render` (which is handed the function that places a row), as precompressed parts in page
 * order, to go into the page as they are. (Joined into one part, they were copied twice per rebuild: the 460 KB of
 * text nobody reads unless a client refuses gzip, and the deflated bytes the finished page copies again.)
 * Rows must be placed in the order they appear (EJS renders in order).
 */
export async function timelineParts(render: (placeRow: (r: RowView | RenderedRow) => string) => Promise<string>): Promise<PrecompressedPart[]> {
  const rows: (RowView | RenderedRow)[] = [];
  const pieces = (
    await render((r) => {
      rows.push(r);
      return ROW_MARK;
    })
  ).split(ROW_MARK);
  const parts: PrecompressedPart[] = [];
  let run: (RowView | RenderedRow)[] = [];
  const flush = () => {
    for (let i = 0; i < run.length; i += CHUNK) parts.push(chunk(run.slice(i, i + CHUNK)));
    run = [];
  };
  pieces.forEach((text, i) => {
    if (text) {
      flush();
      parts.push(precompressText(text));
    }
    if (i < rows.length) run.push(rows[i]!);
  });
  flush();
  return parts;
}
