// SEARCH: the SQL dialect over SHALLOW / DEEP / HIERARCHICAL traversal, with Range: rows= paging and
// Content-Range (§13). An empty result is an empty 207; a range past the end is 416.
import { resourceHref, resourceProps, type Resource } from '../store/view.ts';
import { NS, type PropMap } from '../store/props.ts';
import type { Folder, Store } from '../store/store.ts';
import { HttpError, header, isBrief, type RequestContext } from '../http/context.ts';
import { sendXml } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { childOf } from '../http/xml-read.ts';
import { parseBody } from './body.ts';
import { multistatusXml, type MsResponse } from './multistatus.ts';
import { parseSql, SqlSyntaxError, type SqlQuery, type Traversal } from './sql.ts';
import { matches, orderComparator, windowOf } from './sql-eval.ts';
import { occurrenceRows } from './search-expand.ts';
import { resolveUrl } from './target.ts';
import { windowCandidates } from './search-window.ts';

/** The scope's resources; with a window, only the items that can overlap it (search-window.ts), in the same order. */
function collect(store: Store, folder: Folder, traversal: Traversal, window: { from: number; to: number } | undefined): Resource[] {
  const out: Resource[] = [];
  for (const f of folder.children.values()) {
    if (f.props.get(`${NS.dav}ishidden`)?.value === '1') continue;
    out.push({ kind: 'folder', folder: f });
    if (traversal !== 'shallow') out.push(...collect(store, f, traversal, window).filter((r) => traversal === 'deep' || r.kind === 'folder'));
  }
  if (traversal !== 'hierarchical') for (const item of window ? windowCandidates(folder, window) : folder.items.values()) out.push({ kind: 'item', item });
  return out;
}

/** Parses `Range: rows=0-99`, `rows=-50`, `rows=228-`, `rows=0-5,10-15` into inclusive index pairs. */
export function parseRowRanges(value: string, total: number): [number, number][] | undefined {
  const m = /^\s*rows\s*=\s*(.+)$/i.exec(value);
  if (!m) return undefined;
  const out: [number, number][] = [];
  for (const part of m[1]!.split(',')) {
    const r = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(part);
    if (!r || (r[1] === '' && r[2] === '')) return undefined;
    if (r[1] === '') out.push([Math.max(0, total - Number(r[2])), total - 1]);
    else out.push([Number(r[1]), r[2] === '' ? total - 1 : Math.min(Number(r[2]), total - 1)]);
  }
  return out;
}

export function handleSearch(ctx: RequestContext, m: MailboxRequest): void {
  const { store } = ctx.state;
  if (m.target.kind !== 'folder') throw new HttpError(m.target.kind === 'item' ? 400 : 404, m.target.kind === 'item' ? 'Bad Request' : 'Not Found');
  const root = parseBody(ctx);
  const sqlEl = root.ns === NS.dav && root.local === 'searchrequest' ? childOf(root, NS.dav, 'sql') : undefined;
  if (!sqlEl) throw new HttpError(400, 'Bad Request');
  let query: SqlQuery;
  try {
    query = parseSql(sqlEl.text);
  } catch (err) {
    if (err instanceof SqlSyntaxError) {
      ctx.log.info({ event: 'dav.search.syntax', reason: err.message }, 'SEARCH syntax error');
      throw new HttpError(400, 'Bad Request');
    }
    throw err;
  }

  const rows: { r: Resource; props: PropMap }[] = [];
  const window = windowOf(query.where);
  for (const scope of query.scopes) {
    const folder = scope.url === '' ? m.target.folder : scopeFolder(ctx, scope.url);
    for (const r of collect(store, folder, scope.traversal, window)) {
      const props = resourceProps(store, ctx.base, r);
      if (matches(query.where, props)) rows.push({ r, props });
    }
    if (window && scope.traversal !== 'hierarchical') {
      const occurrences = occurrenceRows(folder, window, (item) => resourceProps(store, ctx.base, { kind: 'item', item }));
      rows.push(...occurrences.filter((o) => matches(query.where, o.props)));
    }
  }
  if (query.orderBy.length) {
    const cmp = orderComparator(query.orderBy);
    rows.sort((a, b) => cmp(a.props, b.props));
  }

  let selected = rows;
  const headers: Record<string, string> = {};
  const range = header(ctx, 'range');
  if (range && rows.length > 0) {
    const ranges = parseRowRanges(range, rows.length);
    if (!ranges) throw new HttpError(400, 'Bad Request');
    const valid = ranges.filter(([a, b]) => a <= b && a < rows.length);
    if (!valid.length) {
      throw new HttpError(416, 'Requested Range Not Satisfiable', { 'Content-Range': `rows */${rows.length}` });
    }
    selected = valid.flatMap(([a, b]) => rows.slice(a, b + 1));
    headers['Content-Range'] = `rows ${valid.map(([a, b]) => `${a}-${b}`).join(',')}; total=${rows.length}`;
  }

  const brief = isBrief(ctx);
  const responses: MsResponse[] = selected.map(({ r, props }) => {
    const columns =
      query.select === '*' ? [...props.keys()].map((name) => ({ name, alias: undefined })) : query.select.map((name, i) => ({ name, alias: query.aliases[i] }));
    const found = columns.filter((c) => props.has(c.name)).map((c) => ({ ...c, value: props.get(c.name) }));
    const missing = columns.filter((c) => !props.has(c.name));
    const propstats: MsResponse['propstats'] = [{ status: 200, props: found }];
    if (missing.length && !brief) propstats.push({ status: 404, props: missing });
    return { href: resourceHref(store, ctx.base, r), propstats };
  });
  sendXml(ctx.res, 207, multistatusXml(responses), { 'Accept-Ranges': 'rows', ...headers });
}

function scopeFolder(ctx: RequestContext, url: string): Folder {
  const { target } = resolveUrl(ctx, url);
  if (target.kind !== 'folder') throw new HttpError(target.kind === 'missing' ? 404 : 400, target.kind === 'missing' ? 'Not Found' : 'Bad Request');
  return target.folder;
}
