// OWA URL commands on GET (`?Cmd=…`, case-insensitive): galfind, gallookup, getcancel, accept, tentative,
// decline, open; anything else
// answers an OWA page (§15).
import { HttpError, type RequestContext } from '../http/context.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { handleGalfind, handleGallookup } from './galfind.ts';
import { handleGetCancel } from './getcancel.ts';
import { handleRespond } from './respond.ts';
import { welcomePage } from './welcome.ts';
import { sendOwaErrorPage } from './error-page.ts';
import { handleGet } from '../dav/get.ts';

/** GET/HEAD in a mailbox: `?Cmd=` selects an OWA command, anything else is a plain DAV GET. */
export async function handleGetRequest(ctx: RequestContext, m: MailboxRequest): Promise<void> {
  const cmd = [...ctx.url.searchParams.entries()].find(([k]) => k.toLowerCase() === 'cmd')?.[1];
  if (cmd) return handleOwaGetCommand(ctx, m, cmd.toLowerCase());
  return handleGet(ctx, m);
}

async function handleOwaGetCommand(ctx: RequestContext, m: MailboxRequest, cmd: string): Promise<void> {
  switch (cmd) {
    case 'galfind':
      return handleGalfind(ctx);
    case 'gallookup':
      return handleGallookup(ctx);
    case 'getcancel':
      return handleGetCancel(ctx, m);
    case 'accept':
    case 'tentative':
    case 'decline':
      return handleRespond(ctx, m, cmd);
    case 'open':
    case 'edit': {
      ctx.url.searchParams.delete('Cmd');
      ctx.url.searchParams.delete('cmd');
      return handleGet(ctx, m);
    }
    case 'navbar':
    case 'contents':
    case 'options':
    case 'new':
      if (m.target.kind === 'missing') throw new HttpError(404, 'Not Found');
      return welcomePage(ctx, m.mailbox);
    default:
      return sendOwaErrorPage(ctx, `The command ${cmd} is not supported.`);
  }
}
