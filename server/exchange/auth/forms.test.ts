import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CookieJar } from './cookies.ts';
import { isLoggedOut } from './forms.ts';
import { fixture } from '../fixtures/index.ts';

const facts = { method: 'PROPFIND', path: '/exchange/a/', status: 0, durationMs: 1, requestId: 'r' };
const res = (status: number, headers: Record<string, string> = {}, body = '') => ({ status, headers, body, facts: { ...facts, status } });

test('CookieJar.update() keeps sessionid and quoted cadata as sent', () => {
  const jar = new CookieJar();
  jar.update(['sessionid=fbb50caf-381a-4f85-9582-a7a902b4561f,0x409; path=/', 'cadata="2,8JOrhvROIJyk==Awlm"; HttpOnly; secure; path=/']);
  assert.equal(jar.header(), 'sessionid=fbb50caf-381a-4f85-9582-a7a902b4561f,0x409; cadata="2,8JOrhvROIJyk==Awlm"');
});

test('CookieJar.update() drops cookies Exchange clears on 440', () => {
  const jar = new CookieJar();
  jar.update(['sessionid=abc; path=/', 'cadata="x"; path=/']);
  jar.update(['sessionid=; path=/; expires=Thu, 01-Jan-1970 00:00:00 GMT', 'cadata=; path=/; expires=Thu, 01-Jan-1970 00:00:00 GMT']);
  assert.equal(jar.header(), undefined);
});

test('isLoggedOut() is true for 440, a redirect to owalogon.asp and the logon page with 200', () => {
  assert.equal(isLoggedOut(res(440)), true);
  assert.equal(isLoggedOut(res(302, { location: '/exchweb/bin/auth/owalogon.asp?url=%2Fexchange%2F&reason=0' })), true);
  assert.equal(isLoggedOut(res(200, { 'content-type': 'text/html' }, fixture('owa-logon.html'))), true);
});

test('isLoggedOut() is false for ordinary answers', () => {
  assert.equal(isLoggedOut(res(207, { 'content-type': 'text/xml' }, '<a:multistatus xmlns:a="DAV:"/>')), false);
  assert.equal(isLoggedOut(res(302, { location: '/exchange/a/Drafts/x.EML' })), false);
  assert.equal(isLoggedOut(res(200, { 'content-type': 'text/html' }, fixture('owa-ok.html'))), false);
  assert.equal(isLoggedOut(res(401)), false);
});
