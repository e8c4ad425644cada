// MOVE and COPY with Destination (absolute URL or path), Overwrite (T default, F → 412 on a clash) and
// Allow-Rename (t → `-2` suffix instead of failing). 201 for a new destination, 204 when one was replaced,
// 403 when source = destination, 409 without a destination parent (§4.4). A MOVE or COPY to the
// submission URI sends the item (§7).
import type { Folder, Item } from '../store/store.ts';
import { folderHref, itemHref, permanentUrl } from '../store/view.ts';
import { HttpError, header, type RequestContext } from '../http/context.ts';
import { sendEmpty } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { resolveUrl } from './target.ts';
import { submitOptions } from './put.ts';

function flag(ctx: RequestContext, name: string, dflt: boolean): boolean {
  const v = header(ctx, name);
  if (v === undefined) return dflt;
  return v.trim().toLowerCase().startsWith('t');
}

function isWithin(folder: Folder, ancestor: Folder): boolean {
  for (let f: Folder | undefined = folder; f; f = f.parent) if (f === ancestor) return true;
  return false;
}

export function handleMoveCopy(ctx: RequestContext, m: MailboxRequest, method: 'MOVE' | 'COPY'): void {
  const { store } = ctx.state;
  const src = m.target;
  const destHeader = header(ctx, 'destination');
  if (!destHeader) throw new HttpError(400, 'Bad Request');
  if (src.kind === 'missing' || src.kind === 'submission') throw new HttpError(404, 'Not Found');
  const dest = resolveUrl(ctx, destHeader);

  if (dest.target.kind === 'submission') {
    if (src.kind !== 'item') throw new HttpError(403, 'Forbidden');
    // The message goes out from the mailbox whose submission URI it was moved to (resolveUrl checked access).
    ctx.state.transport.submitItem(src.item, dest.mailbox, ctx.principal!, { ...submitOptions(ctx), consume: method === 'MOVE' });
    sendEmpty(ctx.res, 200);
    return;
  }

  const overwrite = flag(ctx, 'overwrite', true);
  const allowRename = flag(ctx, 'allow-rename', false);
  const dt = dest.target;
  let parent: Folder;
  let name: string;
  let replaced = false;
  if (dt.kind === 'missing') {
    if (!dt.parent) throw new HttpError(409, 'Conflict');
    parent = dt.parent;
    name = dt.name;
  } else {
    const existing: Item | Folder = dt.kind === 'item' ? dt.item : dt.folder;
    if ((src.kind === 'item' && existing === src.item) || (src.kind === 'folder' && existing === src.folder)) {
      throw new HttpError(403, 'Forbidden');
    }
    const existingParent = dt.kind === 'item' ? dt.item.folder : dt.folder.parent;
    if (!existingParent) throw new HttpError(403, 'Forbidden');
    parent = existingParent;
    name = dt.kind === 'item' ? dt.item.name : dt.folder.name;
    if (allowRename) name = store.uniqueName(parent, name);
    else if (!overwrite) throw new HttpError(412, 'Precondition Failed');
    else {
      if (dt.kind === 'folder' && (dt.folder.wellKnown || !dt.folder.parent)) throw new HttpError(403, 'Forbidden');
      if (dt.kind === 'item') store.deleteItem(dt.item);
      else store.deleteFolder(dt.folder);
      replaced = true;
    }
  }

  let location: string;
  let permanent: string;
  if (src.kind === 'item') {
    const item = method === 'MOVE' ? store.moveItem(src.item, parent, name) : store.copyItem(src.item, parent, name);
    location = itemHref(store, ctx.base, item);
    permanent = permanentUrl(ctx.base, { kind: 'item', item });
  } else {
    const folder = src.folder;
    if (!folder.parent || folder.wellKnown) throw new HttpError(403, 'Forbidden');
    if (isWithin(parent, folder)) throw new HttpError(403, 'Forbidden');
    const result = method === 'MOVE' ? (store.moveFolder(folder, parent, name), folder) : copyFolder(ctx, folder, parent, name);
    location = folderHref(store, ctx.base, result);
    permanent = permanentUrl(ctx.base, { kind: 'folder', folder: result });
  }
  ctx.log.info({ event: `store.${method.toLowerCase()}`, mailbox: m.mailbox.config.alias, to: location }, method);
  sendEmpty(ctx.res, replaced ? 204 : 201, { Location: location, 'MS-Exchange-Permanent-URL': permanent });
}

function copyFolder(ctx: RequestContext, folder: Folder, parent: Folder, name: string): Folder {
  const { store } = ctx.state;
  const copy = store.createFolder(parent, name);
  for (const [k, v] of folder.props) copy.props.set(k, v);
  for (const item of folder.items.values()) store.copyItem(item, copy, item.name);
  for (const child of folder.children.values()) copyFolder(ctx, child, copy, child.name);
  return copy;
}
