// OWA reports command failures as an HTML page with status 200, not as a 4xx (§15).
import type { RequestContext } from '../http/context.ts';
import { escapeHtml, sendHtml } from '../http/respond.ts';

export function sendOwaErrorPage(ctx: RequestContext, message: string): void {
  ctx.log.info({ event: 'owa.error_page', reason: message }, 'OWA error page');
  const html = [
    '<HTML>',
    '<HEAD><TITLE>Microsoft Outlook Web Access</TITLE></HEAD>',
    '<BODY>',
    '<TABLE class="errorTable"><TR><TD id="errMsg">',
    `<FONT color="red">Error</FONT>: ${escapeHtml(message)}`,
    '</TD></TR></TABLE>',
    '</BODY>',
    '</HTML>',
  ].join('\r\n');
  sendHtml(ctx.res, 200, html);
}
