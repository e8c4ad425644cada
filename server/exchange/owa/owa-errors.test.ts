import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyOwaPage, isLogonRedirect } from './owa-errors.ts';
import { fixture } from '../fixtures/index.ts';

test('classifyOwaPage() recognises an error page served with 200', () => {
  const page = classifyOwaPage(fixture('owa-error.html'));
  assert.equal(page.kind, 'error');
});

test('classifyOwaPage() recognises the forms logon page', () => {
  assert.deepEqual(classifyOwaPage(fixture('owa-logon.html')), { kind: 'logon' });
});

test('classifyOwaPage() accepts an ordinary page that mentions errors in prose', () => {
  assert.deepEqual(classifyOwaPage(fixture('owa-ok.html')), { kind: 'ok' });
});

test('classifyOwaPage() recognises IIS "page cannot be displayed"', () => {
  assert.equal(classifyOwaPage('<html><body>The page cannot be displayed</body></html>').kind, 'error');
});

test('isLogonRedirect() is true for owalogon.asp targets only', () => {
  assert.equal(isLogonRedirect('https://mail.example.com/exchweb/bin/auth/owalogon.asp?url=x&reason=0'), true);
  assert.equal(isLogonRedirect('/exchange/alice/Drafts/x.EML'), false);
  assert.equal(isLogonRedirect(undefined), false);
});
