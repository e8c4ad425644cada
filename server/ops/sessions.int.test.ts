import assert from 'node:assert/strict';
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
    const stored = row(sid)!;
    const data = JSON.parse(stored.data) as { cookie: { expires: string } };
    const older = new Date(Date.parse(data.cookie.expires) - 120_000);
    data.cookie.expires = older.toISOString();
    app.ctx.db.prepare('UPDATE sessions SET data = ?, expires_at = ? WHERE sid = ?').run(JSON.stringify(data), older.getTime(), sid);

    const res = await b.get('/');
    assert.equal(res.status, 200);
    assert.ok(setCookieNames(res).includes(SESSION_COOKIE), 'the cookie is re-sent with the new expiry');
    assert.ok(row(sid)!.expires_at > older.getTime() + 60_000);
    // And the next read-only request is quiet again.
    const again = await b.get('/rooms');
    assert.ok(!setCookieNames(again).includes(SESSION_COOKIE));
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
