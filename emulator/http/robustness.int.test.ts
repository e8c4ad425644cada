import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { RunningEmulator } from '../index.ts';
import { basic, createAppointment, dav, searchBody, start } from '../testing/client.ts';

/** Raw request, so that paths fetch() would normalise reach the server as written. */
function raw(url: string, method: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('robustness', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  test('a path with broken %-encoding answers 400', async () => {
    assert.equal(await raw(emu.url, 'PROPFIND', '/exchange/alice/%E0%A4%A/', { Authorization: basic('alice'), Depth: '0' }), 400);
  });

  test('an unsupported method answers 501 and an unknown root 404', async () => {
    assert.equal((await dav(emu.url, 'PATCH', '/exchange/alice/Inbox/', { user: 'alice' })).status, 501);
    assert.equal((await dav(emu.url, 'GET', '/nothing/here', { user: 'alice' })).status, 404);
  });

  test('PROPFIND with an invalid Depth answers 400', async () => {
    assert.equal((await dav(emu.url, 'PROPFIND', '/exchange/alice/', { user: 'alice', headers: { Depth: '7' } })).status, 400);
  });

  test('SEARCH on an item or without a searchrequest answers 400', async () => {
    await createAppointment(emu.url, 'alice', '/exchange/alice/Calendar/r.EML', { subject: 'r', start: '2030-01-01T00:00:00Z', end: '2030-01-01T01:00:00Z' });
    assert.equal(
      (await dav(emu.url, 'SEARCH', '/exchange/alice/Calendar/r.EML', { user: 'alice', body: searchBody('SELECT "DAV:href" FROM ""') })).status,
      400,
    );
    assert.equal(
      (await dav(emu.url, 'SEARCH', '/exchange/alice/Calendar/', { user: 'alice', body: '<?xml version="1.0"?><a:propfind xmlns:a="DAV:"/>' })).status,
      400,
    );
  });

  test('MOVE to a destination outside /exchange/ answers 502', async () => {
    await createAppointment(emu.url, 'alice', '/exchange/alice/Calendar/m.EML', { subject: 'm', start: '2030-01-01T00:00:00Z', end: '2030-01-01T01:00:00Z' });
    assert.equal(
      (await dav(emu.url, 'MOVE', '/exchange/alice/Calendar/m.EML', { user: 'alice', headers: { Destination: 'http://elsewhere.test/other/m.EML' } })).status,
      502,
    );
  });

  test('garbage credentials answer 401, never 500', async () => {
    for (const auth of ['Basic !!!', 'Basic', 'NTLM', 'NTLM AAAA', 'Bearer abc', 'Digest x']) {
      assert.equal(await raw(emu.url, 'PROPFIND', '/exchange/alice/', { Authorization: auth, Depth: '0' }), 401, auth);
    }
  });

  test('a room mailbox cannot sign in (no password)', async () => {
    assert.equal((await dav(emu.url, 'PROPFIND', '/exchange/thames/', { user: 'thames', password: '', headers: { Depth: '0' } })).status, 401);
  });

  test('the server still answers after all of the above', async () => {
    assert.equal((await dav(emu.url, 'PROPFIND', '/exchange/alice/', { user: 'alice', headers: { Depth: '0' } })).status, 207);
  });
});

describe('robustness of the request line', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  test('a Host header that is not a host answers 400', async () => {
    assert.equal(await raw(emu.url, 'GET', '/exchange/', { Host: 'bad host[' }), 400);
  });

  test('a control path with broken %-encoding answers 400', async () => {
    assert.equal(await raw(emu.url, 'GET', '/_emulator/mailboxes/%E0%A4%A/folders'), 400);
  });
});
