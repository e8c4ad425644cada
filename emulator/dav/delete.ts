// DELETE of an item or folder: a hard delete, answered 200 OK as DavMail and the SDK how-to expect (§19.10).
import { HttpError, type RequestContext } from '../http/context.ts';
import { sendEmpty } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { checkPreconditions } from './conditions.ts';

export function handleDelete(ctx: RequestContext, m: MailboxRequest): void {
  const { store } = ctx.state;
  const t = m.target;
  if (t.kind === 'missing' || t.kind === 'submission') throw new HttpError(404, 'Not Found');
  if (t.kind === 'folder') {
    // EXCHANGE: the mailbox root and the well-known folders cannot be deleted.
    if (!t.folder.parent || t.folder.wellKnown) throw new HttpError(403, 'Forbidden');
    checkPreconditions(ctx, t.folder.etag);
    store.deleteFolder(t.folder);
  } else {
    checkPreconditions(ctx, t.item.etag);
    store.deleteItem(t.item);
  }
  ctx.log.info({ event: 'store.deleted', mailbox: m.mailbox.config.alias, path: m.segments.join('/') }, 'deleted');
  sendEmpty(ctx.res, 200);
}
