import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missedInARow } from './series-release.ts';
import type { SeriesDateFacts } from './repo.ts';

const date = (f: Partial<SeriesDateFacts>): SeriesDateFacts => ({ id: 1, state: 'booked', releaseReason: null, checkedIn: false, exempt: false, ...f });
const noShow = date({ state: 'cancelled', releaseReason: 'no-show' });

test('dates in a row nobody checked in to, latest first: a check-in, an exemption or a kept date ends the run', () => {
  assert.equal(missedInARow([noShow, noShow, noShow]), 3);
  assert.equal(missedInARow([noShow, noShow, date({ checkedIn: true }), noShow]), 2);
  assert.equal(missedInARow([noShow, date({ exempt: true }), noShow]), 1);
  assert.equal(missedInARow([noShow, date({ state: 'booked' }), noShow]), 1, 'a date kept without a release (check-in was off)');
  assert.equal(missedInARow([noShow, date({ state: 'cancelled', releaseReason: 'all-declined' }), noShow]), 1, 'everyone declined is not a missed check-in');
  assert.equal(missedInARow([date({ checkedIn: true }), noShow, noShow]), 0);
  assert.equal(missedInARow([]), 0);
});

test('dates the organizer cancelled or the room declined are skipped: nobody was expected', () => {
  assert.equal(missedInARow([noShow, date({ state: 'cancelled' }), noShow, date({ state: 'declined' }), noShow]), 3);
});
