// PROPFIND (Depth 0, 1, "1,noroot", infinity) on folders and items; the mailbox root answers the
// well-known folder URLs (§5, §17.7).
import { NS } from '../store/props.ts';
import { resourceHref, resourceProps, type Resource } from '../store/view.ts';
import { HttpError, header, isBrief, type RequestContext } from '../http/context.ts';
import { sendXml } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import type { Folder, Store } from '../store/store.ts';
import { readPropfind, type PropfindRequest } from './body.ts';
import { multistatusXml, type MsResponse } from './multistatus.ts';

function isHidden(folder: Folder): boolean {
  return folder.props.get(`${NS.dav}ishidden`)?.value === '1';
}

function children(store: Store, folder: Folder, deep: boolean): Resource[] {
  const out: Resource[] = [];
  for (const f of folder.children.values()) {
    if (isHidden(f)) continue;
    out.push({ kind: 'folder', folder: f });
    if (deep) out.push(...children(store, f, true));
  }
  for (const item of folder.items.values()) out.push({ kind: 'item', item });
  return out;
}

export function propfindResponse(store: Store, base: string, r: Resource, request: PropfindRequest, brief: boolean): MsResponse {
  const props = resourceProps(store, base, r);
  const href = resourceHref(store, base, r);
  if (request.mode === 'allprop') {
    return { href, propstats: [{ status: 200, props: [...props].map(([name, value]) => ({ name, value })) }] };
  }
  if (request.mode === 'propname') {
    return { href, propstats: [{ status: 200, props: [...props.keys()].map((name) => ({ name })) }] };
  }
  const found = request.names.filter((n) => props.has(n)).map((name) => ({ name, value: props.get(name) }));
  const missing = request.names.filter((n) => !props.has(n)).map((name) => ({ name }));
  const propstats: MsResponse['propstats'] = [];
  if (found.length) propstats.push({ status: 200, props: found });
  if (missing.length && !brief) propstats.push({ status: 404, props: missing });
  // Brief with nothing found still answers one (empty) 200 propstat so the response is not dropped by readers.
  if (!propstats.length) propstats.push({ status: 200, props: [] });
  return { href, propstats };
}

export function handlePropfind(ctx: RequestContext, m: MailboxRequest): void {
  const { store } = ctx.state;
  const t = m.target;
  if (t.kind === 'missing' || t.kind === 'submission') throw new HttpError(404, 'Not Found');
  const request = readPropfind(ctx);
  const depth = (header(ctx, 'depth') ?? 'infinity').trim().toLowerCase();
  if (!['0', '1', '1,noroot', 'infinity', 'infinity,noroot'].includes(depth)) throw new HttpError(400, 'Bad Request');
  const self: Resource = t.kind === 'folder' ? { kind: 'folder', folder: t.folder } : { kind: 'item', item: t.item };
  const resources: Resource[] = depth.endsWith('noroot') ? [] : [self];
  if (t.kind === 'folder' && depth !== '0') resources.push(...children(store, t.folder, depth.startsWith('infinity')));
  const brief = isBrief(ctx);
  const responses = resources.map((r) => propfindResponse(store, ctx.base, r, request, brief));
  sendXml(ctx.res, 207, multistatusXml(responses));
}
