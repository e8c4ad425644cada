import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SESSION_COOKIE } from '../http/security.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';

describe('sign-in', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
  });

  test('GET /healthz answers ok with the database state and needs no sign-in', async () => {
    const res = await fetch(`${app.url}/healthz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.status, 'ok');
    assert.equal(body.database, 'ok');
  });

  test('GET /rooms redirects an anonymous visitor to the sign-in page', async () => {
    const res = await new TestBrowser(app.url).get('/rooms');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/login');
  });

  test('POST /login refuses a wrong password with 401 and keeps the user name', async () => {
    const b = new TestBrowser(app.url);
    const res = await b.post('/login', { username: 'alice', password: 'wrong' });
    assert.equal(res.status, 401);
    const html = await res.text();
    assert.match(html, /The user name or password is incorrect\./);
    assert.match(html, /name="username"[^>]*value="alice"/);
    assert.doesNotMatch(html, /value="wrong"/);
  });

  test('POST /login signs in, regenerates the session id and sets a HttpOnly SameSite=Lax cookie', async () => {
    const b = new TestBrowser(app.url);
    await b.get('/login');
    assert.equal(b.cookie(SESSION_COOKIE), undefined, 'the sign-in page stores no session (its CSRF token is a signed cookie)');
    const res = await b.signIn('alice');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/');
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    assert.ok(setCookie);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.doesNotMatch(setCookie, /Secure/i, 'plain HTTP on loopback gets no Secure flag');
    const home = await (await b.get('/')).text();
    assert.match(home, /Welcome, Alice Anderson/);
    assert.match(home, /Employee/);
  });

  test('session cookie is Secure when the request came through an HTTPS proxy', async () => {
    const proxied = await startTestApp({ TRUST_PROXY: 'loopback' });
    try {
      const page = await fetch(`${proxied.url}/login`, { headers: { 'x-forwarded-proto': 'https' } });
      const csrfCookie = page.headers.getSetCookie().find((c) => c.startsWith('roombook.csrf='));
      assert.match(csrfCookie ?? '', /Secure/);
      const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const res = await fetch(`${proxied.url}/login`, {
        method: 'POST',
        headers: { 'x-forwarded-proto': 'https', 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie!.split(';')[0]! },
        body: new URLSearchParams({ username: 'alice', password: 'demo', _csrf: token }),
        redirect: 'manual',
      });
      const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      assert.match(setCookie ?? '', /Secure/);
    } finally {
      await proxied.close();
    }
  });

  test('POST /login without a CSRF token is refused with 403', async () => {
    const b = new TestBrowser(app.url);
    const res = await b.post('/login', { username: 'alice', password: 'demo' }, { csrf: false });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /This form has expired/);
  });

  test('POST /login after the sign-in page follows returnTo only for local paths', async () => {
    const b = new TestBrowser(app.url);
    await b.get('/rooms?capacity=4');
    const res = await b.signIn('bob');
    assert.equal(res.headers.get('location'), '/rooms?capacity=4');
  });

  test('POST /login blocks an account after five wrong passwords with 429 and Retry-After', async () => {
    const b = new TestBrowser(app.url);
    for (let i = 0; i < 5; i++) assert.equal((await b.post('/login', { username: 'rita', password: `bad${i}` })).status, 401);
    const res = await b.post('/login', { username: 'rita', password: 'demo' });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.match(await res.text(), /Too many failed sign-in attempts/);
  });

  test('POST /logout ends the session', async () => {
    const b = new TestBrowser(app.url);
    await b.signIn('bob');
    const res = await b.post('/logout', {});
    assert.equal(res.status, 303);
    assert.equal((await b.get('/')).status, 303);
    assert.match(await (await b.get('/login')).text(), /You have signed out\./);
  });

  test('sessions survive a restart of the app', async () => {
    let own = await startTestApp();
    try {
      const b = new TestBrowser(own.url);
      await b.signIn('adam');
      own = await own.restart();
      b.baseUrl = own.url;
      const res = await b.get('/');
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Welcome, Adam Admin/);
    } finally {
      await own.close();
    }
  });

  test('a user disabled by an admin is signed out on the next request', async () => {
    const admin = new TestBrowser(app.url);
    await admin.signIn('adam');
    const bob = new TestBrowser(app.url);
    await bob.signIn('bob');
    const users = await (await admin.get('/admin/users')).text();
    const id = /Bob Baker[\s\S]*?\/admin\/users\/(\d+)\/access/.exec(users)?.[1];
    assert.ok(id);
    assert.equal((await admin.post(`/admin/users/${id}/access`, { role: 'employee' })).status, 303);
    assert.equal((await bob.get('/')).status, 303);
    assert.equal((await bob.signIn('bob')).status, 401);
    await admin.post(`/admin/users/${id}/access`, { role: 'employee', active: 'on' });
  });
});
