// The OWA start page: a frameset whose <BASE href> is the mailbox URL, on one line (DavMail
// getMailpathFromWelcomePage, §5, §17.4).
import type { Mailbox } from '../store/store.ts';
import type { RequestContext } from '../http/context.ts';
import { escapeHtml, sendHtml } from '../http/respond.ts';
import { mailboxHref } from '../store/view.ts';

export function welcomePage(ctx: RequestContext, mailbox: Mailbox): void {
  const base = mailboxHref(ctx.base, mailbox.config.alias);
  const html = [
    '<HTML>',
    '<HEAD>',
    `<TITLE>Microsoft Outlook Web Access - ${escapeHtml(mailbox.config.displayName)}</TITLE>`,
    `<BASE href="${escapeHtml(base)}">`,
    '</HEAD>',
    '<FRAMESET cols="200,*" border="0" frameborder="0">',
    '<FRAME name="navbar" src="?Cmd=navbar" scrolling="no">',
    '<FRAME name="viewer" src="?Cmd=contents">',
    '</FRAMESET>',
    '</HTML>',
  ].join('\r\n');
  sendHtml(ctx.res, 200, html, { 'Cache-Control': 'no-cache' });
}
