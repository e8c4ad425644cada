import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { findCredentials } from '../users/repo.ts';
import { ACCOUNTS, startSambaDc, type SambaDc } from './test/samba-dc.ts';
import { windowsEnv } from './test/sso-fixtures.ts';

const signIn = (b: TestBrowser, domainUsername: string, domainPassword: string) => b.post('/login/directory', { domainUsername, domainPassword });

describe('directory sign-in over LDAPS against a Samba domain controller', () => {
  let dc: SambaDc;
  let app: TestApp;
  let scratch: string;

  before(async () => {
    dc = await startSambaDc();
    app = await startTestApp(windowsEnv(dc, 'ldap,local'));
    scratch = mkdtempSync(join(tmpdir(), 'roombook-ldap-test-'));
  });
  after(async () => {
    await app?.close();
    await dc?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('POST /login/directory signs carol in with her Windows password and takes her name and e-mail from the directory', async () => {
    const b = new TestBrowser(app.url);
    await b.get('/rooms');
    const res = await signIn(b, 'carol', ACCOUNTS.carol.password);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/rooms');
    assert.match(await (await b.get('/')).text(), /Welcome, Carol Cooper/);
    const record = findCredentials(app.ctx.db, 'corp\\carol');
    assert.ok(record);
    assert.equal(record.user.email, 'carol@corp.test');
    assert.equal(record.user.source, 'ldap');
    assert.equal(record.user.role, 'employee');
    assert.equal(record.passwordHash, null);
  });

  test('POST /login/directory accepts DOMAIN\\user and uses the e-mail pattern for an account without mail', async () => {
    const b = new TestBrowser(app.url);
    assert.equal((await signIn(b, 'corp\\Erin', ACCOUNTS.erin.password)).status, 303);
    const record = findCredentials(app.ctx.db, 'corp\\erin');
    assert.equal(record?.user.email, 'erin@example.com');
    assert.equal(record?.user.displayName, 'Erin Nomail');
  });

  for (const [name, user, password] of [
    ['a wrong password', 'carol', 'Wrong-Pass!234'],
    ['an empty password', 'carol', ''],
    ['a user disabled in the domain', ACCOUNTS.dave.user, ACCOUNTS.dave.password],
    ['an unknown user', 'nobody', 'Nobody-Pass!234'],
    ['a user of another domain', 'EVIL\\carol', ACCOUNTS.carol.password],
    ['a filter injection', 'car*', ACCOUNTS.carol.password],
  ] as const) {
    test(`POST /login/directory refuses ${name} with 401 and the same message`, async () => {
      const b = new TestBrowser(app.url);
      const res = await signIn(b, user, password);
      assert.equal(res.status, 401);
      assert.match(await res.text(), /The user name or password is incorrect\./);
      assert.equal((await b.get('/')).status, 303, 'still signed out');
    });
  }

  test('POST /login/directory answers 503 when the certificate is not signed by the configured CA', async () => {
    const otherCa = join(scratch, 'other-ca.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Some Other CA', '-keyout', join(scratch, 'k.pem'), '-out', otherCa],
      { stdio: 'ignore' },
    );
    const strict = await startTestApp(windowsEnv(dc, 'ldap,local', { LDAP_CA_FILE: otherCa }));
    try {
      const b = new TestBrowser(strict.url);
      const res = await signIn(b, 'carol', ACCOUNTS.carol.password);
      assert.equal(res.status, 503);
      assert.match(await res.text(), /The company directory did not answer/);
      assert.equal((await b.get('/')).status, 303);
    } finally {
      await strict.close();
    }
  });

  test('POST /login/directory answers 503 when the domain controller accepts the connection but does not answer', async () => {
    const slow = await startTestApp(windowsEnv(dc, 'ldap,local', { LDAP_TIMEOUT_MS: '1000' }));
    try {
      const b = new TestBrowser(slow.url);
      const csrf = await b.csrfToken();
      dc.pause();
      let res;
      try {
        res = await b.post('/login/directory', { domainUsername: 'carol', domainPassword: ACCOUNTS.carol.password }, { csrf });
      } finally {
        dc.resume();
      }
      assert.equal(res.status, 503);
      assert.match(await res.text(), /The company directory did not answer/);
    } finally {
      await slow.close();
    }
  });

  test('POST /login/directory answers 503 with the other methods when the domain controller is stopped', async () => {
    await dc.stop();
    try {
      const b = new TestBrowser(app.url);
      const res = await signIn(b, 'carol', ACCOUNTS.carol.password);
      assert.equal(res.status, 503);
      const html = await res.text();
      assert.match(html, /The company directory did not answer/);
      assert.match(html, /action="\/login"/, 'the local form is offered instead');
    } finally {
      await dc.start();
    }
  });
});
