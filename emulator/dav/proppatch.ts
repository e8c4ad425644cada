// PROPPATCH: creates the item when it is missing (201 Created in the response), changes properties with
// typed values, honours If-Match / If-None-Match, and is all-or-nothing: one bad property (403 protected,
// 409 bad value) leaves the item untouched and the rest answer 424 (§4.4).
import { randomUUID } from 'node:crypto';
import { NS, storedName, type PropMap } from '../store/props.ts';
import { PROTECTED_PROPS, itemHref, permanentUrl, resourceHref } from '../store/view.ts';
import type { Folder } from '../store/store.ts';
import { HttpError, isBrief, type RequestContext } from '../http/context.ts';
import { sendXml } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { parseBody, readPropertyUpdate, type PatchOp } from './body.ts';
import { checkPreconditions } from './conditions.ts';
import { multistatusXml, type MsResponse } from './multistatus.ts';

const CALENDAR_CLASSES = new Set(['urn:content-classes:appointment', 'urn:content-classes:calendarmessage']);

/** Applies ops to a property map; returns per-property statuses. Nothing is applied if any op fails. */
export function applyOps(props: PropMap, ops: PatchOp[]): { ok: boolean; statuses: Map<number, string[]> } {
  const statuses = new Map<number, string[]>();
  const add = (code: number, name: string): void => {
    statuses.set(code, [...(statuses.get(code) ?? []), name]);
  };
  let ok = true;
  for (const op of ops) {
    if (PROTECTED_PROPS.has(op.name)) ok = false;
    if (op.op === 'invalid') ok = false;
  }
  for (const op of ops) {
    if (PROTECTED_PROPS.has(op.name)) add(403, op.name);
    else if (op.op === 'invalid') add(409, op.name);
    else if (!ok) add(424, op.name);
    else add(200, op.name);
  }
  if (ok) {
    for (const op of ops) {
      const name = storedName(op.name);
      if (op.op === 'set') props.set(name, op.value);
      else if (op.op === 'remove') props.delete(name);
    }
  }
  return { ok, statuses };
}

/** KB308373 reads the uid back after creating an appointment: the store fills one in when missing (§19.6). */
export function completeCalendarProps(props: PropMap): void {
  const cls = props.get(`${NS.dav}contentclass`)?.value;
  if (typeof cls !== 'string' || !CALENDAR_CLASSES.has(cls)) return;
  if (!props.has(`${NS.cal}uid`)) props.set(`${NS.cal}uid`, { type: 'string', value: `{${randomUUID().toUpperCase()}}` });
  if (!props.has(`${NS.cal}instancetype`)) props.set(`${NS.cal}instancetype`, { type: 'int', value: '0' });
}

function toResponse(href: string, created: boolean, statuses: Map<number, string[]>, brief: boolean): MsResponse {
  const propstats = [...statuses.entries()]
    .filter(([code]) => !(brief && code === 200))
    .map(([status, names]) => ({ status, props: names.map((name) => ({ name })) }));
  return { href, status: created ? 201 : undefined, propstats: propstats.length ? propstats : [{ status: 200, props: [] }] };
}

export function handleProppatch(ctx: RequestContext, m: MailboxRequest): void {
  const { store } = ctx.state;
  const t = m.target;
  if (t.kind === 'submission') throw new HttpError(403, 'Forbidden');
  if (t.kind === 'missing' && !t.parent) throw new HttpError(409, 'Conflict');
  const ops = readPropertyUpdate(parseBody(ctx));
  checkPreconditions(ctx, t.kind === 'item' ? t.item.etag : t.kind === 'folder' ? t.folder.etag : undefined);
  const brief = isBrief(ctx);

  if (t.kind === 'folder') {
    const { ok, statuses } = applyOps(t.folder.props, ops);
    if (ok) {
      store.touchFolder(t.folder);
      store.changed();
    }
    sendXml(ctx.res, 207, multistatusXml([toResponse(resourceHref(store, ctx.base, t), false, statuses, brief)]));
    return;
  }

  if (t.kind === 'item') {
    const { item } = t;
    const { ok, statuses } = applyOps(item.props, ops);
    if (ok) {
      completeCalendarProps(item.props);
      item.mime = undefined;
      store.touchItem(item);
    }
    sendXml(ctx.res, 207, multistatusXml([toResponse(itemHref(store, ctx.base, item), false, statuses, brief)]), { ETag: item.etag });
    return;
  }

  const parent: Folder = t.parent!;
  const props: PropMap = new Map();
  const { ok, statuses } = applyOps(props, ops);
  if (!ok) {
    sendXml(
      ctx.res,
      207,
      multistatusXml([toResponse(`${resourceHref(store, ctx.base, { kind: 'folder', folder: parent })}${encodeURIComponent(t.name)}`, false, statuses, brief)]),
    );
    return;
  }
  completeCalendarProps(props);
  const item = store.createItem(parent, t.name, props);
  ctx.log.info({ event: 'store.item.created', mailbox: m.mailbox.config.alias, item: item.name }, 'item created by PROPPATCH');
  const href = itemHref(store, ctx.base, item);
  sendXml(ctx.res, 207, multistatusXml([toResponse(href, true, statuses, brief)]), {
    Location: href,
    'Repl-UID': `<rid:${item.id.replace('-', '')}>`,
    'MS-Exchange-Permanent-URL': permanentUrl(ctx.base, { kind: 'item', item }),
    ETag: item.etag,
  });
}
