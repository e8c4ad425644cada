import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveGatewayConfig } from './config.ts';

test('resolveGatewayConfig() fills defaults for the embedded mode', () => {
  const c = resolveGatewayConfig({ url: 'http://127.0.0.1:8080', auth: 'basic', username: 'booking-svc', password: 'demo' });
  assert.equal(c.meetingRoute, 'owa');
  assert.equal(c.autoFallback, true);
  assert.ok(c.freeBusyBatchSize >= 100);
  assert.match(c.userAgent, /MSIE/);
});

test('resolveGatewayConfig() lists every bad field and never echoes the password', () => {
  assert.throws(
    () => resolveGatewayConfig({ url: 'ftp://x', auth: 'kerberos' as 'basic', username: '', password: 'hunter2' }),
    (e: Error) => /url/.test(e.message) && /auth/.test(e.message) && /username/.test(e.message) && !e.message.includes('hunter2'),
  );
});
