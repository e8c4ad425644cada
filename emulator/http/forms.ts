// OWA forms-based authentication: /exchweb/bin/auth/owalogon.asp (the form) and owaauth.dll (its target).
// Success sets `sessionid` + `cadata` and redirects to the destination; a bad password redirects back with
// reason=2 (§3, §17.2-3).
import { lcid } from '../store/folders.ts';
import { header, type RequestContext } from './context.ts';
import { send, sendError } from './respond.ts';
import { checkPassword } from './auth.ts';
import { logonPageHtml, logonUrl } from './logon-page.ts';

/** GET owalogon.asp: the logon page (403 when asked for the raw file with Translate: F, §3). */
export function handleLogonPage(ctx: RequestContext): void {
  if ((header(ctx, 'translate') ?? '').toLowerCase() === 'f') {
    sendError(ctx.res, 403, 'Forbidden');
    return;
  }
  const destination = ctx.url.searchParams.get('url') ?? `${ctx.base}/exchange/`;
  const reason = Number(ctx.url.searchParams.get('reason') ?? '0') || 0;
  send(ctx.res, 200, logonPageHtml(destination, reason), 'text/html', { 'Cache-Control': 'no-cache' });
}

/** POST owaauth.dll: checks the credentials and starts a session. */
export function handleLogonPost(ctx: RequestContext): void {
  if (ctx.req.method !== 'POST') {
    sendError(ctx.res, 405, 'Method Not Allowed');
    return;
  }
  const form = new URLSearchParams(ctx.body.toString('utf8'));
  const destination = form.get('destination') || `${ctx.base}/exchange/`;
  const account = checkPassword(ctx.state.org, form.get('username') ?? '', form.get('password') ?? '');
  if (!account || !ctx.state.auth.forms) {
    ctx.log.info({ event: 'auth.forms.refused' }, 'forms sign-in refused');
    send(ctx.res, 302, '', '', { Location: logonUrl(destination, 2) });
    return;
  }
  const flags = Number(form.get('flags') ?? '0');
  const trusted = form.get('trusted') === '4' || (flags & 4) !== 0;
  const session = ctx.state.sessions.create(account.alias, trusted, lcid(account.locale));
  // EXCHANGE: the real front end marks cadata `secure` (it insists on SSL); over plain http a client
  // would drop such a cookie, so `secure` is only added when the request came over TLS.
  const secure = (ctx.req.socket as { encrypted?: boolean }).encrypted ? '; secure' : '';
  ctx.log.info({ event: 'auth.forms.signed_in', account: account.alias }, 'forms sign-in');
  send(ctx.res, 302, '', '', {
    Location: destination,
    'Set-Cookie': [`sessionid=${session.sessionId},${session.lcid}; path=/`, `cadata="${session.cadata}"; HttpOnly${secure}; path=/`],
  });
}

/** owalogoff.dll: ends the session and clears both cookies. */
export function handleLogoff(ctx: RequestContext): void {
  const cookie = header(ctx, 'cookie') ?? '';
  const match = /sessionid=([^;,]+)/.exec(cookie);
  if (match?.[1]) ctx.state.sessions.remove(match[1]);
  send(ctx.res, 302, '', '', {
    Location: logonUrl(`${ctx.base}/exchange/`, 0),
    'Set-Cookie': ['sessionid=; path=/; expires=Thu, 01-Jan-1970 00:00:00 GMT', 'cadata=; path=/; expires=Thu, 01-Jan-1970 00:00:00 GMT'],
  });
}
