import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Request } from 'express';
import { metricsAccess, routeOf } from './metrics.ts';

const req = (ip: string, authorization?: string) =>
  ({ ip, get: (h: string) => (h.toLowerCase() === 'authorization' ? authorization : undefined) }) as unknown as Request;

test('metrics are hidden (404) unless a token or a network is configured', () => {
  assert.equal(metricsAccess({ token: null, allow: [] })(req('127.0.0.1')), 'hidden');
});

test('a bearer token opens /metrics from anywhere; a wrong one does not', () => {
  const check = metricsAccess({ token: 'a-long-secret-token', allow: [] });
  assert.equal(check(req('203.0.113.9', 'Bearer a-long-secret-token')), 'ok');
  assert.equal(check(req('203.0.113.9', 'Bearer a-long-secret-tokex')), 'unauthorized');
  assert.equal(check(req('203.0.113.9')), 'unauthorized');
});

test('the allow-list admits addresses in its networks (IPv4, IPv4-mapped IPv6 and IPv6)', () => {
  const check = metricsAccess({ token: null, allow: ['10.0.0.0/8', '192.0.2.7', 'fd00::/8'] });
  assert.equal(check(req('10.1.2.3')), 'ok');
  assert.equal(check(req('::ffff:10.9.9.9')), 'ok');
  assert.equal(check(req('192.0.2.7')), 'ok');
  assert.equal(check(req('192.0.2.8')), 'unauthorized');
  assert.equal(check(req('fd12::1')), 'ok');
  assert.equal(check(req('2001:db8::1')), 'unauthorized');
});

test('HTTP requests are labelled by route pattern, with the mount path even after an error left the router', () => {
  const r = (originalUrl: string, path?: string) => ({ originalUrl, ...(path === undefined ? {} : { route: { path } }) });
  assert.equal(routeOf(r('/bookings/42?x=1', '/:id'), 422, 'POST'), '/bookings/:id');
  assert.equal(routeOf(r('/bookings', '/'), 303, 'POST'), '/bookings');
  assert.equal(routeOf(r('/bookings/42/cancel', '/:id/cancel'), 200, 'GET'), '/bookings/:id/cancel');
  assert.equal(routeOf(r('/healthz', '/healthz'), 200, 'GET'), '/healthz');
  assert.equal(routeOf(r('/', '/'), 200, 'GET'), '/');
  assert.equal(routeOf(r('/css/app.css'), 200, 'GET'), 'static');
  assert.equal(routeOf(r('/no/such/page'), 404, 'GET'), 'unmatched');
});
