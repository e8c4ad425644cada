import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../index.ts';
import { propfindBody, rows, start } from '../testing/client.ts';

function cookiesOf(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    out.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
  return out;
}

async function logIn(url: string, username: string, password: string, destination = `${url}/exchange/`): Promise<Response> {
  return fetch(`${url}/exchweb/bin/auth/owaauth.dll`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: 'PBack=0' },
    body: new URLSearchParams({ destination, forcedownlevel: '0', username, password, trusted: '4', flags: '4' }).toString(),
  });
}

function cookieHeader(res: Response): string {
  return [...cookiesOf(res)].map(([k, v]) => `${k}=${v}`).join('; ');
}

describe('OWA forms-based authentication', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  test('GET /exchange/ without a cookie redirects to owalogon.asp with reason=0 (not 401)', async () => {
    const res = await fetch(`${emu.url}/exchange/`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location')!, emu.url);
    assert.equal(location.pathname, '/exchweb/bin/auth/owalogon.asp');
    assert.equal(location.searchParams.get('url'), `${emu.url}/exchange/`);
    assert.equal(location.searchParams.get('reason'), '0');
  });

  test('owalogon.asp serves one logonForm posting to owaauth.dll with the DavMail fields', async () => {
    const res = await fetch(`${emu.url}/exchweb/bin/auth/owalogon.asp?url=${encodeURIComponent(`${emu.url}/exchange/`)}&reason=0`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.equal(html.match(/<form/gi)?.length, 1);
    assert.match(html, /<form action="\/exchweb\/bin\/auth\/owaauth\.dll" method="POST" name="logonForm"/);
    for (const field of ['destination', 'flags', 'forcedownlevel', 'username', 'password', 'trusted']) assert.match(html, new RegExp(`name="${field}"`));
    assert.match(html, new RegExp(`name="destination" value="${emu.url.replace(/[.:/]/g, '\\$&')}/exchange/"`));
    const raw = await fetch(`${emu.url}/exchweb/bin/auth/owalogon.asp`, { headers: { Translate: 'F' } });
    assert.equal(raw.status, 403);
  });

  test('ExchangeFormAuthenticator.isAuthenticated: owaauth.dll sets sessionid and cadata and redirects to the destination', async () => {
    const res = await logIn(emu.url, 'EXAMPLE\\alice', 'demo');
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), `${emu.url}/exchange/`);
    assert.doesNotMatch(res.headers.get('location')!, /reason=[24]/);
    const cookies = cookiesOf(res);
    assert.match(cookies.get('sessionid') ?? '', /^[0-9a-f-]{36},0x409$/);
    assert.match(cookies.get('cadata') ?? '', /^"2,.+"$/);
    assert.ok(res.headers.getSetCookie().some((c) => /^cadata=.*HttpOnly/i.test(c)));
  });

  test('owaauth.dll with a wrong password redirects back to owalogon.asp with reason=2 and sets no cookie', async () => {
    const res = await logIn(emu.url, 'alice', 'wrong');
    assert.equal(res.status, 302);
    assert.match(res.headers.get('location')!, /^\/exchweb\/bin\/auth\/owalogon\.asp\?url=.*&reason=2$/);
    assert.equal(res.headers.getSetCookie().length, 0);
  });

  test('getMailpathFromWelcomePage: the start page carries the mailbox <base href> on one line', async () => {
    const cookie = cookieHeader(await logIn(emu.url, 'alice', 'demo'));
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${emu.url}/exchange/`, { headers: { Cookie: cookie } });
      assert.equal(res.status, 200);
      const line = (await res.text()).split(/\r?\n/).find((l) => l.toLowerCase().includes('<base href="'));
      assert.ok(line);
      const start = line.toLowerCase().indexOf('<base href="') + '<base href="'.length;
      assert.equal(line.slice(start, line.indexOf('"', start)), `${emu.url}/exchange/alice/`);
    }
  });

  test('getWellKnownFolders works with the forms cookies; so does Cmd=galfind', async () => {
    const cookie = cookieHeader(await logIn(emu.url, 'klaus', 'demo'));
    const res = await fetch(`${emu.url}/exchange/klaus/`, {
      method: 'PROPFIND',
      headers: { Cookie: cookie, Depth: '0', 'Content-Type': 'text/xml' },
      body: propfindBody('<d:calendar/>'),
    });
    assert.equal(res.status, 207);
    assert.equal(rows(await res.text())[0]!.ok.calendar, `${emu.url}/exchange/klaus/Kalender`);
    const gal = await fetch(`${emu.url}/exchange/klaus/?Cmd=galfind&AN=alice`, { headers: { Cookie: cookie } });
    assert.equal(gal.status, 200);
    const xml = await gal.text();
    assert.match(xml, /<a:item><a:DN>Alice Anderson<\/a:DN>.*<a:AN>alice<\/a:AN><a:EM>alice@example\.com<\/a:EM>/);
  });

  test('an expired session answers 440 Login Timeout to DAV requests, clearing both cookies', async () => {
    const cookie = cookieHeader(await logIn(emu.url, 'bob', 'demo'));
    const expired = await fetch(`${emu.url}/_emulator/sessions/expire`, { method: 'POST', body: JSON.stringify({ alias: 'bob' }) });
    assert.equal(((await expired.json()) as { expired: number }).expired, 1);
    const res = await fetch(`${emu.url}/exchange/bob/`, { method: 'PROPFIND', headers: { Cookie: cookie, Depth: '0' } });
    assert.equal(res.status, 440);
    assert.equal(res.statusText, 'Login Timeout');
    assert.equal(res.headers.get('connection'), 'close');
    const cleared = res.headers.getSetCookie();
    assert.ok(cleared.some((c) => /^sessionid=;.*expires=Thu, 01-Jan-1970/.test(c)));
    assert.ok(cleared.some((c) => /^cadata=;.*expires=Thu, 01-Jan-1970/.test(c)));
  });

  test('an expired session on an OWA GET answers 200 with the logon form again', async () => {
    const cookie = cookieHeader(await logIn(emu.url, 'rita', 'demo'));
    await fetch(`${emu.url}/_emulator/sessions/expire`, { method: 'POST', body: '{}' });
    const res = await fetch(`${emu.url}/exchange/rita/Inbox/`, { headers: { Cookie: cookie }, redirect: 'manual' });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /name="logonForm"/);
    const translated = await fetch(`${emu.url}/exchange/rita/Inbox/`, { headers: { Cookie: cookie, Translate: 'f' }, redirect: 'manual' });
    assert.equal(translated.status, 440);
  });

  test('a forged cadata cookie is refused with 440', async () => {
    const real = cookiesOf(await logIn(emu.url, 'adam', 'demo'));
    const res = await fetch(`${emu.url}/exchange/adam/`, {
      method: 'PROPFIND',
      headers: { Cookie: `sessionid=${real.get('sessionid')}; cadata="2,forged"`, Depth: '0' },
    });
    assert.equal(res.status, 440);
  });

  test('a forms session is refused with 403 for a mailbox it has no delegation for', async () => {
    const cookie = cookieHeader(await logIn(emu.url, 'alice', 'demo'));
    const res = await fetch(`${emu.url}/exchange/bob/`, { method: 'PROPFIND', headers: { Cookie: cookie, Depth: '0' } });
    assert.equal(res.status, 403);
  });
});
