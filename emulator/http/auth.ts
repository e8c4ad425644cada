// Who is calling: an NTLM-authenticated connection, Basic, NTLM, or a forms session cookie. Failures are
// answered the way Exchange 2003 does: 401 + challenges, or with forms on, 302 to owalogon.asp for a GET
// and 440 Login Timeout for anything else (§3).
import type { Socket } from 'node:net';
import type { MailboxConfig, Org } from '../org.ts';
import { findMailbox } from '../org.ts';
import { header, isTranslateF, type RequestContext } from './context.ts';
import { buildType2, messageType, newChallenge, parseType1, parseType3, verifyNtlmV2, NtlmMessageError } from './ntlm.ts';
import { send, sendError } from './respond.ts';
import { parseCookies } from './sessions.ts';
import { logonPageHtml, logonUrl } from './logon-page.ts';

interface ConnectionAuth {
  challenge?: Buffer;
  alias?: string;
}

const connections = new WeakMap<Socket, ConnectionAuth>();

/** Strips `DOMAIN\` and `@domain` from a sign-in name; refuses a foreign domain. */
export function accountName(org: Org, login: string): string | undefined {
  let name = login.trim();
  const slash = name.indexOf('\\');
  if (slash >= 0) {
    const domain = name.slice(0, slash).toLowerCase();
    if (domain && domain !== org.netbiosDomain.toLowerCase() && domain !== org.domain.toLowerCase()) return undefined;
    name = name.slice(slash + 1);
  }
  const at = name.indexOf('@');
  if (at >= 0) {
    if (name.slice(at + 1).toLowerCase() !== org.domain.toLowerCase()) return undefined;
    name = name.slice(0, at);
  }
  return name || undefined;
}

/** The account for these credentials, if the password is right (rooms have no password and cannot sign in). */
export function checkPassword(org: Org, login: string, password: string): MailboxConfig | undefined {
  const name = accountName(org, login);
  const account = name ? findMailbox(org, name) : undefined;
  if (!account || account.password === undefined || account.password !== password) return undefined;
  return account;
}

function challengeHeaders(ctx: RequestContext, ntlmToken?: string): Record<string, string | string[]> {
  const values: string[] = [];
  const { auth } = ctx.state;
  if (ntlmToken) values.push(`NTLM ${ntlmToken}`);
  else {
    // EXCHANGE: IIS offered `Negotiate` too; the emulator cannot do SPNEGO/Kerberos, so it offers NTLM only
    // (a client that sends raw NTLM tokens under `Negotiate` is still understood).
    if (auth.ntlm) values.push('NTLM');
    if (auth.basic) values.push(`Basic realm="${ctx.url.hostname}"`);
  }
  return values.length ? { 'WWW-Authenticate': values } : {};
}

function unauthorized(ctx: RequestContext, ntlmToken?: string): undefined {
  sendError(ctx.res, 401, 'Unauthorized: Access is denied due to invalid credentials.', challengeHeaders(ctx, ntlmToken));
  return undefined;
}

/** Answers a request that has no valid forms session (§3, §17.1). */
function formsChallenge(ctx: RequestContext, hadCookie: boolean): undefined {
  const method = ctx.req.method ?? 'GET';
  const isGet = method === 'GET' || method === 'HEAD';
  if (isGet && !hadCookie) {
    send(ctx.res, 302, '', '', { Location: logonUrl(ctx.base + ctx.url.pathname + ctx.url.search, 0) });
    return undefined;
  }
  if (isGet && hadCookie && !isTranslateF(ctx)) {
    // EXCHANGE: an OWA GET with a dead cookie gets the logon form again, with 200 (EVO fba.xml).
    send(ctx.res, 200, logonPageHtml(ctx.base + ctx.url.pathname + ctx.url.search, 0), 'text/html');
    return undefined;
  }
  const expired = 'sessionid=; path=/; expires=Thu, 01-Jan-1970 00:00:00 GMT';
  const expiredCadata = 'cadata=; path=/; expires=Thu, 01-Jan-1970 00:00:00 GMT';
  send(ctx.res, 440, '<html><body>Login Timeout</body></html>', 'text/html', {
    'Set-Cookie': [expired, expiredCadata],
    Connection: 'close',
  });
  return undefined;
}

/**
 * Returns the signed-in account, or undefined after answering the request itself (challenge, redirect, 440).
 */
export function authenticate(ctx: RequestContext): MailboxConfig | undefined {
  const { org, auth } = ctx.state;
  const socket = ctx.req.socket;
  const authorization = header(ctx, 'authorization');
  const conn = connections.get(socket);

  if (authorization) {
    const space = authorization.indexOf(' ');
    const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
    const token = space < 0 ? '' : authorization.slice(space + 1).trim();
    if (scheme === 'basic' && auth.basic) {
      const decoded = Buffer.from(token, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const account = colon < 0 ? undefined : checkPassword(org, decoded.slice(0, colon), decoded.slice(colon + 1));
      if (!account) {
        ctx.log.info({ event: 'auth.basic.refused' }, 'basic sign-in refused');
        return unauthorized(ctx);
      }
      return account;
    }
    if ((scheme === 'ntlm' || scheme === 'negotiate') && auth.ntlm) return ntlmStep(ctx, socket, token);
    return unauthorized(ctx);
  }

  if (conn?.alias && auth.ntlm) {
    // EXCHANGE: NTLM authenticates the connection; later requests on it carry no Authorization header.
    const account = findMailbox(org, conn.alias);
    if (account) return account;
  }

  const cookies = parseCookies(header(ctx, 'cookie'));
  const sessionCookie = cookies.get('sessionid');
  const cadata = cookies.get('cadata');
  if (auth.forms) {
    if (sessionCookie || cadata) {
      const session = ctx.state.sessions.lookup(sessionCookie?.split(',')[0], cadata);
      const account = session ? findMailbox(org, session.alias) : undefined;
      if (account) return account;
      ctx.log.info({ event: 'auth.forms.expired' }, 'forms session missing or expired');
      return formsChallenge(ctx, true);
    }
    return formsChallenge(ctx, false);
  }
  return unauthorized(ctx);
}

function ntlmStep(ctx: RequestContext, socket: Socket, token: string): MailboxConfig | undefined {
  const { org } = ctx.state;
  let msg: Buffer;
  try {
    msg = Buffer.from(token, 'base64');
    const type = messageType(msg);
    if (type === 1) {
      const t1 = parseType1(msg);
      const challenge = newChallenge();
      connections.set(socket, { challenge });
      const t2 = buildType2({ challenge, domain: org.netbiosDomain, server: org.serverName, dnsDomain: org.domain, clientFlags: t1.flags });
      return unauthorized(ctx, t2.toString('base64'));
    }
    if (type === 3) {
      const state = connections.get(socket);
      const t3 = parseType3(msg);
      const name = accountName(org, t3.domain ? `${t3.domain}\\${t3.user}` : t3.user);
      const account = name ? findMailbox(org, name) : undefined;
      const ok = !!state?.challenge && !!account?.password && verifyNtlmV2(t3, state.challenge, account.password);
      if (!ok || !account) {
        connections.delete(socket);
        ctx.log.info({ event: 'auth.ntlm.refused' }, 'ntlm sign-in refused');
        return unauthorized(ctx);
      }
      connections.set(socket, { alias: account.alias });
      return account;
    }
  } catch (err) {
    if (!(err instanceof NtlmMessageError)) throw err;
  }
  return unauthorized(ctx);
}
