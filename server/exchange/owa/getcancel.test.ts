import { test } from 'node:test';
import assert from 'node:assert/strict';
import { draftProblem } from './getcancel.ts';

const item = '/exchange/klaus/Kalender/rb-1%40roombook.EML';
const drafts = '/exchange/klaus/Entw%C3%BCrfe';

test('draftProblem() accepts a new item in Drafts whatever the %-encoding', () => {
  assert.equal(draftProblem('/exchange/klaus/Entwürfe/Abgesagt: Planung.EML', item, drafts), null);
  assert.equal(draftProblem('/exchange/klaus/Entw%c3%bcrfe/Abgesagt%3A%20Planung.EML', item, drafts), null);
});

test("draftProblem() refuses the meeting itself (the DSZ reader's bug)", () => {
  assert.equal(draftProblem('/exchange/klaus/Kalender/rb-1@roombook.EML', item, drafts), 'owa-returned-meeting');
});

test('draftProblem() refuses a target outside Drafts and a missing target', () => {
  assert.equal(draftProblem('/exchange/klaus/Posteingang/x.EML', item, drafts), 'owa-draft-outside-drafts');
  assert.equal(draftProblem('/exchange/klaus/Entwürfe-old/x.EML', item, drafts), 'owa-draft-outside-drafts');
  assert.equal(draftProblem(null, item, drafts), 'owa-no-draft');
});
