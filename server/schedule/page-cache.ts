// Reception pages rendered once per cache entry and user, then sent as finished gzip with the session's CSRF token
// spliced in. Every receptionist's page refreshes every 30 seconds and the data changes far less often, so rendering
// the layout, gzipping and hashing the page per request was most of a cached view's cost (see issue 13).
//
// The token is the only per-session part of these pages (the sign-out form) and the reader's name (the header) the only
// per-person part: both are spliced in per request, so every receptionist shares one page per role and language (after
// a change, 50 receptionists cost one render, not 50). A session with flash messages gets a fresh render (shown once).
import { randomBytes } from 'node:crypto';
import ejs from 'ejs';
import { crc32 } from 'node:zlib';
import type { Request, Response } from 'express';
import { crc32Combine, gzipMember, precompressText, storedBlock, type PrecompressedPart } from '../http/precompressed.ts';
import { csrfToken } from '../http/csrf.ts';
import { sendHtmlParts } from '../http/precompressed.ts';
import { currentLocale } from '../i18n/context.ts';

/** Rendered in place of the token; random per process and base64url-safe, so no data can spell it and escaping keeps it. */
const TOKEN_MARKER = `rbtoken${randomBytes(12).toString('hex')}`;
/** Rendered in place of the reader's display name, the same way. */
const NAME_MARKER = `rbname${randomBytes(12).toString('hex')}`;
const MARKERS = new RegExp(`(${TOKEN_MARKER}|${NAME_MARKER})`);

/**
 * A page cut at each place the session's token goes: the token is added per request. A segment keeps references to
 * its precompressed parts (the day's timeline is shared by every user's copy of the page, never copied) and their
 * combined CRC and length.
 */
interface Segment {
  parts: PrecompressedPart[];
  crc: number;
  size: number;
}
interface SplicedPage {
  segments: Segment[];
  /** What goes between segment i and i + 1. */
  between: ('token' | 'name')[];
  /** The finished gzip of the last few readers (by token and name), most recent last. */
  finished: Map<string, Buffer>;
}

/**
 * Finished pages kept per spliced page: a session's token stays the same, so a receptionist's refreshes send the same
 * bytes. Joining the pieces again per request copied the whole ~75 KB page and left it to the collector (issue 13).
 * A few per page: a front desk has a handful of people; up to 16 day models × 8 × ~75 KB ≈ 10 MB at most.
 */
const FINISHED_PER_PAGE = 8;

/** Where a cache entry keeps its pages (per user); lives and dies with the entry (see cache.ts). */
export type PageStore = Map<string, Promise<SplicedPage>>;
export const newPageStore = (): PageStore => new Map();

/**
 * Renders a page given the CSRF token and the reader's display name to put in it (as `user.displayName` of the
 * locals); large unchanging parts may come precompressed.
 */
export type PageRenderer = (csrfToken: string, displayName: string) => Promise<(string | PrecompressedPart)[]>;

function splice(parts: (string | PrecompressedPart)[]): SplicedPage {
  const segments: PrecompressedPart[][] = [[]];
  const between: SplicedPage['between'] = [];
  for (const p of parts) {
    if (typeof p !== 'string') {
      segments.at(-1)!.push(p);
      continue;
    }
    // split() with a capturing group: odd entries are the markers themselves.
    p.split(MARKERS).forEach((text, i) => {
      if (i % 2) {
        between.push(text === TOKEN_MARKER ? 'token' : 'name');
        segments.push([]);
      } else if (text) segments.at(-1)!.push(precompressText(text));
    });
  }
  return {
    between,
    finished: new Map(),
    segments: segments.map((parts) => {
      let crc = 0;
      let size = 0;
      for (const p of parts) {
        crc = crc32Combine(crc, p.crc, p.raw.length);
        size += p.raw.length;
      }
      return { parts, crc, size };
    }),
  };
}

export async function sendCachedPage(req: Request, res: Response, store: PageStore, render: PageRenderer): Promise<void> {
  const user = req.user;
  if (!user || !req.session || req.session.flash?.length)
    return void sendHtmlParts(req, res, await render(req.session ? csrfToken(req) : '', user?.displayName ?? ''));
  // The page is in the reader's language (a person may switch it) and shows what their role may do: both in the key.
  const key = `${user.role}|${currentLocale()}`;
  let page = store.get(key);
  if (!page) {
    store.set(key, (page = render(TOKEN_MARKER, NAME_MARKER).then(splice)));
    page.catch(() => store.get(key) === page && store.delete(key));
  }
  const { segments, between, finished } = await page;
  // The name escaped exactly as the template's <%= %> would have written it.
  const token = csrfToken(req);
  const name = ejs.escapeXML(user.displayName);
  const fills = () => ({ token: Buffer.from(token), name: Buffer.from(name) });
  res.type('html');
  res.vary('Accept-Encoding');
  if (!req.acceptsEncodings('gzip') || req.method === 'HEAD') {
    const raw: Buffer[] = [];
    const fill = fills();
    segments.forEach((s, i) => (i > 0 && raw.push(fill[between[i - 1]!]), raw.push(...s.parts.map((p) => p.raw))));
    return void res.send(Buffer.concat(raw));
  }
  res.set('Content-Encoding', 'gzip');
  const reader = `${token}\n${name}`;
  let body = finished.get(reader);
  if (body) finished.delete(reader);
  else {
    body = finishedGzip(segments, between, fills());
    if (finished.size >= FINISHED_PER_PAGE) finished.delete(finished.keys().next().value!);
  }
  finished.set(reader, body);
  res.send(body);
}

/** The finished gzip: precompressed segments with the reader's parts between them as stored blocks; the CRC combined. */
function finishedGzip(segments: Segment[], between: SplicedPage['between'], fills: Record<SplicedPage['between'][number], Buffer>): Buffer {
  const deflated: Buffer[] = [];
  let crc = 0;
  let size = 0;
  segments.forEach((s, i) => {
    if (i > 0) {
      const fill = fills[between[i - 1]!];
      deflated.push(storedBlock(fill));
      crc = crc32Combine(crc, crc32(fill), fill.length);
      size += fill.length;
    }
    for (const p of s.parts) deflated.push(p.deflated);
    crc = crc32Combine(crc, s.crc, s.size);
    size += s.size;
  });
  return gzipMember(deflated, crc, size);
}
