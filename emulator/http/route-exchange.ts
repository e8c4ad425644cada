// /exchange/: the OWA start page at the root, then per mailbox: 404 unknown, 403 without delegation, and the
// method handlers.
import { canAccess } from '../org.ts';
import { HttpError, type RequestContext } from './context.ts';
import type { SplitPath } from './paths.ts';
import { resolveTarget } from '../dav/target.ts';
import type { MailboxRequest } from './mailbox-request.ts';
import { handlePropfind } from '../dav/propfind.ts';
import { handleProppatch } from '../dav/proppatch.ts';
import { handleSearch } from '../dav/search.ts';
import { handlePut } from '../dav/put.ts';
import { handleDelete } from '../dav/delete.ts';
import { handleMkcol } from '../dav/mkcol.ts';
import { handleMoveCopy } from '../dav/move.ts';
import { enforceLocks, handleLock, handleUnlock } from '../dav/lock.ts';
import { handlePost } from '../owa/post.ts';
import { handleGetRequest } from '../owa/commands.ts';
import { welcomePage } from '../owa/welcome.ts';
import { sendEmpty } from './respond.ts';

const ALLOW = 'OPTIONS, TRACE, GET, HEAD, DELETE, PUT, POST, COPY, MOVE, MKCOL, PROPFIND, PROPPATCH, LOCK, UNLOCK, SEARCH';

/** Methods that go through the lock and `If` checks first. */
const WRITES = new Set(['PUT', 'PROPPATCH', 'DELETE', 'MKCOL', 'MOVE', 'COPY', 'LOCK']);

export async function handleExchange(ctx: RequestContext, path: SplitPath): Promise<void> {
  const method = (ctx.req.method ?? 'GET').toUpperCase();
  const principal = ctx.principal!;
  const { store, org } = ctx.state;
  if (path.segments.length === 0) {
    if (method === 'GET' || method === 'HEAD') return welcomePage(ctx, store.mailbox(principal.alias)!);
    if (method === 'OPTIONS') return sendEmpty(ctx.res, 200, { Allow: ALLOW, DAV: '1, 2', 'MS-Author-Via': 'DAV' });
    throw new HttpError(405, 'Method Not Allowed');
  }
  const mailbox = store.mailbox(path.segments[0]!);
  if (!mailbox) throw new HttpError(404, 'Not Found');
  if (!canAccess(org, principal.alias, mailbox.config.alias)) {
    ctx.log.info({ event: 'auth.delegation.refused', mailbox: mailbox.config.alias }, 'no access to mailbox');
    throw new HttpError(403, 'Forbidden');
  }
  const segments = path.segments.slice(1);
  const m: MailboxRequest = { mailbox, segments, target: resolveTarget(store, mailbox, segments) };
  if (WRITES.has(method)) enforceLocks(ctx, m, method);
  switch (method) {
    case 'LOCK':
      return handleLock(ctx, m);
    case 'UNLOCK':
      return handleUnlock(ctx, m);
    case 'PROPFIND':
      return handlePropfind(ctx, m);
    case 'PROPPATCH':
      return handleProppatch(ctx, m);
    case 'SEARCH':
      return handleSearch(ctx, m);
    case 'GET':
    case 'HEAD':
      return handleGetRequest(ctx, m);
    case 'PUT':
      return handlePut(ctx, m);
    case 'POST':
      return handlePost(ctx, m);
    case 'DELETE':
      return handleDelete(ctx, m);
    case 'MKCOL':
      return handleMkcol(ctx, m);
    case 'MOVE':
    case 'COPY':
      return handleMoveCopy(ctx, m, method);
    case 'OPTIONS':
      return sendEmpty(ctx.res, 200, { Allow: ALLOW, DAV: '1, 2', 'MS-Author-Via': 'DAV', 'Accept-Ranges': 'rows' });
    default:
      throw new HttpError(501, 'Not Implemented');
  }
}
