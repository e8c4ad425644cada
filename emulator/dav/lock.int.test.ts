// LOCK / UNLOCK over HTTP: exclusive and shared write locks, tokens in If headers, 423 for writes without
// the token, 412 for a bogus token, Timeout and refresh, lock-null creation, lockdiscovery/supportedlock.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dav, propfindBody, useEmulator } from '../testing/client.ts';
import { startEmulator } from '../index.ts';

const lockinfo = (scope: 'exclusive' | 'shared', owner = 'litmus test') =>
  `<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:${scope}/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>${owner}</D:owner></D:lockinfo>`;

const NOTE = 'Subject: locked\r\n\r\nbody\r\n';

describe('LOCK and UNLOCK', () => {
  const emu = useEmulator();
  const put = (path: string, headers: Record<string, string> = {}, user = 'alice') =>
    dav(emu.url, 'PUT', path, { user, headers: { 'Content-Type': 'message/rfc822', Translate: 'f', ...headers }, body: NOTE });
  const lock = (path: string, scope: 'exclusive' | 'shared', headers: Record<string, string> = {}, user = 'alice') =>
    dav(emu.url, 'LOCK', path, { user, headers: { Timeout: 'Second-3600', ...headers }, body: lockinfo(scope) });
  const tokenOf = (r: { headers: Headers }) => (r.headers.get('lock-token') ?? '').replace(/^<|>$/g, '');

  test('an exclusive lock answers 200 with Lock-Token and lockdiscovery; writes need the token (423, then OK)', async () => {
    assert.equal((await put('/exchange/alice/Inbox/f.EML')).status, 201);
    const l = await lock('/exchange/alice/Inbox/f.EML', 'exclusive');
    assert.equal(l.status, 200);
    assert.equal(l.headers.get('content-type'), 'text/xml');
    const token = tokenOf(l);
    assert.match(token, /^opaquelocktoken:[0-9a-f-]{36}$/);
    assert.match(l.text, /<a:lockscope><a:exclusive\/><\/a:lockscope>/);
    assert.match(l.text, /<a:timeout>Second-3600<\/a:timeout>/);
    assert.ok(l.text.includes(`<a:locktoken><a:href>${token}</a:href></a:locktoken>`));
    assert.match(l.text, /<a:owner>litmus test<\/a:owner>/);

    assert.equal((await put('/exchange/alice/Inbox/f.EML')).status, 423);
    assert.equal(
      (
        await dav(emu.url, 'PROPPATCH', '/exchange/alice/Inbox/f.EML', {
          user: 'alice',
          body: '<?xml version="1.0"?><a:propertyupdate xmlns:a="DAV:" xmlns:z="http://example.com/z/"><a:set><a:prop><z:p>1</z:p></a:prop></a:set></a:propertyupdate>',
        })
      ).status,
      423,
    );
    assert.equal((await dav(emu.url, 'DELETE', '/exchange/alice/Inbox/f.EML', { user: 'alice' })).status, 423);
    assert.equal(
      (await dav(emu.url, 'MOVE', '/exchange/alice/Inbox/f.EML', { user: 'alice', headers: { Destination: '/exchange/alice/Inbox/g.EML' } })).status,
      423,
    );
    // Another exclusive or a shared lock conflicts.
    assert.equal((await lock('/exchange/alice/Inbox/f.EML', 'exclusive')).status, 423);
    assert.equal((await lock('/exchange/alice/Inbox/f.EML', 'shared')).status, 423);
    // With the token (untagged or tagged) the owner may write.
    assert.equal((await put('/exchange/alice/Inbox/f.EML', { If: `(<${token}>)` })).status, 200);
    assert.equal((await put('/exchange/alice/Inbox/f.EML', { If: `<${emu.url}/exchange/alice/Inbox/f.EML> (<${token}>)` })).status, 200);
    // A delegate holding the token is not its owner.
    assert.equal((await put('/exchange/alice/Inbox/f.EML', { If: `(<${token}>)` }, 'booking-svc')).status, 423);

    const pf = await dav(emu.url, 'PROPFIND', '/exchange/alice/Inbox/f.EML', {
      user: 'alice',
      headers: { Depth: '0' },
      body: propfindBody('<a:lockdiscovery/><a:supportedlock/>'),
    });
    assert.ok(pf.text.includes(token));
    assert.match(
      pf.text,
      /<a:supportedlock><a:lockentry><a:lockscope><a:exclusive\/><\/a:lockscope><a:locktype><a:write\/><\/a:locktype><\/a:lockentry><a:lockentry><a:lockscope><a:shared\/>/,
    );

    const un = await dav(emu.url, 'UNLOCK', '/exchange/alice/Inbox/f.EML', { user: 'alice', headers: { 'Lock-Token': `<${token}>` } });
    assert.equal(un.status, 204);
    assert.equal((await put('/exchange/alice/Inbox/f.EML')).status, 200);
    assert.equal((await dav(emu.url, 'UNLOCK', '/exchange/alice/Inbox/f.EML', { user: 'alice', headers: { 'Lock-Token': `<${token}>` } })).status, 409);
  });

  test('If headers: a bogus token is 412 on an unlocked resource, 423 on a locked one; etags and Not are evaluated', async () => {
    await put('/exchange/alice/Inbox/c.EML');
    assert.equal((await put('/exchange/alice/Inbox/c.EML', { If: '(<opaquelocktoken:bogus>)' })).status, 412);
    assert.equal((await put('/exchange/alice/Inbox/c.EML', { If: '(Not <DAV:no-lock>)' })).status, 200);
    const l = await lock('/exchange/alice/Inbox/c.EML', 'exclusive');
    const token = tokenOf(l);
    assert.equal((await put('/exchange/alice/Inbox/c.EML', { If: '(<opaquelocktoken:bogus>)' })).status, 423);
    const etag = (await dav(emu.url, 'HEAD', '/exchange/alice/Inbox/c.EML', { user: 'alice', headers: { Translate: 'f' } })).headers.get('etag')!;
    assert.equal((await put('/exchange/alice/Inbox/c.EML', { If: `(<${token}> ["bogus"])` })).status, 412);
    assert.equal((await put('/exchange/alice/Inbox/c.EML', { If: `(<${token}> [${etag}])` })).status, 200);
    assert.equal((await put('/exchange/alice/Inbox/c.EML', { If: `(<${token}>) (Not <DAV:no-lock>)` })).status, 200);
    assert.equal((await put('/exchange/alice/Inbox/c.EML', { If: 'garbage' })).status, 400);
  });

  test('shared locks stack; each owner token is enough for its owner; UNLOCK of one leaves the other', async () => {
    await put('/exchange/alice/Inbox/s.EML');
    const a = tokenOf(await lock('/exchange/alice/Inbox/s.EML', 'shared'));
    const b = tokenOf(await lock('/exchange/alice/Inbox/s.EML', 'shared'));
    assert.ok(a && b && a !== b);
    assert.equal((await lock('/exchange/alice/Inbox/s.EML', 'exclusive')).status, 423);
    // Every lock on the resource must be submitted.
    assert.equal((await put('/exchange/alice/Inbox/s.EML', { If: `(<${a}>)` })).status, 423);
    assert.equal((await put('/exchange/alice/Inbox/s.EML', { If: `(<${a}>) (<${b}>)` })).status, 200);
    assert.equal((await dav(emu.url, 'UNLOCK', '/exchange/alice/Inbox/s.EML', { user: 'alice', headers: { 'Lock-Token': `<${a}>` } })).status, 204);
    assert.equal((await put('/exchange/alice/Inbox/s.EML', { If: `(<${b}>)` })).status, 200);
  });

  test('a depth-infinity lock on a folder covers its members; locking an unmapped URL creates an empty item (201)', async () => {
    assert.equal((await dav(emu.url, 'MKCOL', '/exchange/alice/Inbox/coll', { user: 'alice' })).status, 201);
    const l = await lock('/exchange/alice/Inbox/coll/', 'exclusive', { Depth: 'infinity' });
    assert.equal(l.status, 200);
    const token = tokenOf(l);
    assert.match(l.text, /<a:depth>infinity<\/a:depth>/);
    assert.equal((await put('/exchange/alice/Inbox/coll/new.EML')).status, 423);
    assert.equal((await put('/exchange/alice/Inbox/coll/new.EML', { If: `(<${token}>)` })).status, 201);
    assert.equal((await dav(emu.url, 'DELETE', '/exchange/alice/Inbox/coll/new.EML', { user: 'alice' })).status, 423);
    assert.equal((await dav(emu.url, 'DELETE', '/exchange/alice/Inbox/coll/', { user: 'alice', headers: { If: `(<${token}>)` } })).status, 200);

    const nul = await lock('/exchange/alice/Inbox/lockednull.EML', 'exclusive');
    assert.equal(nul.status, 201);
    assert.equal((await dav(emu.url, 'PROPFIND', '/exchange/alice/Inbox/lockednull.EML', { user: 'alice', headers: { Depth: '0' } })).status, 207);
    assert.equal((await lock('/exchange/alice/Nope/x.EML', 'exclusive')).status, 409);
  });

  test('Timeout: refresh by a bodiless LOCK with the token; a wrong token refreshes nothing (412)', async () => {
    await put('/exchange/alice/Inbox/t.EML');
    const token = tokenOf(await lock('/exchange/alice/Inbox/t.EML', 'exclusive', { Timeout: 'Second-100' }));
    const refreshed = await dav(emu.url, 'LOCK', '/exchange/alice/Inbox/t.EML', { user: 'alice', headers: { If: `(<${token}>)`, Timeout: 'Second-500' } });
    assert.equal(refreshed.status, 200);
    assert.match(refreshed.text, /<a:timeout>Second-500<\/a:timeout>/);
    assert.equal(refreshed.headers.get('lock-token'), null);
    assert.equal((await dav(emu.url, 'LOCK', '/exchange/alice/Inbox/t.EML', { user: 'alice', headers: { If: '(<opaquelocktoken:nope>)' } })).status, 412);
    // No Timeout header: IIS's default of 180 seconds.
    await put('/exchange/alice/Inbox/d.EML');
    const d = await dav(emu.url, 'LOCK', '/exchange/alice/Inbox/d.EML', { user: 'alice', body: lockinfo('exclusive') });
    assert.match(d.text, /<a:timeout>Second-180<\/a:timeout>/);
  });
});

describe('lock expiry', () => {
  test('a lock lapses after its timeout on the emulator clock', async () => {
    let now = Date.UTC(2030, 0, 1);
    const emu = await startEmulator({ clock: () => new Date(now) });
    try {
      await dav(emu.url, 'PUT', '/exchange/alice/Inbox/e.EML', { user: 'alice', headers: { 'Content-Type': 'message/rfc822', Translate: 'f' }, body: NOTE });
      const l = await dav(emu.url, 'LOCK', '/exchange/alice/Inbox/e.EML', { user: 'alice', headers: { Timeout: 'Second-60' }, body: lockinfo('exclusive') });
      assert.equal(l.status, 200);
      const write = () =>
        dav(emu.url, 'PUT', '/exchange/alice/Inbox/e.EML', { user: 'alice', headers: { 'Content-Type': 'message/rfc822', Translate: 'f' }, body: NOTE });
      now += 59_000;
      assert.equal((await write()).status, 423);
      now += 2_000;
      assert.equal((await write()).status, 200);
    } finally {
      await emu.close();
    }
  });
});
