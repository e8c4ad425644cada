import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';

const tokenIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** GET with the browser's cookie through node:http, which (unlike fetch) hands back the gzip bytes as sent. */
function rawGet(app: TestApp, b: TestBrowser, path: string, gzip: boolean): Promise<{ encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { cookie: `roombook.sid=${b.cookie('roombook.sid')}`, accept: 'text/html', ...(gzip ? { 'accept-encoding': 'gzip' } : {}) };
    request(new URL(path, app.url), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('reception pages served from the page cache', () => {
  let app: TestApp;
  let first: TestBrowser;
  let second: TestBrowser;

  before(async () => {
    app = await startTestApp();
    first = new TestBrowser(app.url);
    second = new TestBrowser(app.url);
    await first.signIn('rita');
    await second.signIn('rita');
  });
  after(async () => {
    await app.close();
  });

  for (const path of ['/schedule', '/schedule/print', '/schedule/rooms/1/week']) {
    test(`${path}: each session gets its own working CSRF token in the shared page, gzipped or not`, async () => {
      const a = await (await first.get(path)).text();
      const b = await (await second.get(path)).text();
      const [ta, tb] = [tokenIn(a), tokenIn(b)];
      assert.ok(ta && tb);
      assert.notEqual(ta, tb);
      assert.equal(
        a.replaceAll(ta, 'TOKEN'),
        b.replaceAll(tb, 'TOKEN'),
        'the same page apart from the token (the sign-out form and the language switch carry it)',
      );
      assert.ok(!/rbtoken[0-9a-f]{24}/.test(a), 'no marker left in the page');

      const zipped = await rawGet(app, first, path, true);
      const plain = await rawGet(app, first, path, false);
      assert.equal(zipped.encoding, 'gzip');
      assert.equal(plain.encoding, undefined);
      assert.equal(gunzipSync(zipped.body).toString(), plain.body.toString());
      assert.equal(tokenIn(plain.body.toString()), ta);
    });
  }

  test("one page per role and language, each reader's own name spliced in, escaped as the template would", async () => {
    // Bob becomes a receptionist with a name that needs escaping; rita and he then share each page.
    app.ctx.db.prepare(`UPDATE users SET role = 'receptionist', display_name = ? WHERE username = 'bob'`).run(`<b>"O'Neil" & co</b>`);
    const bob = new TestBrowser(app.url);
    await bob.signIn('bob');
    const whoName = (html: string) => /<span class="who-name">([^<]*)<\/span>/.exec(html)?.[1];
    for (const path of ['/schedule', '/schedule/rooms/1/week']) {
      const r = await (await first.get(path)).text();
      const b = await (await bob.get(path)).text();
      assert.equal(whoName(r), 'Rita Reyes', path);
      assert.equal(whoName(b), '&lt;b&gt;&#34;O&#39;Neil&#34; &amp; co&lt;/b&gt;', path);
      assert.ok(!b.includes(`<b>"O'Neil"`), `${path}: the name is never raw`);
      assert.ok(!/rb(token|name)[0-9a-f]{24}/.test(r + b), `${path}: no marker left`);
      const same = (html: string) => html.replaceAll(tokenIn(html)!, 'TOKEN').replace(/<span class="who-name">[^<]*<\/span>/, 'NAME');
      assert.equal(same(r), same(b), `${path}: the same page apart from token and name`);
      const zipped = await rawGet(app, bob, path, true);
      assert.equal(zipped.encoding, 'gzip');
      assert.equal(whoName(gunzipSync(zipped.body).toString()), whoName(b));
    }
  });

  test('finished pages are kept per reader: each gets their own token, again and again, with more readers than are kept', async () => {
    // Ten sessions, more than the eight finished pages a page keeps: every round evicts some and makes them again.
    const readers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const b = new TestBrowser(app.url);
        await b.signIn('rita');
        return { browser: b, token: tokenIn(await (await b.get('/schedule')).text())! };
      }),
    );
    assert.equal(new Set(readers.map((r) => r.token)).size, readers.length);
    const seen = new Map<string, Buffer>();
    for (let round = 0; round < 2; round++)
      for (const { browser, token } of readers) {
        const { encoding, body } = await rawGet(app, browser, '/schedule', true);
        assert.equal(encoding, 'gzip');
        assert.equal(tokenIn(gunzipSync(body).toString()), token, "the reader's own token, never another's");
        if (seen.has(token)) assert.ok(seen.get(token)!.equals(body), 'the same bytes for the same reader and data');
        seen.set(token, body);
      }
  });

  test('the token spliced into a cached page signs a form in (sign-out with it works)', async () => {
    const token = tokenIn(await (await second.get('/schedule')).text())!;
    const res = await second.post('/logout', {}, { csrf: token });
    assert.equal(res.status, 303);
  });
});
