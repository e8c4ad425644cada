// POST: to the submission URI sends MIME (§2); otherwise an OWA form post whose Cmd selects the command
// (saveappt, sendappt). Unknown commands and bad forms answer OWA's 200 error page (§15).
import { HttpError, type RequestContext } from '../http/context.ts';
import { sendEmpty } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { submitOptions } from '../dav/put.ts';
import { parseOwaForm } from './form.ts';
import { handleSaveAppt } from './saveappt.ts';
import { handleSendAppt } from './sendappt.ts';
import { sendOwaErrorPage } from './error-page.ts';

export function handlePost(ctx: RequestContext, m: MailboxRequest): void {
  if (m.target.kind === 'submission') {
    ctx.state.transport.submitMime(m.mailbox, ctx.body.toString('utf8'), ctx.principal!, submitOptions(ctx));
    sendEmpty(ctx.res, 200);
    return;
  }
  if (m.target.kind === 'missing') throw new HttpError(404, 'Not Found');
  const form = parseOwaForm(ctx);
  const cmd = (form.get('Cmd') ?? ctx.url.searchParams.get('Cmd') ?? '').trim().toLowerCase();
  switch (cmd) {
    case 'saveappt':
      return handleSaveAppt(ctx, m, form);
    case 'sendappt':
      return handleSendAppt(ctx, m, form);
    default:
      return sendOwaErrorPage(ctx, cmd ? `The command ${cmd} is not supported.` : 'The form could not be read.');
  }
}
