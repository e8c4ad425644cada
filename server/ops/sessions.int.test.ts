import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { countSessions } from '../auth/session.repo.ts';
import { sqliteClient } from '../db/sql.ts';
import { CSRF_COOKIE } from '../http/csrf.ts';
import { SESSION_COOKIE } from '../http/security.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { purgeExpiredSessions } from './purge.ts';

const setCookieNames = (res: Response) => res.headers.getSetCookie().map((c) => c.slice(0, c.indexOf('=')));
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

describe('sessions are written only when something must be stored', () => {
  let app: TestApp;
  const sessions = () => countSessions(sqliteClient(app.ctx.db));
  const row = (sid: string) =>
    app.ctx.db.prepare<[string], { data: string; expires_at: number }>('SELECT data, expires_at FROM sessions WHERE sid = ?').get(sid);
  const sidOf = (b: TestBrowser) =>
    decodeURIComponent(b.cookie(SESSION_COOKIE)!)
      .replace(/^s:/, '')
      .replace(/\.[^.]*$/, '');

  before(async () => {
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
  });

  test('2,000 anonymous views of /login (and other anonymous pages) leave no session row', async () => {
    const before = await sessions();
    for (let i = 0; i < 2000; i++) {
      const res = await fetch(`${app.url}/login`, { headers: { accept: 'text/html' } });
      assert.equal(res.status, 200);
      assert.ok(!setCookieNames(res).includes(SESSION_COOKIE), 'no session cookie for an anonymous view');
      await res.arrayBuffer();
    }
    for (const path of ['/', '/rooms', '/nowhere', '/find']) await (await fetch(`${app.url}${path}`, { redirect: 'manual' })).arrayBuffer();
    assert.equal(await sessions(), before);
  });

  test('the sign-in form is CSRF-protected by a signed cookie: the form works, forgeries are refused', async () => {
    const b = new TestBrowser(app.url);
    const page = await b.get('/login');
    assert.ok(setCookieNames(page).includes(CSRF_COOKIE));
    const token = csrfOf(await page.text())!;
    assert.ok(token);

    // No token, a made-up token, the token without its cookie, a tampered cookie: all 403.
    assert.equal((await b.post('/login', { username: 'alice', password: 'demo' }, { csrf: false })).status, 403);
    assert.equal((await b.post('/login', { username: 'alice', password: 'demo' }, { csrf: 'made-up' })).status, 403);
    const bare = await fetch(`${app.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'alice', password: 'demo', _csrf: token }),
      redirect: 'manual',
    });
    assert.equal(bare.status, 403);
    const cookie = b.cookie(CSRF_COOKIE)!;
    const tampered = await fetch(`${app.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${CSRF_COOKIE}=${cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}` },
      body: new URLSearchParams({ username: 'alice', password: 'demo', _csrf: token }),
      redirect: 'manual',
    });
    assert.equal(tampered.status, 403);
    // Another visitor's token does not fit this visitor's cookie.
    const other = csrfOf(await (await new TestBrowser(app.url).get('/login')).text())!;
    assert.equal((await b.post('/login', { username: 'alice', password: 'demo' }, { csrf: other })).status, 403);

    const before = await sessions();
    const ok = await b.post('/login', { username: 'alice', password: 'demo' }, { csrf: token });
    assert.equal(ok.status, 303);
    assert.equal(await sessions(), before + 1, 'signing in stores the session');
  });

  test('signed in, forms carry a token bound to the session; the anonymous cookie token is not accepted', async () => {
    const b = new TestBrowser(app.url);
    const anonymous = csrfOf(await (await b.get('/login')).text())!;
    await b.signIn('bob');
    assert.equal((await b.post('/logout', {}, { csrf: anonymous })).status, 403);
    assert.equal((await b.post('/logout', {}, { csrf: false })).status, 403);
    const token = csrfOf(await (await b.get('/')).text())!;
    assert.notEqual(token, anonymous);
    assert.equal((await b.post('/logout', {}, { csrf: token })).status, 303);
  });

  test('read-only requests by a signed-in user neither write the session nor re-sign its cookie', async () => {
    const b = new TestBrowser(app.url);
    await b.signIn('alice');
    const sid = sidOf(b);
    const stored = row(sid);
    assert.ok(stored);
    for (const path of ['/', '/rooms', '/bookings', '/find', '/rooms', '/']) {
      const res = await b.get(path);
      assert.equal(res.status, 200, path);
      assert.ok(!setCookieNames(res).includes(SESSION_COOKIE), `${path} re-sent the session cookie`);
      await res.arrayBuffer();
    }
    assert.deepEqual(row(sid), stored);
  });

  test('the idle timeout still rolls: a session last saved over a minute ago is saved again with a later expiry', async () => {
    const b = new TestBrowser(app.url);
    await b.signIn('alice');
    const sid = sidOf(b);
    // Pretend the session was saved 2 minutes ago (what a minute of reading pages looks like to the store).
    const older = row(sid)!.expires_at - 120_000;
    app.ctx.db.prepare('UPDATE sessions SET expires_at = ? WHERE sid = ?').run(older, sid);

    const res = await b.get('/');
    assert.equal(res.status, 200);
    assert.ok(setCookieNames(res).includes(SESSION_COOKIE), 'the cookie is re-sent with the new expiry');
    assert.ok(row(sid)!.expires_at > older + 60_000);
    // And the next read-only request is quiet again.
    const again = await b.get('/rooms');
    assert.ok(!setCookieNames(again).includes(SESSION_COOKIE));
  });

  test('a page that changes the session writes its row but keeps the expiry, and sends no cookie until the roll is due', async () => {
    const b = new TestBrowser(app.url);
    await b.signIn('adam');
    const sid = sidOf(b);
    const signedIn = row(sid)!;
    // The form's token is read from a page first (a GET), so each post below is the only request after the row's state.
    const csrf = await b.csrfToken();
    // A form post that leaves a flash message, and the page that shows (and so removes) it: two changed sessions.
    const post = await b.post('/admin/equipment', { code: `desk-${Date.now()}`, label: 'Standing desk' }, { csrf });
    assert.equal(post.status, 303);
    assert.ok(!setCookieNames(post).includes(SESSION_COOKIE), 'a change alone re-sent the session cookie');
    assert.notEqual(row(sid)!.data, signedIn.data, 'the flash message is stored');
    assert.equal(row(sid)!.expires_at, signedIn.expires_at, "the row's expiry stays the cookie's");
    const shown = await b.get('/admin/equipment');
    assert.match(await shown.text(), /Standing desk/);
    assert.ok(!setCookieNames(shown).includes(SESSION_COOKIE));
    assert.equal(row(sid)!.data, signedIn.data, 'the shown message is gone from the row');

    // Once the roll is due, a changed session moves the expiry and sends the cookie with it.
    const older = signedIn.expires_at - 120_000;
    app.ctx.db.prepare('UPDATE sessions SET expires_at = ? WHERE sid = ?').run(older, sid);
    const rolled = await b.post('/admin/equipment', { code: `desk-${Date.now()}-2`, label: 'Standing desk 2' }, { csrf });
    assert.equal(rolled.status, 303);
    assert.ok(setCookieNames(rolled).includes(SESSION_COOKIE), 'the roll sends the cookie with the new expiry');
    assert.ok(row(sid)!.expires_at > older + 60_000);
  });

  test("a session saved before the upgrade (express-session's row and cookie) still signs its person in", async () => {
    // express-session's cookie: s:<id>.<base64 HMAC-SHA256 of the id, no padding>, URL-encoded; its row holds a cookie.
    const sid = 'pre-upgrade-session-id-0123456789';
    const userId = app.ctx.db.prepare<[], { id: number }>("SELECT id FROM users WHERE username = 'alice'").get()!.id;
    const expires = new Date(Date.now() + 3_600_000);
    const data = {
      cookie: { originalMaxAge: 3_600_000, expires: expires.toISOString(), httpOnly: true, path: '/', sameSite: 'lax' },
      passport: { user: userId },
    };
    app.ctx.db.prepare('INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?)').run(sid, JSON.stringify(data), expires.getTime());
    const mac = createHmac('sha256', app.ctx.config.sessionSecret).update(sid).digest('base64').replace(/=+$/, '');
    const cookie = `${SESSION_COOKIE}=${encodeURIComponent(`s:${sid}.${mac}`)}`;
    const res = await fetch(`${app.url}/bookings`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
    assert.equal(res.status, 200, 'signed in, not sent to the sign-in page');
    assert.match(await res.text(), /Alice/);

    // The same id with a signature made with another secret, or none: not signed in, and nothing stored for it.
    const forged = createHmac('sha256', 'another-secret-entirely-0123456789').update(sid).digest('base64').replace(/=+$/, '');
    for (const value of [`s:${sid}.${forged}`, `s:${sid}`, sid]) {
      const r = await fetch(`${app.url}/bookings`, { headers: { cookie: `${SESSION_COOKIE}=${encodeURIComponent(value)}` }, redirect: 'manual' });
      assert.equal(r.status, 303, value);
      assert.equal(r.headers.get('location'), '/login');
      await r.arrayBuffer();
    }
  });

  test('signing out removes the row: the old cookie no longer signs anyone in', async () => {
    const b = new TestBrowser(app.url);
    await b.signIn('bob');
    const sid = sidOf(b);
    const oldCookie = `${SESSION_COOKIE}=${b.cookie(SESSION_COOKIE)}`;
    const token = csrfOf(await (await b.get('/')).text())!;
    assert.equal((await b.post('/logout', {}, { csrf: token })).status, 303);
    assert.equal(row(sid), undefined);
    const again = await fetch(`${app.url}/bookings`, { headers: { cookie: oldCookie }, redirect: 'manual' });
    assert.equal(again.status, 303);
    await again.arrayBuffer();
  });

  test('expired sessions are purged, live ones kept', async () => {
    const b = new TestBrowser(app.url);
    await b.signIn('rita');
    app.ctx.db.prepare('INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?)').run('expired-1', '{"cookie":{}}', Date.now() - 1000);
    const r = await purgeExpiredSessions(app.ctx);
    assert.ok(r.deleted >= 1);
    assert.equal(row('expired-1'), undefined);
    assert.ok(row(sidOf(b)));
    assert.equal((await b.get('/')).status, 200);
  });
});
