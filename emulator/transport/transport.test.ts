import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutBccHeader } from './transport.ts';
import { deliveryName } from './names.ts';

test('withoutBccHeader() removes a folded Bcc header and leaves the body alone', () => {
  const mime = 'To: a@example.com\r\nBcc: b@example.com,\r\n c@example.com\r\nSubject: x\r\n\r\nBcc: this line is body text\r\n';
  assert.equal(withoutBccHeader(mime), 'To: a@example.com\r\nSubject: x\r\n\r\nBcc: this line is body text\r\n');
});

test('deliveryName() names a delivered message after its subject, with / written as _xF8FF_', () => {
  assert.equal(deliveryName('Re: Budget 1/2'), 'Re: Budget 1_xF8FF_2.EML');
  assert.equal(deliveryName('   '), 'Untitled.EML');
});
