import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../config.ts';

const withDir = <T>(fn: (dir: string) => T): T => {
  const dir = mkdtempSync(join(tmpdir(), 'roombook-auth-config-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const problems = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('expected a ConfigError');
};

test('loadConfig() defaults AUTH_MODE to local accounts only', () => {
  withDir((dir) => {
    const c = loadConfig({ DATABASE_PATH: join(dir, 'app.db') });
    assert.deepEqual(c.auth.modes, ['local']);
    assert.equal(c.auth.ntlm, null);
    assert.equal(c.auth.ldap, null);
  });
});

test('loadConfig() rejects unknown, repeated and empty sign-in methods', () => {
  withDir((dir) => {
    const base = { DATABASE_PATH: join(dir, 'app.db') };
    assert.match(problems({ ...base, AUTH_MODE: 'local,kerberos' }), /AUTH_MODE: unknown method kerberos/);
    assert.match(problems({ ...base, AUTH_MODE: 'local,local' }), /AUTH_MODE: names a method twice/);
    assert.match(problems({ ...base, AUTH_MODE: ' , ' }), /AUTH_MODE: name at least one/);
  });
});

test('loadConfig() lists every variable ntlm and ldap need when they are missing', () => {
  withDir((dir) => {
    const text = problems({ DATABASE_PATH: join(dir, 'app.db'), AUTH_MODE: 'ntlm,ldap,local', NTLM_AUTH_PATH: join(dir, 'no-ntlm_auth') });
    for (const name of [
      'AUTH_DOMAIN',
      'AUTH_EMAIL_PATTERN',
      'NTLM_AUTH_PATH',
      'LDAP_URL',
      'LDAP_BIND_DN',
      'LDAP_BIND_PASSWORD',
      'LDAP_SEARCH_BASE',
      'LDAP_CA_FILE',
    ]) {
      assert.match(text, new RegExp(`${name}: `), name);
    }
    assert.match(text, /install Debian's winbind package/);
  });
});

test('loadConfig() refuses plain ldap://, a CA file without a certificate and a pattern without {user}', () => {
  withDir((dir) => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'not a certificate');
    const text = problems({
      DATABASE_PATH: join(dir, 'app.db'),
      AUTH_MODE: 'ldap',
      AUTH_DOMAIN: 'CORP',
      AUTH_EMAIL_PATTERN: 'someone@example.com',
      LDAP_URL: 'ldap://dc1.corp.example',
    });
    assert.match(text, /LDAP_URL: must be an ldaps:\/\/ URL/);
    assert.match(text, /AUTH_EMAIL_PATTERN: must be an e-mail address containing \{user\}/);
    const caText = problems({
      DATABASE_PATH: join(dir, 'app.db'),
      AUTH_MODE: 'ldap',
      AUTH_DOMAIN: 'CORP',
      LDAP_URL: 'ldaps://dc1.corp.example',
      LDAP_BIND_DN: 'CN=svc,DC=corp,DC=example',
      LDAP_BIND_PASSWORD: 'x',
      LDAP_SEARCH_BASE: 'DC=corp,DC=example',
      LDAP_CA_FILE: ca,
    });
    assert.match(caText, /LDAP_CA_FILE: .* holds no PEM certificate/);
  });
});

test('loadConfig() keeps sign-on timeouts at or under 5 seconds so a dead domain controller is reported in time', () => {
  withDir((dir) => {
    const base = { DATABASE_PATH: join(dir, 'app.db') };
    assert.match(problems({ ...base, NTLM_TIMEOUT_MS: '5001' }), /NTLM_TIMEOUT_MS: must be at most 5000 ms/);
    assert.match(problems({ ...base, LDAP_TIMEOUT_MS: '30000' }), /LDAP_TIMEOUT_MS: must be at most 5000 ms/);
    const c = loadConfig({ ...base, AUTH_MODE: 'ntlm', AUTH_DOMAIN: 'corp', AUTH_EMAIL_PATTERN: '{user}@example.com', NTLM_AUTH_PATH: process.execPath });
    assert.ok(c.auth.ntlm);
    assert.ok(c.auth.ntlm.timeoutMs <= 5000);
    assert.equal(c.auth.domain, 'CORP');
  });
});

test('loadConfig() lets ntlm take e-mail addresses from the directory instead of a pattern when LDAP_URL is set', () => {
  withDir((dir) => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const base = { DATABASE_PATH: join(dir, 'app.db'), AUTH_MODE: 'ntlm', AUTH_DOMAIN: 'CORP', NTLM_AUTH_PATH: process.execPath };
    assert.match(problems({ ...base, LDAP_URL: 'ldaps://dc1.corp.example' }), /LDAP_BIND_DN: required when LDAP_URL is set/);
    const c = loadConfig({
      ...base,
      LDAP_URL: 'ldaps://dc1.corp.example',
      LDAP_BIND_DN: 'CN=svc,DC=corp,DC=example',
      LDAP_BIND_PASSWORD: 'x',
      LDAP_SEARCH_BASE: 'DC=corp,DC=example',
      LDAP_CA_FILE: ca,
    });
    assert.equal(c.auth.emailPattern, null);
    assert.ok(c.auth.ldap);
    assert.deepEqual(c.auth.modes, ['ntlm'], 'the directory form stays off: ldap is not in AUTH_MODE');
  });
});
