// MKCOL: 201 with MS-Exchange-Permanent-URL; 405 when it exists, 409 without a parent. DavMail sends a
// PROPPATCH-style body to set the folder class (§4.4, §17.12); with such a body the answer is a 207 whose
// response carries `HTTP/1.1 201 Created`, as for a creating PROPPATCH (DavMail 2.x/3.x accepted only 207
// or 405 for it, DavMail 6 reads the inner 201).
import { NS } from '../store/props.ts';
import { folderHref, permanentUrl } from '../store/view.ts';
import { HttpError, header, type RequestContext } from '../http/context.ts';
import { sendEmpty, sendXml } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { parseBody, readPropertyUpdate, type PatchOp } from './body.ts';
import { applyOps } from './proppatch.ts';
import { multistatusXml } from './multistatus.ts';

/**
 * The body MKCOL understands is DavMail's propertyupdate (text/xml); any other body type is 415 Unsupported
 * Media Type (§4.4 lists 415 for MKCOL; RFC 4918 §9.3.1), a malformed XML one 400.
 */
function mkcolOps(ctx: RequestContext): PatchOp[] {
  const type = (header(ctx, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type && type !== 'text/xml' && type !== 'application/xml') throw new HttpError(415, 'Unsupported Media Type');
  const root = parseBody(ctx);
  if (root.ns !== NS.dav || root.local !== 'propertyupdate') throw new HttpError(415, 'Unsupported Media Type');
  return readPropertyUpdate(root);
}

export function handleMkcol(ctx: RequestContext, m: MailboxRequest): void {
  const { store } = ctx.state;
  const t = m.target;
  if (t.kind === 'folder' || t.kind === 'item') throw new HttpError(405, 'Method Not Allowed');
  if (t.kind === 'submission' || !t.parent) throw new HttpError(t.kind === 'submission' ? 403 : 409, t.kind === 'submission' ? 'Forbidden' : 'Conflict');
  const hasBody = ctx.body.toString('utf8').trim() !== '';
  const ops = hasBody ? mkcolOps(ctx) : [];
  const folder = store.createFolder(t.parent, t.name);
  const { ok, statuses } = applyOps(folder.props, ops);
  if (!ok) {
    store.deleteFolder(folder);
    throw new HttpError(409, 'Conflict');
  }
  if (!folder.props.get(`${NS.ex}outlookfolderclass`)) folder.props.set(`${NS.ex}outlookfolderclass`, { type: 'string', value: 'IPF.Note' });
  ctx.log.info({ event: 'store.folder.created', mailbox: m.mailbox.config.alias, folder: t.name }, 'folder created');
  const href = folderHref(store, ctx.base, folder);
  const headers = { Location: href, 'MS-Exchange-Permanent-URL': permanentUrl(ctx.base, { kind: 'folder', folder }) };
  if (!hasBody) return sendEmpty(ctx.res, 201, headers);
  const propstats = [...statuses].map(([status, names]) => ({ status, props: names.map((name) => ({ name })) }));
  sendXml(ctx.res, 207, multistatusXml([{ href, status: 201, propstats: propstats.length ? propstats : [{ status: 200, props: [] }] }]), headers);
}
