import { test } from 'node:test';
import assert from 'node:assert/strict';
import { draftPath } from './submission.ts';
import { scopePath, sqlString } from './dav/search.ts';
import type { MailboxFolders } from './gateway.ts';

const folders = { drafts: '/exchange/alice/Drafts' } as MailboxFolders;

test('draftPath() gives one draft name per uid, kind and sequence', () => {
  assert.equal(draftPath(folders, 'rb-1', 'request', 0), '/exchange/alice/Drafts/rb-1-request-0.EML');
  assert.equal(draftPath(folders, 'rb-1', 'cancel', 2), '/exchange/alice/Drafts/rb-1-cancel-2.EML');
  assert.equal(draftPath(folders, 'rb-1', 'cancel', 2, 'removed'), '/exchange/alice/Drafts/rb-1-cancel-2-removed.EML');
});

test('sqlString() doubles single quotes so a uid cannot end the literal', () => {
  assert.equal(sqlString("x' OR 'a'='a"), "'x'' OR ''a''=''a'");
});

test('scopePath() encodes quotes in a scope URL', () => {
  assert.equal(scopePath(`/a/'b"`), '/a/%27b%22');
});
