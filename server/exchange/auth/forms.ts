// Forms-based authentication (FBA, §3): POST the logon form to owaauth.dll, keep the sessionid/cadata cookies,
// and when the session is gone (440, a redirect to owalogon.asp, or the logon page served with 200) log in
// again once and retry the request once. Concurrent requests share one login.
import type { Pool } from 'undici';
import { AuthFailedError, errorForStatus, parseRetryAfter } from '../errors.ts';
import { classifyOwaPage, isLogonRedirect } from '../owa/owa-errors.ts';
import { header, headerValues, sendOnce, type WireContext, type WireRequest, type WireResponse } from '../wire.ts';
import { CookieJar } from './cookies.ts';
import type { AuthScheme, Credentials } from './scheme.ts';

export const FORMS_LOGIN_PATH = '/exchweb/bin/auth/owaauth.dll';

function isSessionCookie(name: string): boolean {
  return name === 'sessionid' || name.startsWith('cadata');
}

/** True when the answer says "you are not logged in" rather than answering the request. */
export function isLoggedOut(res: WireResponse): boolean {
  if (res.status === 440) return true;
  if (res.status >= 300 && res.status < 400) return isLogonRedirect(header(res, 'location'));
  if (res.status === 200 && /html/i.test(header(res, 'content-type') ?? '')) return classifyOwaPage(res.body).kind === 'logon';
  return false;
}

export function formsAuth(pool: Pool, credentials: Credentials, ctx: WireContext, origin: string): AuthScheme {
  const jar = new CookieJar();
  let session: Promise<number> | null = null;
  let generation = 0;

  async function login(): Promise<void> {
    jar.clear();
    const body = new URLSearchParams({
      destination: `${origin}/exchange/`,
      flags: '4', // private computer: the longer session timeout (§3)
      forcedownlevel: '0',
      username: credentials.username,
      password: credentials.password,
      trusted: '4',
      SubmitCreds: 'Log On',
    }).toString();
    const res = await sendOnce(pool, { method: 'POST', path: FORMS_LOGIN_PATH, body }, ctx, {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: 'PBack=0',
    });
    jar.update(headerValues(res, 'set-cookie'));
    const location = header(res, 'location') ?? '';
    if (res.status >= 300 && res.status < 400) {
      // EXCHANGE: a refused logon redirects back to owalogon.asp with reason=2 (DavMail also treats 4 as failure).
      if (/[?&]reason=[24]\b/.test(location) || !jar.has(isSessionCookie)) {
        throw new AuthFailedError('forms logon refused', res.facts);
      }
      return;
    }
    if (res.status === 200) throw new AuthFailedError('forms logon answered with the logon page again', res.facts);
    throw (
      errorForStatus(res.status, res.facts, parseRetryAfter(header(res, 'retry-after'), Date.now())) ??
      new AuthFailedError(`forms logon answered ${res.status}`, res.facts)
    );
  }

  // The generation is taken when a login starts, so requests that saw the old session expire at the same
  // moment all wait for the one new login instead of each starting their own.
  function ensureSession(): Promise<number> {
    if (!session) {
      const started = ++generation;
      session = login().then(
        () => started,
        (error: unknown) => {
          session = null;
          throw error;
        },
      );
    }
    return session;
  }

  async function attempt(req: WireRequest): Promise<WireResponse> {
    const cookie = jar.header();
    const res = await sendOnce(pool, req, ctx, cookie ? { cookie } : {});
    jar.update(headerValues(res, 'set-cookie'));
    return res;
  }

  return {
    async send(req) {
      const used = await ensureSession();
      const first = await attempt(req);
      if (!isLoggedOut(first)) return first;
      // CASE: only the first request to notice an expired session logs in again; the others wait for it.
      if (used === generation) session = null;
      await ensureSession();
      const second = await attempt(req);
      if (isLoggedOut(second)) throw new AuthFailedError('forms session rejected right after logging in again', second.facts);
      return second;
    },
    close: () => pool.close(),
  };
}
