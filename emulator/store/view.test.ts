import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSegment } from './view.ts';

test('encodeSegment() writes spaces as %20, # as %23, non-ASCII as UTF-8 and keeps colons', () => {
  assert.equal(encodeSegment('Sent Items'), 'Sent%20Items');
  assert.equal(encodeSegment('##DavMailSubmissionURI##'), '%23%23DavMailSubmissionURI%23%23');
  assert.equal(encodeSegment('Entwürfe'), 'Entw%C3%BCrfe');
  assert.equal(encodeSegment('Re: foo.EML'), 'Re:%20foo.EML');
  assert.equal(encodeSegment('a/b'), 'a%2Fb');
});
