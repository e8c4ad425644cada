import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { findCredentials, updateUserAccess } from '../users/repo.ts'; // tests read and set rows directly
import { anonymousType3Header, type1Header, type3Header } from './test/ntlm-client.ts';
import { ACCOUNTS, CROWD, DOMAIN, startSambaDc, type SambaDc } from './test/samba-dc.ts';
import { eventually, helperProcesses, startAppWithLogs, windowsEnv } from './test/sso-fixtures.ts';
import { WindowsBrowser } from './test/windows-client.ts';

const carol = { user: ACCOUNTS.carol.user, password: ACCOUNTS.carol.password, domain: DOMAIN };

describe('NTLM single sign-on against a Samba domain controller', () => {
  let dc: SambaDc;
  let app: TestApp;
  const browsers: WindowsBrowser[] = [];
  const browser = () => {
    const b = new WindowsBrowser(app.url);
    browsers.push(b);
    return b;
  };
  const signedInAs = async (b: WindowsBrowser) => {
    const home = await b.get('/');
    return home.status === 200 ? /<h1>Welcome, ([^<]+)<\/h1>/.exec(home.body)?.[1] : undefined;
  };

  before(async () => {
    dc = await startSambaDc();
    app = await startTestApp(windowsEnv(dc, 'ntlm,ldap,local'));
  });
  after(async () => {
    for (const b of browsers) b.close();
    await app?.close();
    await dc?.stop();
  });

  test('GET /login/windows signs a domain user in on one kept-alive connection and the cookie carries the identity', async () => {
    const b = browser();
    const [first, second, third] = await b.signIn(carol);
    assert.equal(first!.status, 401);
    assert.equal(first!.headers['www-authenticate'], 'NTLM');
    assert.equal(second!.status, 401);
    assert.match(String(second!.headers['www-authenticate']), /^NTLM [A-Za-z0-9+/=]+$/);
    assert.equal(third!.status, 303);
    assert.equal(third!.headers.location, '/');
    assert.equal(new Set([first!.localPort, second!.localPort, third!.localPort]).size, 1, 'the handshake stays on one connection');

    // A new connection without any Authorization header: the session cookie alone signs the user in.
    const later = b.newWindow();
    browsers.push(later);
    assert.equal(await signedInAs(later), 'Carol Cooper');
  });

  test('signInDomainUser() creates the user on the first sign-in as an employee named DOMAIN\\user in lower case, with the directory name and e-mail', async () => {
    await browser().signIn({ ...carol, user: 'CAROL', domain: 'corp' });
    const record = findCredentials(app.ctx.db, 'corp\\carol');
    assert.ok(record);
    assert.equal(record.user.username, 'corp\\carol');
    assert.equal(record.user.displayName, 'Carol Cooper');
    assert.equal(record.user.email, 'carol@corp.test');
    assert.equal(record.user.role, 'employee');
    assert.equal(record.user.source, 'ntlm');
    assert.equal(record.passwordHash, null);
  });

  test('signInDomainUser() takes the e-mail from AUTH_EMAIL_PATTERN when the directory has none', async () => {
    const b = browser();
    const [, , third] = await b.signIn({ user: ACCOUNTS.erin.user, password: ACCOUNTS.erin.password, domain: DOMAIN });
    assert.equal(third!.status, 303);
    const record = findCredentials(app.ctx.db, 'corp\\erin');
    assert.equal(record?.user.email, 'erin@example.com');
    assert.equal(record?.user.displayName, 'Erin Nomail');
  });

  for (const [name, creds] of [
    ['a wrong password', { ...carol, password: 'Wrong-Pass!234' }],
    ['an unknown user', { user: 'nobody', password: 'Nobody-Pass!234', domain: DOMAIN }],
    ['a user disabled in the domain', { user: ACCOUNTS.dave.user, password: ACCOUNTS.dave.password, domain: DOMAIN }],
    ['an empty password', { ...carol, password: '' }],
    ['another domain', { ...carol, domain: 'EVIL' }],
  ] as const) {
    test(`GET /login/windows answers 401 with a fresh NTLM challenge for ${name}`, async () => {
      const b = browser();
      const [, , third] = await b.signIn(creds);
      assert.equal(third!.status, 401);
      assert.equal(third!.headers['www-authenticate'], 'NTLM');
      assert.match(third!.body, /Windows did not accept these credentials/);
      assert.equal(await signedInAs(b), undefined);
    });
  }

  test('GET /login/windows refuses an anonymous type 3 message with 401', async () => {
    const b = browser();
    const { challenge } = await b.negotiate();
    const res = await b.get('/login/windows', anonymousType3Header(challenge));
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'NTLM');
    assert.equal(await signedInAs(b), undefined);
  });

  for (const [name, header, status] of [
    ['Basic credentials', `Basic ${Buffer.from('carol:Carol-Pass!234').toString('base64')}`, 401],
    ['a Bearer token', 'Bearer eyJhbGciOiJub25lIn0.e30.', 401],
    ['NTLM with garbage', 'NTLM !!!not base64!!!', 400],
    ['NTLM with base64 that is no NTLM message', `NTLM ${Buffer.from('hello world, not ntlm').toString('base64')}`, 400],
    [
      'an NTLM type 2 sent by a client',
      `NTLM ${Buffer.concat([Buffer.from('NTLMSSP\0'), Buffer.from([2, 0, 0, 0]), Buffer.alloc(40)]).toString('base64')}`,
      400,
    ],
    [
      'a type 3 with fields outside the message',
      `NTLM ${Buffer.concat([Buffer.from('NTLMSSP\0'), Buffer.from([3, 0, 0, 0]), Buffer.alloc(52, 0xff)]).toString('base64')}`,
      400,
    ],
  ] as const) {
    test(`GET /login/windows answers ${status} to ${name}, never 500`, async () => {
      const res = await browser().get('/login/windows', header);
      assert.equal(res.status, status);
      if (status === 401) assert.equal(res.headers['www-authenticate'], 'NTLM');
    });
  }

  test('GET /login/windows answers 401 to a type 3 without a type 1 on its connection, so state never crosses connections', async () => {
    const a = browser();
    const b = browser();
    const { res, challenge } = await a.negotiate();
    const onB = await b.get('/login/windows', type3Header(challenge, carol));
    assert.notEqual(onB.localPort, res.localPort);
    assert.equal(onB.status, 401);
    assert.equal(onB.headers['www-authenticate'], 'NTLM');
    assert.equal(await signedInAs(b), undefined);
  });

  test('GET /login/windows signs 20 users in at once, each on its own connection, each as themselves', async () => {
    const results = await Promise.all(
      CROWD.map(async (account) => {
        const b = browser();
        const responses = await b.signIn({ user: account.user, password: account.password, domain: DOMAIN });
        return { account, status: responses[2]!.status, name: await signedInAs(b) };
      }),
    );
    for (const r of results) {
      assert.equal(r.status, 303, r.account.user);
      // Each as themselves, never as another: their directory name, or (when the directory, busy with twenty TLS
      // lookups at once on a loaded machine, did not answer within LDAP_TIMEOUT_MS) their own account name, the
      // documented fallback (the directory's answer itself is proven by carol's first sign-in above). A crossed connection
      // would show another account's name either way.
      assert.ok([`${r.account.givenName} ${r.account.surname}`, r.account.user].includes(r.name ?? ''), `${r.account.user} signed in as ${r.name}`);
    }
  });

  test('NtlmStrategy ends the helper process when the connection of an abandoned handshake closes', async () => {
    const before = new Set(helperProcesses());
    const b = new WindowsBrowser(app.url);
    await b.negotiate();
    const started = helperProcesses().filter((pid) => !before.has(pid));
    assert.equal(started.length, 1, 'one helper for the handshake');
    b.close();
    assert.ok(await eventually(() => !helperProcesses().includes(started[0]!)), 'the helper is gone after the connection closed');
  });

  test('GET /login/windows answers 503 beyond NTLM_MAX_HANDSHAKES and accepts handshakes again once one ends', async () => {
    const capped = await startTestApp(windowsEnv(dc, 'ntlm,local', { NTLM_MAX_HANDSHAKES: '2' }));
    try {
      const open = [new WindowsBrowser(capped.url), new WindowsBrowser(capped.url), new WindowsBrowser(capped.url)];
      browsers.push(...open);
      const earlier = new Set(helperProcesses());
      assert.equal((await open[0]!.negotiate()).res.status, 401);
      const firstHelper = helperProcesses().find((pid) => !earlier.has(pid));
      assert.equal((await open[1]!.negotiate()).res.status, 401);
      const third = await open[2]!.get('/login/windows', type1Header());
      assert.equal(third.status, 503);
      assert.match(third.body, /Windows sign-on is unavailable right now/);
      open[0]!.close();
      const again = new WindowsBrowser(capped.url);
      browsers.push(again);
      assert.ok(await eventually(() => !helperProcesses().includes(firstHelper!)), 'the closed handshake gave its place back');
      const [, , signedIn] = await again.signIn(carol);
      assert.equal(signedIn!.status, 303);
    } finally {
      await capped.close();
    }
  });

  test('GET /login/windows answers 403 to a user an admin disabled in the app', async () => {
    await browser().signIn(carol);
    const record = findCredentials(app.ctx.db, 'corp\\carol')!;
    updateUserAccess(app.ctx.db, record.user.id, 'employee', false);
    try {
      const b = browser();
      const [, , third] = await b.signIn(carol);
      assert.equal(third!.status, 403);
      assert.match(third!.body, /Your Roombook account is disabled/);
      assert.equal(await signedInAs(b), undefined);
    } finally {
      updateUserAccess(app.ctx.db, record.user.id, 'employee', true);
    }
  });

  test('GET /login/windows never logs an NTLM message or a password, even at trace level without redaction', async () => {
    const logged = await startAppWithLogs(windowsEnv(dc, 'ntlm,local'));
    try {
      const sent: string[] = [];
      for (const creds of [carol, { ...carol, password: 'Wrong-Pass!234' }]) {
        const b = new WindowsBrowser(logged.app.url);
        browsers.push(b);
        await b.get('/login/windows');
        const t1 = type1Header();
        const { res, challenge } = await b.negotiate();
        const t3 = type3Header(challenge, creds);
        await b.get('/login/windows', t3);
        sent.push(t1, String(res.headers['www-authenticate']), t3);
      }
      const garbage = new WindowsBrowser(logged.app.url);
      browsers.push(garbage);
      assert.equal((await garbage.get('/login/windows', 'NTLM !!!garbage!!!')).status, 400);
      const logs = logged.logs();
      assert.match(logs, /auth\.signed_in/, 'the sign-in itself is logged');
      assert.match(logs, /NT_STATUS_LOGON_FAILURE/, 'the refusal is logged with its reason');
      for (const header of sent) assert.equal(logs.includes(header.replace(/^NTLM /, '').slice(0, 40)), false, 'no NTLM message in the log');
      assert.equal(logs.includes(carol.password), false);
      assert.equal(logs.includes('Wrong-Pass'), false);
      assert.equal(logs.includes('garbage'), false);
    } finally {
      await logged.close();
    }
  });

  test('GET /login tries single sign-on first, then shows every enabled method after it failed', async () => {
    const b = new TestBrowser(app.url);
    const first = await b.get('/login');
    assert.equal(first.status, 303);
    assert.equal(first.headers.get('location'), '/login/windows');
    const challenge = await b.get('/login/windows');
    assert.equal(challenge.status, 401);
    const page = await (await b.get('/login')).text();
    assert.match(page, /href="\/login\/windows"/);
    assert.match(page, /action="\/login\/directory"/);
    assert.match(page, /action="\/login"/);
  });

  test('POST /logout after single sign-on shows the sign-in page instead of signing straight back in', async () => {
    const b = browser();
    await b.signIn(carol);
    assert.equal((await b.post('/logout', {})).status, 303);
    const page = await b.get('/login');
    assert.equal(page.status, 200);
    assert.match(page.body, /You have signed out\./);
    assert.match(page.body, /href="\/login\/windows"/);
  });

  test('GET /login/windows answers 503 with the other methods when the domain controller does not answer', async () => {
    const slow = await startTestApp(windowsEnv(dc, 'ntlm,local', { NTLM_TIMEOUT_MS: '1000' }));
    try {
      const b = new WindowsBrowser(slow.url);
      browsers.push(b);
      const { challenge } = await b.negotiate();
      dc.pause();
      let res;
      try {
        res = await b.get('/login/windows', type3Header(challenge, carol));
      } finally {
        dc.resume();
      }
      assert.equal(res.status, 503);
      assert.match(res.body, /Windows sign-on is unavailable right now/);
      assert.match(res.body, /action="\/login"/, 'the local form is offered instead');
      assert.equal(await signedInAs(b), undefined);
    } finally {
      await slow.close();
    }
  });

  test('GET /login/windows answers 503 when the domain controller is stopped, and signs in again once it is back', async () => {
    const b = browser();
    const { challenge } = await b.negotiate();
    await dc.stop();
    let res;
    try {
      res = await b.get('/login/windows', type3Header(challenge, carol));
      const fresh = await browser().get('/login/windows', type1Header());
      assert.ok([401, 503].includes(fresh.status), `type 1 with the DC down answers ${fresh.status}`);
    } finally {
      await dc.start();
    }
    assert.equal(res.status, 503);
    assert.match(res.body, /Windows sign-on is unavailable right now/);
    const again = browser();
    const [, , third] = await again.signIn(carol);
    assert.equal(third!.status, 303);
  });
});
