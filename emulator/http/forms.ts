// OWA forms-based authentication: /exchweb/bin/auth/owalogon.asp (the form) and owaauth.dll (its target).
// Success sets `sessionid` + `cadata` and redirects to the destination; a bad password redirects back with
// reason=2 (§3, §17.2-3).
import { lcid } from '../store/folders.ts';
import { header, type RequestContext } from './context.ts';
import { escapeHtml, send, sendError } from './respond.ts';
import { checkPassword } from './auth.ts';

export const LOGON_PATH = '/exchweb/bin/auth/owalogon.asp';
export const AUTH_PATH = '/exchweb/bin/auth/owaauth.dll';
export const LOGOFF_PATH = '/exchweb/bin/auth/owalogoff.dll';

export function logonUrl(destination: string, reason: number): string {
  return `${LOGON_PATH}?url=${encodeURIComponent(destination)}&reason=${reason}`;
}

export function logonPageHtml(destination: string, reason: number): string {
  const message = reason === 2 ? '<p class="wrng">You could not be logged on to Outlook Web Access. Make sure your domain\\user name and password are correct, and then try again.</p>' : '';
  return [
    '<html>',
    '<head><title>Microsoft Outlook Web Access</title></head>',
    '<body>',
    `<form action="${AUTH_PATH}" method="POST" name="logonForm" autocomplete="off">`,
    `<input type="hidden" name="destination" value="${escapeHtml(destination)}">`,
    '<input type="hidden" name="flags" value="0">',
    '<input type="hidden" name="forcedownlevel" value="0">',
    message,
    '<table>',
    '<tr><td><label for="rdoPblc">This is a public or shared computer</label></td><td><input id="rdoPblc" type="radio" name="trusted" value="0" checked></td></tr>',
    '<tr><td><label for="rdoPrvt">This is a private computer</label></td><td><input id="rdoPrvt" type="radio" name="trusted" value="4"></td></tr>',
    '<tr><td><label for="username">Domain\\user name:</label></td><td><input id="username" name="username" type="text"></td></tr>',
    '<tr><td><label for="password">Password:</label></td><td><input id="password" name="password" type="password"></td></tr>',
    '</table>',
    '<input type="submit" class="btn" value="Log On" name="SubmitCreds">',
    '</form>',
    '</body>',
    '</html>',
  ].join('\r\n');
}

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
