// GET/HEAD: with `Translate: f` an item answers its raw MIME (message/rfc822); without it the request reaches
// OWA (start page for folders, a read page for items) (§1, §15). A `?Cmd=` is dispatched before this, by
// owa/commands.ts handleGetRequest, so this file never imports the OWA commands (which fall back to it).
import { NS, str } from '../store/props.ts';
import { buildMime } from '../mime/build.ts';
import { HttpError, isTranslateF, type RequestContext } from '../http/context.ts';
import { escapeHtml, send, sendHtml } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { welcomePage } from '../owa/welcome.ts';

export async function handleGet(ctx: RequestContext, m: MailboxRequest): Promise<void> {
  const t = m.target;
  if (t.kind === 'missing' || t.kind === 'submission') throw new HttpError(404, 'Not Found');
  if (t.kind === 'folder') {
    return welcomePage(ctx, m.mailbox);
  }
  const { item } = t;
  if (isTranslateF(ctx)) {
    const mime = buildMime(item, m.mailbox.config.timeZone);
    send(ctx.res, 200, mime, 'message/rfc822', { ETag: item.etag, 'Last-Modified': item.modified.toUTCString() });
    return;
  }
  const subject = str(item.props.get(`${NS.mail}subject`)) ?? item.name;
  const body = str(item.props.get(`${NS.mail}textdescription`)) ?? '';
  sendHtml(
    ctx.res,
    200,
    `<html><head><title>${escapeHtml(subject)}</title></head><body><h1>${escapeHtml(subject)}</h1><pre>${escapeHtml(body)}</pre></body></html>`,
    { ETag: item.etag },
  );
}
