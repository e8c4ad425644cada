import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const withTempDir = <T>(fn: (dir: string) => T): T => {
  const dir = mkdtempSync(join(tmpdir(), 'roombook-config-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('loadConfig() defaults to embedded mode with demo data and a stored session secret', () => {
  withTempDir((dir) => {
    const c = loadConfig({ DATABASE_PATH: join(dir, 'app.db') });
    assert.equal(c.port, 3000);
    assert.equal(c.embedded, true);
    assert.equal(c.demoData, true);
    assert.equal(c.exchangeUrl, null);
    assert.equal(readFileSync(join(dir, 'session-secret'), 'utf8'), c.sessionSecret);
    assert.equal(loadConfig({ DATABASE_PATH: join(dir, 'app.db') }).sessionSecret, c.sessionSecret, 'the secret survives a restart');
  });
});

test('loadConfig() requires SESSION_SECRET and the service account when EXCHANGE_URL is set, and turns demo data off', () => {
  const url = 'https://mail.example.com';
  assert.throws(() => loadConfig({ EXCHANGE_URL: url }), /SESSION_SECRET: required when EXCHANGE_URL is set/);
  assert.throws(() => loadConfig({ EXCHANGE_URL: url, SESSION_SECRET: 'x'.repeat(32) }), /EXCHANGE_USERNAME, EXCHANGE_PASSWORD/);
  const c = loadConfig({ EXCHANGE_URL: url, SESSION_SECRET: 'x'.repeat(32), EXCHANGE_USERNAME: 'CORP\\svc', EXCHANGE_PASSWORD: 'p' });
  assert.equal(c.embedded, false);
  assert.equal(c.demoData, false);
  assert.equal(c.exchange.auth, 'ntlm');
  assert.equal(c.exchange.username, 'CORP\\svc');
});

test('loadConfig() signs in to the embedded emulator as its demo service account through forms login', () => {
  withTempDir((dir) => {
    const c = loadConfig({ DATABASE_PATH: join(dir, 'app.db') });
    assert.deepEqual({ ...c.exchange }, { auth: 'forms', username: 'booking-svc', password: 'demo', meetingRoute: 'owa', timeoutMs: 20_000 });
  });
});

test('loadConfig() lists every bad variable with its name', () => {
  try {
    loadConfig({ PORT: 'eighty', EXCHANGE_URL: 'ftp://x', LOG_LEVEL: 'loud' });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.message;
    assert.match(text, /PORT:/);
    assert.match(text, /EXCHANGE_URL: must be an http\(s\) URL/);
    assert.match(text, /LOG_LEVEL:/);
  }
});

test('loadConfig() rejects a short session secret and a half-configured bootstrap admin', () => {
  assert.throws(() => loadConfig({ SESSION_SECRET: 'short' }), /SESSION_SECRET: must be at least 32 characters/);
  withTempDir((dir) => {
    assert.throws(() => loadConfig({ DATABASE_PATH: join(dir, 'a.db'), BOOTSTRAP_ADMIN_USERNAME: 'root' }), /BOOTSTRAP_ADMIN_USERNAME: also set/);
  });
});

test('loadConfig() parses TRUST_PROXY as a boolean, a hop count or a subnet list', () => {
  withTempDir((dir) => {
    const base = { DATABASE_PATH: join(dir, 'app.db') };
    assert.equal(loadConfig(base).trustProxy, false);
    assert.equal(loadConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ ...base, TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ ...base, TRUST_PROXY: 'loopback' }).trustProxy, 'loopback');
  });
});

test('loadConfig() treats empty variables as unset', () => {
  withTempDir((dir) => {
    const c = loadConfig({ DATABASE_PATH: join(dir, 'app.db'), EXCHANGE_URL: '', PORT: ' ', DEMO_DATA: '' });
    assert.equal(c.embedded, true);
    assert.equal(c.port, 3000);
  });
});

test('operations settings: defaults, and a bad metrics token or network stops the start with its name', () => {
  withTempDir((dir) => {
    const base = { DATABASE_PATH: join(dir, 'app.db') };
    const c = loadConfig(base);
    assert.deepEqual(
      { purge: c.sessionPurgeMinutes, retention: c.retentionDays, probe: c.readinessProbeSeconds, stuck: c.outboxStuckMinutes, metrics: c.metrics },
      { purge: 15, retention: 400, probe: 30, stuck: 15, metrics: { token: null, allow: [] } },
    );
    const m = loadConfig({ ...base, METRICS_TOKEN: 'a'.repeat(20), METRICS_ALLOW: '10.0.0.0/8, 127.0.0.1,fd00::/8', RETENTION_DAYS: '30' });
    assert.deepEqual(m.metrics, { token: 'a'.repeat(20), allow: ['10.0.0.0/8', '127.0.0.1', 'fd00::/8'] });
    assert.equal(m.retentionDays, 30);
    assert.throws(
      () => loadConfig({ ...base, METRICS_TOKEN: 'short' }),
      (e: unknown) => e instanceof ConfigError && /METRICS_TOKEN/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ ...base, METRICS_ALLOW: '10.0.0.0/33' }),
      (e: unknown) => e instanceof ConfigError && /METRICS_ALLOW/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ ...base, METRICS_ALLOW: 'intranet' }),
      (e: unknown) => e instanceof ConfigError && /METRICS_ALLOW/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ ...base, RETENTION_DAYS: '0' }),
      (e: unknown) => e instanceof ConfigError && /RETENTION_DAYS/.test(e.message),
    );
  });
});

test('RECONCILE_INTERVAL_SECONDS sets how often attendee answers and room calendars are read, and refuses nonsense', () => {
  withTempDir((dir) => {
    const base = { DATABASE_PATH: join(dir, 'app.db') };
    assert.equal(loadConfig(base).reconcileIntervalSeconds, 60);
    assert.equal(loadConfig({ ...base, RECONCILE_INTERVAL_SECONDS: '15' }).reconcileIntervalSeconds, 15);
    assert.equal(loadConfig({ ...base, RECONCILE_INTERVAL_SECONDS: '0' }).reconcileIntervalSeconds, 0, '0 = only on demand');
    for (const bad of ['-1', 'soon', '1.5', '86401']) {
      assert.throws(
        () => loadConfig({ ...base, RECONCILE_INTERVAL_SECONDS: bad }),
        (e: unknown) => e instanceof ConfigError && /RECONCILE_INTERVAL_SECONDS/.test(e.message),
        bad,
      );
    }
  });
});
