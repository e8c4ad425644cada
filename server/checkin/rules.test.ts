import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import {
  allButOrganizerDeclined,
  APP_DEFAULT,
  checkinRefusal,
  checkinWindow,
  releaseDecision,
  resolveSettings,
  windowPhase,
  type BookingFacts,
  type CheckinSettings,
} from './rules.ts';

const ms = (iso: string, zone = 'Europe/London') => DateTime.fromISO(iso, { zone }).toMillis();
const on: CheckinSettings = { ...APP_DEFAULT, required: true };

const facts = (over: Partial<BookingFacts> = {}): BookingFacts => ({
  startMs: ms('2026-11-24T10:00'),
  endMs: ms('2026-11-24T11:00'),
  active: true,
  checkedIn: false,
  exempt: false,
  released: false,
  organizerEmail: 'alice@example.com',
  attendees: [{ email: 'bob@example.com', response: 'accepted' }],
  ...over,
});

describe('resolveSettings()', () => {
  test('room first, then building, then the app default, field by field', () => {
    assert.deepEqual(resolveSettings(undefined, undefined), APP_DEFAULT);
    const building = { required: true, opensBeforeMin: 10, closesAfterMin: 15, releaseAction: 'cancel-meeting' as const };
    assert.deepEqual(resolveSettings({ required: null, closesAfterMin: 20 }, building), { ...building, closesAfterMin: 20 });
    assert.deepEqual(resolveSettings({ required: false }, building).required, false);
  });
});

describe('checkinWindow() across DST', () => {
  test('default window is 5 min before to 10 min after the start', () => {
    const w = checkinWindow(ms('2026-11-24T10:00'), APP_DEFAULT);
    assert.equal(w.opens, ms('2026-11-24T09:55'));
    assert.equal(w.closes, ms('2026-11-24T10:10'));
  });

  test('London spring forward: a 00:55 start closes at 02:05 on the wall clock, 10 real minutes later', () => {
    const start = ms('2026-03-29T00:55');
    const d = releaseDecision(start + 10 * 60_000, facts({ startMs: start, endMs: start + 3_600_000 }), on, 'Europe/London');
    assert.deepEqual(d, { release: true, reason: 'no-show', note: 'released: nobody checked in by 02:05' });
    assert.equal(releaseDecision(start + 10 * 60_000 - 1, facts({ startMs: start, endMs: start + 3_600_000 }), on, 'Europe/London').release, false);
  });

  test('New York fall back: a 01:55 EDT start closes at 01:05 EST (the clock went back), still 10 minutes', () => {
    const start = DateTime.fromISO('2026-11-01T01:55:00-04:00').toMillis();
    const w = checkinWindow(start, APP_DEFAULT);
    assert.equal(w.closes - start, 10 * 60_000);
    const d = releaseDecision(w.closes, facts({ startMs: start, endMs: start + 3_600_000 }), on, 'America/New_York');
    assert.deepEqual(d, { release: true, reason: 'no-show', note: 'released: nobody checked in by 01:05' });
  });

  test('the window is half-open: open at its first instant, closed at its last', () => {
    const w = checkinWindow(ms('2026-11-24T10:00'), APP_DEFAULT);
    assert.equal(windowPhase(w.opens - 1, w), 'early');
    assert.equal(windowPhase(w.opens, w), 'open');
    assert.equal(windowPhase(w.closes - 1, w), 'open');
    assert.equal(windowPhase(w.closes, w), 'closed');
  });
});

describe('releaseDecision()', () => {
  const closes = ms('2026-11-24T10:10');
  test('a no-show is released when the window closes, with the local time in words', () => {
    assert.equal(releaseDecision(closes - 1, facts(), on, 'Europe/London').release, false);
    assert.deepEqual(releaseDecision(closes, facts(), on, 'Europe/London'), { release: true, reason: 'no-show', note: 'released: nobody checked in by 10:10' });
  });

  test('never when check-in is off, checked in, exempt, already released, inactive or over', () => {
    assert.equal(releaseDecision(closes, facts(), APP_DEFAULT, 'Europe/London').release, false);
    for (const over of [{ checkedIn: true }, { exempt: true }, { released: true }, { active: false }]) {
      assert.equal(releaseDecision(closes, facts(over), on, 'Europe/London').release, false, JSON.stringify(over));
    }
    assert.equal(releaseDecision(ms('2026-11-24T11:00'), facts(), on, 'Europe/London').release, false);
  });

  test('every attendee but the organizer declined: released at the start, not before', () => {
    const declined = facts({
      attendees: [
        { email: 'bob@example.com', response: 'declined' },
        { email: 'ALICE@example.com', response: 'accepted' },
      ],
    });
    assert.equal(releaseDecision(ms('2026-11-24T09:59'), declined, on, 'Europe/London').release, false);
    assert.deepEqual(releaseDecision(ms('2026-11-24T10:00'), declined, on, 'Europe/London'), {
      release: true,
      reason: 'all-declined',
      note: 'released: every attendee declined and nobody checked in by 10:00',
    });
    assert.equal(releaseDecision(ms('2026-11-24T10:00'), { ...declined, checkedIn: true }, on, 'Europe/London').release, false);
  });
});

describe('allButOrganizerDeclined()', () => {
  test('needs someone besides the organizer, all of them declined', () => {
    assert.equal(allButOrganizerDeclined({ organizerEmail: 'a@x', attendees: [] }), false);
    assert.equal(allButOrganizerDeclined({ organizerEmail: 'a@x', attendees: [{ email: 'a@x', response: 'declined' }] }), false);
    assert.equal(
      allButOrganizerDeclined({
        organizerEmail: 'a@x',
        attendees: [
          { email: 'b@x', response: 'declined' },
          { email: 'c@x', response: 'none' },
        ],
      }),
      false,
    );
    assert.equal(
      allButOrganizerDeclined({
        organizerEmail: 'a@x',
        attendees: [
          { email: 'b@x', response: 'declined' },
          { email: 'c@x', response: 'declined' },
        ],
      }),
      true,
    );
  });
});

describe('checkinRefusal()', () => {
  test('open only inside the window of a booking that holds the room', () => {
    assert.equal(checkinRefusal(ms('2026-11-24T09:54'), facts(), on), 'early');
    assert.equal(checkinRefusal(ms('2026-11-24T09:55'), facts(), on), null);
    assert.equal(checkinRefusal(ms('2026-11-24T10:10'), facts(), on), 'closed');
    assert.equal(checkinRefusal(ms('2026-11-24T10:00'), facts({ checkedIn: true }), on), 'already');
    assert.equal(checkinRefusal(ms('2026-11-24T10:00'), facts({ released: true, active: false }), on), 'released');
    assert.equal(checkinRefusal(ms('2026-11-24T10:00'), facts({ active: false }), on), 'not-active');
  });
});
