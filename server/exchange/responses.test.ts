import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readProposal, responsesSql } from './responses.ts';

test('responsesSql() selects response messages in the Inbox, optionally for one UID', () => {
  const sql = responsesSql('/exchange/alice/Posteingang', "rb-1'x");
  assert.match(sql, /SHALLOW TRAVERSAL OF "\/exchange\/alice\/Posteingang"/);
  assert.match(sql, /LIKE 'IPM\.Schedule\.Meeting\.Resp\.%'/);
  assert.match(sql, /"urn:schemas:calendar:uid" = 'rb-1''x'$/);
  assert.doesNotMatch(responsesSql('/x'), /calendar:uid" =/);
});

test('responsesSql() reads the counter-proposal properties by PSETID_Appointment id, each under an alias', () => {
  const sql = responsesSql('/exchange/alice/Inbox');
  const set = 'http://schemas.microsoft.com/mapi/id/{00062002-0000-0000-C000-000000000046}/';
  assert.ok(sql.includes(`"${set}0x8257" AS counterproposal`));
  assert.ok(sql.includes(`"${set}0x8250" AS proposedstart`));
  assert.ok(sql.includes(`"${set}0x8251" AS proposedend`));
});

test('readProposal(): a readable start before a readable end is a proposal (UTC); garbage is none, never a throw', () => {
  const p = readProposal('1', '2030-11-21T13:00:00.000Z', '2030-11-21T14:30:00+00:00');
  assert.equal(p?.start.toISO(), '2030-11-21T13:00:00.000Z');
  assert.equal(p?.end.toISO(), '2030-11-21T14:30:00.000Z');
  assert.equal(readProposal('1', '2030-11-21T14:00:00+01:00', '2030-11-21T15:00:00+01:00')?.start.toISO(), '2030-11-21T13:00:00.000Z', 'offset → UTC');
  assert.ok(readProposal(undefined, '2030/11/21 13:00:00', '2030/11/21 14:00:00'), 'SEARCH literal form, no flag');
  assert.equal(readProposal('0', '2030-11-21T13:00:00Z', '2030-11-21T14:00:00Z'), undefined, 'flag false');
  assert.equal(readProposal('false', '2030-11-21T13:00:00Z', '2030-11-21T14:00:00Z'), undefined);
  assert.equal(readProposal('1', '2030-11-21T14:00:00Z', '2030-11-21T14:00:00Z'), undefined, 'end = start');
  assert.equal(readProposal('1', '2030-11-21T15:00:00Z', '2030-11-21T14:00:00Z'), undefined, 'end before start');
  assert.equal(readProposal('1', 'next tuesday', '2030-11-21T14:00:00Z'), undefined);
  assert.equal(readProposal('1', '2030-11-21T13:00:00Z', undefined), undefined);
  assert.equal(readProposal('1', '', ''), undefined);
  assert.equal(readProposal('1', '2030-13-45T99:00:00Z', '2030-11-21T14:00:00Z'), undefined);
});
