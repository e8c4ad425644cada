// The check-in repository on SQLite and on PostgreSQL: the same functions and SQL texts (sql-dialect.ts differs).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aBooking, aRoom, aUser, AT } from '../test/repo-fixtures.ts';
import { updateBookingRow } from '../bookings/repo.ts';
import { insertSeries, markOccurrence } from '../bookings/series.repo.ts';
import { insertToken, revokeTokenRow } from '../schedule/repo.ts';
import {
  displaySettings,
  factsOf,
  findBuildingDefault,
  findFacts,
  findRoomChoice,
  listSweepCandidates,
  recordCheckin,
  recordRelease,
  roomIdsWithCheckinOn,
  seriesDatesUpTo,
  setDisplaySettings,
  setExempt,
  upsertBuildingDefault,
  upsertRoomChoice,
} from './repo.ts';

const RELEASE = { reason: 'no-show', action: 'release-room', note: 'Released: nobody checked in by 09:10.' } as const;

onBothEngines('check-in repository', (engine) => {
  beforeEach(() => engine().reset());

  test('settings: a building default, a room’s partial choice, and which rooms have check-in on', () => {
    const { db } = engine();
    const main = aRoom(db, { building: 'Main' });
    const annex = aRoom(db, { building: 'Annex' });
    const annexOff = aRoom(db, { building: 'Annex' });
    aRoom(db, { building: 'Other' });
    assert.equal(findBuildingDefault(db, 'Annex'), undefined);
    upsertBuildingDefault(db, 'Annex', { required: false, opensBeforeMin: 5, closesAfterMin: 10, releaseAction: 'release-room' }, AT);
    upsertBuildingDefault(db, 'Annex', { required: true, opensBeforeMin: 0, closesAfterMin: 15, releaseAction: 'cancel-meeting' }, AT);
    assert.deepEqual(findBuildingDefault(db, 'Annex'), { required: true, opensBeforeMin: 0, closesAfterMin: 15, releaseAction: 'cancel-meeting' });
    upsertRoomChoice(db, annexOff.id, { required: false }, AT);
    upsertRoomChoice(db, main.id, { required: true, closesAfterMin: 20 }, AT);
    assert.deepEqual(findRoomChoice(db, main.id), { required: true, opensBeforeMin: null, closesAfterMin: 20, releaseAction: null });
    assert.deepEqual(findRoomChoice(db, annexOff.id)?.required, false);
    assert.equal(findRoomChoice(db, annex.id), undefined);
    assert.deepEqual(
      roomIdsWithCheckinOn(db).sort((a, b) => a - b),
      [main.id, annex.id],
    );
  });

  test('the first check-in counts; a release happens once and never after a check-in or an exemption', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const [a, b, c] = [0, 1, 2].map((i) =>
      aBooking(db, room.id, alice.id, { startsAt: `2026-12-0${i + 2}T09:00:00.000Z`, endsAt: `2026-12-0${i + 2}T10:00:00.000Z` }),
    ) as [number, number, number];
    assert.equal(recordCheckin(db, a, 'alice', '2026-12-02T09:01:00.000Z'), true);
    assert.equal(recordCheckin(db, a, 'display: Trent', '2026-12-02T09:02:00.000Z'), false);
    assert.equal(findFacts(db, a)?.checkedInBy, 'alice');
    assert.equal(recordRelease(db, a, RELEASE, '2026-12-02T09:11:00.000Z'), false, 'checked in');

    assert.equal(recordRelease(db, b, RELEASE, '2026-12-03T09:11:00.000Z'), true);
    assert.equal(recordRelease(db, b, RELEASE, '2026-12-03T09:12:00.000Z'), false, 'once');
    assert.equal(recordCheckin(db, b, 'alice', '2026-12-03T09:13:00.000Z'), false, 'released already');
    assert.deepEqual(
      [findFacts(db, b)?.releasedAt, findFacts(db, b)?.releaseReason, findFacts(db, b)?.releaseAction, findFacts(db, b)?.releaseNote],
      ['2026-12-03T09:11:00.000Z', 'no-show', 'release-room', RELEASE.note],
    );

    setExempt(db, c, true, 'reception');
    assert.equal(recordRelease(db, c, RELEASE, AT), false, 'exempt');
    assert.deepEqual([findFacts(db, c)?.exempt, findFacts(db, c)?.exemptBy], [true, 'reception']);
    setExempt(db, c, false, 'reception');
    assert.deepEqual([findFacts(db, c)?.exempt, findFacts(db, c)?.exemptBy], [false, null]);

    const facts = factsOf(db, [a, b, c, 9999]);
    assert.deepEqual(
      [...facts.keys()].sort((x, y) => x - y),
      [a, b, c],
    );
    assert.equal(factsOf(db, []).size, 0);
  });

  test('sweep candidates: started within 2 h, not ended, holding the room, with nothing recorded', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const other = aRoom(db);
    const now = '2026-12-02T09:20:00.000Z';
    const due = aBooking(db, room.id, alice.id, { startsAt: '2026-12-02T09:00:00.000Z', endsAt: '2026-12-02T10:00:00.000Z' });
    const checked = aBooking(db, room.id, alice.id, { startsAt: '2026-12-02T09:10:00.000Z', endsAt: '2026-12-02T09:50:00.000Z' });
    recordCheckin(db, checked, 'alice', '2026-12-02T09:11:00.000Z');
    aBooking(db, room.id, alice.id, { startsAt: '2026-12-02T09:30:00.000Z', endsAt: '2026-12-02T10:30:00.000Z' }); // not started
    aBooking(db, room.id, alice.id, { startsAt: '2026-12-02T06:00:00.000Z', endsAt: '2026-12-02T10:30:00.000Z' }); // > 2 h ago
    const cancelled = aBooking(db, room.id, alice.id, { startsAt: '2026-12-02T09:05:00.000Z', endsAt: '2026-12-02T09:45:00.000Z' });
    updateBookingRow(db, cancelled, { state: 'cancelled' }, AT);
    aBooking(db, other.id, alice.id, { startsAt: '2026-12-02T09:00:00.000Z', endsAt: '2026-12-02T10:00:00.000Z' });
    assert.deepEqual(listSweepCandidates(db, [room.id], now), [due]);
    assert.deepEqual(listSweepCandidates(db, [], now), []);
  });

  test('a door display may act and books with its walk-in account; a revoked token cannot be changed', () => {
    const { db } = engine();
    const walkin = aUser(db);
    const room = aRoom(db);
    const token = insertToken(db, { label: 'Trent door', hash: 'h1', hint: 'abcd', showSubjects: false, createdById: null, at: AT, roomIds: [room.id] });
    assert.deepEqual(displaySettings(db, token), { canAct: false, walkinUserId: null });
    assert.equal(setDisplaySettings(db, token, { canAct: true, walkinUserId: walkin.id }), true);
    assert.deepEqual(displaySettings(db, token), { canAct: true, walkinUserId: walkin.id });
    revokeTokenRow(db, token, AT);
    assert.equal(setDisplaySettings(db, token, { canAct: false, walkinUserId: null }), false);
    assert.deepEqual(displaySettings(db, 9999), { canAct: false, walkinUserId: null });
  });

  test("a series' dates latest first; with a maximum, only the dates the series rule counts (cancelled ones left out)", () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const seriesId = insertSeries(db, {
      uid: 'series-rule',
      rrule: 'FREQ=DAILY;COUNT=5',
      firstDate: '2026-12-01',
      startTime: '09:00',
      endTime: '10:00',
      timeZone: 'Europe/London',
      roomId: room.id,
      organizerId: alice.id,
      words: 'Daily',
      subject: 'Stand-up',
      description: '',
      private: false,
      splitFromId: null,
      at: AT,
    });
    const ids = [1, 2, 3, 4, 5].map((d) => {
      const start = `2026-12-0${d}T09:00:00.000Z`;
      const id = aBooking(db, room.id, alice.id, { startsAt: start, endsAt: start.replace('T09', 'T10') });
      markOccurrence(db, id, seriesId, start);
      return id;
    });
    // 1st checked in; 2nd released; 3rd cancelled by the organizer (no fact); 4th released; 5th later.
    recordCheckin(db, ids[0]!, 'alice', '2026-12-01T09:01:00.000Z');
    for (const i of [1, 3]) {
      recordRelease(db, ids[i]!, RELEASE, `2026-12-0${i + 1}T09:10:00.000Z`);
      updateBookingRow(db, ids[i]!, { state: 'cancelled' }, AT);
    }
    updateBookingRow(db, ids[2]!, { state: 'cancelled' }, AT);
    const upTo4 = '2026-12-04T09:00:00.000Z';
    assert.deepEqual(
      seriesDatesUpTo(db, seriesId, upTo4).map((d) => [d.id, d.releaseReason, d.checkedIn]),
      [
        [ids[3], 'no-show', false],
        [ids[2], null, false],
        [ids[1], 'no-show', false],
        [ids[0], null, true],
      ],
    );
    assert.deepEqual(
      seriesDatesUpTo(db, seriesId, upTo4, 2).map((d) => d.id),
      [ids[3], ids[1]],
      'the cancelled date is skipped, at most two',
    );
    assert.deepEqual(
      seriesDatesUpTo(db, seriesId, upTo4, 10).map((d) => d.id),
      [ids[3], ids[1], ids[0]],
    );
  });
});
