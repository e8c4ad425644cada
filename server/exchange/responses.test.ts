import { test } from 'node:test';
import assert from 'node:assert/strict';
import { responsesSql } from './responses.ts';

test('responsesSql() selects response messages in the Inbox, optionally for one UID', () => {
  const sql = responsesSql('/exchange/alice/Posteingang', "rb-1'x");
  assert.match(sql, /SHALLOW TRAVERSAL OF "\/exchange\/alice\/Posteingang"/);
  assert.match(sql, /LIKE 'IPM\.Schedule\.Meeting\.Resp\.%'/);
  assert.match(sql, /"urn:schemas:calendar:uid" = 'rb-1''x'$/);
  assert.doesNotMatch(responsesSql('/x'), /calendar:uid" =/);
});
