// MKCOL: 201 with MS-Exchange-Permanent-URL; 405 when it exists, 409 without a parent. DavMail sends a
// PROPPATCH-style body to set the folder class (§4.4, §17.12).
import { NS } from '../store/props.ts';
import { folderHref, permanentUrl } from '../store/view.ts';
import { HttpError, type RequestContext } from '../http/context.ts';
import { sendEmpty } from '../http/respond.ts';
import type { MailboxRequest } from '../http/route-exchange.ts';
import { parseBody, readPropertyUpdate } from './body.ts';
import { applyOps } from './proppatch.ts';

export function handleMkcol(ctx: RequestContext, m: MailboxRequest): void {
  const { store } = ctx.state;
  const t = m.target;
  if (t.kind === 'folder' || t.kind === 'item') throw new HttpError(405, 'Method Not Allowed');
  if (t.kind === 'submission' || !t.parent) throw new HttpError(t.kind === 'submission' ? 403 : 409, t.kind === 'submission' ? 'Forbidden' : 'Conflict');
  const ops = ctx.body.toString('utf8').trim() ? readPropertyUpdate(parseBody(ctx)) : [];
  const folder = store.createFolder(t.parent, t.name);
  const { ok } = applyOps(folder.props, ops);
  if (!ok) {
    store.deleteFolder(folder);
    throw new HttpError(409, 'Conflict');
  }
  if (!folder.props.get(`${NS.ex}outlookfolderclass`)) folder.props.set(`${NS.ex}outlookfolderclass`, { type: 'string', value: 'IPF.Note' });
  ctx.log.info({ event: 'store.folder.created', mailbox: m.mailbox.config.alias, folder: t.name }, 'folder created');
  sendEmpty(ctx.res, 201, {
    Location: folderHref(store, ctx.base, folder),
    'MS-Exchange-Permanent-URL': permanentUrl(ctx.base, { kind: 'folder', folder }),
  });
}
