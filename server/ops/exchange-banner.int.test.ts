// Issue 12, "Exchange down is visible": while the gateway cannot reach Exchange, booking pages and find-a-room
// show one banner saying since when and that nothing is lost; it goes once Exchange answers again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';

const BANNER = /Exchange is not answering since (\d{2}:\d{2}|\d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2}) UTC; bookings are kept and sent when it is back\./;

describe('Exchange down banner', () => {
  let app: TestApp;
  let alice: TestBrowser;
  const faults = () => `${app.emulator!.url}/_emulator/faults`;
  before(async () => {
    app = await startTestApp();
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
  });
  after(async () => {
    await fetch(faults(), { method: 'DELETE' });
    await app.close();
  });

  test('no banner while Exchange answers', async () => {
    await app.ctx.gateway.probe();
    assert.doesNotMatch(await (await alice.get('/bookings')).text(), BANNER);
  });

  test('Exchange dropping connections: booking pages and find-a-room show the banner, other pages do not', async () => {
    await fetch(faults(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'drop' }) });
    await assert.rejects(app.ctx.gateway.probe());
    for (const path of ['/bookings', '/bookings/new', '/find']) {
      const res = await alice.get(path);
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), BANNER, path);
    }
    assert.doesNotMatch(await (await alice.get('/rooms')).text(), BANNER);
  });

  test('the banner goes once Exchange answers again', async () => {
    await fetch(faults(), { method: 'DELETE' });
    await app.ctx.gateway.probe();
    assert.doesNotMatch(await (await alice.get('/find')).text(), BANNER);
  });
});
