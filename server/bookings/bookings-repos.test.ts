// The bookings repositories (repo.ts, series.repo.ts, replacement.repo.ts) on SQLite and on PostgreSQL: the same
// functions and SQL texts, only sql-dialect.ts choosing per engine (docs/scaling.md).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aBooking, aRoom, aUser, AT } from '../test/repo-fixtures.ts';
import {
  findBooking,
  findBookingByIdempotencyKey,
  isRoomTaken,
  listActiveInWindow,
  listActiveTimesInWindow,
  listAllInWindow,
  listBookingsForOrganizer,
  listExternalInWindow,
  listSummariesInWindow,
  replaceAttendees,
  replaceExternalBookings,
  resetAttendeeResponses,
  setAttendeeResponse,
  updateBookingRow,
} from './repo.ts';
import { autoReplaceBuildings, autoReplaceIn, insertReplacement, listReplacements, setAutoReplace } from './replacement.repo.ts';
import {
  anchorBookingId,
  findSeries,
  findSeriesByUid,
  insertSeries,
  isRoomTakenBesides,
  knownSeriesUids,
  markOccurrence,
  moveOccurrences,
  occurrenceIds,
  updateSeries,
} from './series.repo.ts';

const NINE = '2026-12-02T09:00:00.000Z';
const TEN = '2026-12-02T10:00:00.000Z';
const ELEVEN = '2026-12-02T11:00:00.000Z';
const DAY_START = '2026-12-02T00:00:00.000Z';
const DAY_END = '2026-12-03T00:00:00.000Z';

onBothEngines('bookings repository', (engine) => {
  beforeEach(() => engine().reset());

  test('inserts a booking with attendees and reads it back by id and by idempotency key', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const id = aBooking(db, room.id, alice.id, { private: true, subject: "Plan 'Q1' ?" }, [
      { email: 'bob@example.test', name: 'Bob', role: 'required' },
      { email: 'rita@example.test', name: null, role: 'optional' },
    ]);
    assert.equal(typeof id, 'number');
    const b = findBooking(db, id)!;
    assert.equal(b.subject, "Plan 'Q1' ?");
    assert.equal(b.private, true);
    assert.equal(b.state, 'pending');
    assert.equal(b.roomId, room.id);
    assert.equal(b.icalSequence, 0);
    assert.equal(b.seriesId, null);
    assert.deepEqual(
      b.attendees.map((a) => [a.email, a.role, a.response]),
      [
        ['bob@example.test', 'required', 'none'],
        ['rita@example.test', 'optional', 'none'],
      ],
    );
    assert.equal(findBookingByIdempotencyKey(db, b.idempotencyKey)?.id, id);
    assert.equal(findBooking(db, id + 1000), undefined);
  });

  test('isRoomTaken: active bookings and Outlook meetings hold the room; the booking itself and cancelled ones do not', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const other = aRoom(db);
    const id = aBooking(db, room.id, alice.id, { startsAt: NINE, endsAt: TEN });
    assert.equal(isRoomTaken(db, room.id, '2026-12-02T09:30:00.000Z', ELEVEN, null), true);
    assert.equal(isRoomTaken(db, room.id, TEN, ELEVEN, null), false, 'touching is not overlapping');
    assert.equal(isRoomTaken(db, room.id, NINE, TEN, id), false, 'its own time');
    assert.equal(isRoomTaken(db, other.id, NINE, TEN, null), false);
    updateBookingRow(db, id, { state: 'cancelled' }, AT);
    assert.equal(isRoomTaken(db, room.id, NINE, TEN, null), false);

    replaceExternalBookings(
      db,
      other.id,
      DAY_START,
      DAY_END,
      [{ uid: 'ext-1', subject: 'Outlook', organizer: 'x@example.test', startsAt: TEN, endsAt: ELEVEN }],
      AT,
    );
    assert.equal(isRoomTaken(db, other.id, '2026-12-02T10:30:00.000Z', ELEVEN, null), true);
    // A three-day Outlook meeting that started before the look-back still holds the room (the "long" branch).
    replaceExternalBookings(
      db,
      room.id,
      '2026-11-28T00:00:00.000Z',
      DAY_END,
      [{ uid: 'ext-long', subject: 'Offsite', organizer: 'x@example.test', startsAt: '2026-11-29T08:00:00.000Z', endsAt: '2026-12-03T08:00:00.000Z' }],
      AT,
    );
    assert.equal(isRoomTaken(db, room.id, NINE, TEN, null), true);
  });

  test('replaceAttendees keeps the answers of people who stay (without case) and drops the others', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const id = aBooking(db, room.id, alice.id, {}, [
      { email: 'Bob@Example.test', name: 'Bob', role: 'required' },
      { email: 'rita@example.test', name: 'Rita', role: 'required' },
    ]);
    assert.equal(setAttendeeResponse(db, id, 'Bob@Example.test', 'accepted', '2026-12-01T09:00:00.000Z'), true);
    assert.equal(setAttendeeResponse(db, id, 'Bob@Example.test', 'accepted', '2026-12-01T09:05:00.000Z'), false, 'same answer');
    replaceAttendees(db, id, [
      { email: 'bob@example.test', name: 'Bob B', role: 'optional' },
      { email: 'sam@example.test', name: null, role: 'required' },
    ]);
    const list = findBooking(db, id)!.attendees;
    assert.deepEqual(
      list.map((a) => [a.email.toLowerCase(), a.name, a.role, a.response]),
      [
        ['sam@example.test', null, 'required', 'none'],
        ['bob@example.test', 'Bob B', 'optional', 'accepted'],
      ],
    );
  });

  test('an answer older than the last reset does not come back; a newer one does', () => {
    const { db } = engine();
    const id = aBooking(db, aRoom(db).id, aUser(db).id, {}, [{ email: 'bob@example.test', name: null, role: 'required' }]);
    setAttendeeResponse(db, id, 'bob@example.test', 'accepted', '2026-12-01T09:00:00.000Z');
    resetAttendeeResponses(db, id, '2026-12-01T10:00:00.000Z');
    assert.equal(findBooking(db, id)!.attendees[0]!.response, 'none');
    assert.equal(setAttendeeResponse(db, id, 'bob@example.test', 'declined', '2026-12-01T09:30:00.000Z'), false);
    assert.equal(setAttendeeResponse(db, id, 'bob@example.test', 'declined', '2026-12-01T10:30:00.000Z'), true);
    assert.equal(findBooking(db, id)!.attendees[0]!.response, 'declined');
  });

  test('updateBookingRow writes only the given columns (booleans as 0/1) and the time', () => {
    const { db } = engine();
    const id = aBooking(db, aRoom(db).id, aUser(db).id);
    updateBookingRow(
      db,
      id,
      { state: 'booked', private: true, icalSequence: 2, exchangePath: '/exchange/a/Calendar/x.EML', failedReason: null },
      '2026-12-01T09:00:00.000Z',
    );
    const b = findBooking(db, id)!;
    assert.equal(b.state, 'booked');
    assert.equal(b.private, true);
    assert.equal(b.icalSequence, 2);
    assert.equal(b.exchangePath, '/exchange/a/Calendar/x.EML');
    assert.equal(b.updatedAt, '2026-12-01T09:00:00.000Z');
    assert.equal(b.subject.startsWith('Meeting'), true);
  });

  test('My bookings: upcoming from now in start order, past newest first', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const past = aBooking(db, room.id, alice.id, { startsAt: '2026-11-30T09:00:00.000Z', endsAt: '2026-11-30T10:00:00.000Z' });
    const older = aBooking(db, room.id, alice.id, { startsAt: '2026-11-29T09:00:00.000Z', endsAt: '2026-11-29T10:00:00.000Z' });
    const later = aBooking(db, room.id, alice.id, { startsAt: '2026-12-03T09:00:00.000Z', endsAt: '2026-12-03T10:00:00.000Z' });
    const soon = aBooking(db, room.id, alice.id, { startsAt: NINE, endsAt: TEN });
    aBooking(db, room.id, aUser(db).id, { startsAt: NINE, endsAt: TEN, idempotencyKey: 'someone-else' });
    const now = '2026-12-01T12:00:00.000Z';
    assert.deepEqual(
      listBookingsForOrganizer(db, alice.id, now, true).map((b) => b.id),
      [soon, later],
    );
    assert.deepEqual(
      listBookingsForOrganizer(db, alice.id, now, false).map((b) => b.id),
      [past, older],
    );
    assert.deepEqual(
      listBookingsForOrganizer(db, alice.id, now, false, 1).map((b) => b.id),
      [past],
    );
  });

  test('window queries: active, all states, times only and summaries, for a list of rooms', () => {
    const { db } = engine();
    const alice = aUser(db);
    const [a, b, c] = [aRoom(db), aRoom(db), aRoom(db)];
    const held = aBooking(db, a.id, alice.id, { startsAt: NINE, endsAt: TEN, private: true }, [{ email: 'bob@example.test', name: null, role: 'required' }]);
    const cancelled = aBooking(db, b.id, alice.id, { startsAt: TEN, endsAt: ELEVEN });
    updateBookingRow(db, cancelled, { state: 'cancelled' }, AT);
    aBooking(db, c.id, alice.id, { startsAt: NINE, endsAt: TEN });
    aBooking(db, a.id, alice.id, { startsAt: '2026-12-04T09:00:00.000Z', endsAt: '2026-12-04T10:00:00.000Z' });

    assert.deepEqual(
      listActiveInWindow(db, [a.id, b.id], DAY_START, DAY_END).map((x) => x.id),
      [held],
    );
    assert.deepEqual(
      listAllInWindow(db, [a.id, b.id], DAY_START, DAY_END).map((x) => x.id),
      [held, cancelled],
    );
    assert.deepEqual(listActiveTimesInWindow(db, [a.id, b.id], DAY_START, DAY_END), [{ roomId: a.id, startsAt: NINE, endsAt: TEN }]);
    const summaries = listSummariesInWindow(db, [a.id, b.id], DAY_START, DAY_END);
    assert.deepEqual(
      summaries.map((s) => [s.id, s.roomId, s.state, s.private, s.attendeeCount, s.seriesId]),
      [
        [held, a.id, 'pending', true, 1, null],
        [cancelled, b.id, 'cancelled', false, 0, null],
      ],
    );
    assert.deepEqual(listActiveInWindow(db, [], DAY_START, DAY_END), []);
  });

  test('Outlook meetings: replaced per room and window, read back with the long ones', () => {
    const { db } = engine();
    const room = aRoom(db);
    const item = (uid: string, startsAt: string, endsAt: string) => ({ uid, subject: `S ${uid}`, organizer: 'o@example.test', startsAt, endsAt });
    replaceExternalBookings(db, room.id, DAY_START, DAY_END, [item('x1', NINE, TEN), item('x2', TEN, ELEVEN)], AT);
    replaceExternalBookings(db, room.id, '2026-11-20T00:00:00.000Z', DAY_START, [item('long', '2026-11-25T08:00:00.000Z', '2026-12-02T12:00:00.000Z')], AT);
    assert.deepEqual(
      listExternalInWindow(db, [room.id], DAY_START, DAY_END).map((x) => x.uid),
      ['long', 'x1', 'x2'],
    );
    // A second pass over the day sees x2 moved and x1 gone; the same uid and start is written once (upsert).
    replaceExternalBookings(db, room.id, DAY_START, DAY_END, [item('x2', TEN, '2026-12-02T11:30:00.000Z'), item('x2', TEN, '2026-12-02T11:45:00.000Z')], AT);
    const after = listExternalInWindow(db, [room.id], NINE, DAY_END);
    assert.deepEqual(
      after.map((x) => [x.uid, x.endsAt]),
      [['x2', '2026-12-02T11:45:00.000Z']],
    );
    // The same pass again writes nothing: the schedule's version (bumped by every write's trigger) stays.
    const version = () => (db.prepare('SELECT version FROM schedule_changes').get() as { version: number }).version;
    const before = version();
    replaceExternalBookings(db, room.id, DAY_START, DAY_END, [item('x2', TEN, '2026-12-02T11:45:00.000Z')], '2026-12-02T12:00:00.000Z');
    assert.equal(version(), before);
    assert.deepEqual(listExternalInWindow(db, [room.id], NINE, DAY_END), after);
    // A changed subject is written.
    replaceExternalBookings(db, room.id, DAY_START, DAY_END, [{ ...item('x2', TEN, '2026-12-02T11:45:00.000Z'), subject: 'Renamed' }], AT);
    assert.notEqual(version(), before);
    assert.deepEqual(
      listExternalInWindow(db, [room.id], NINE, DAY_END).map((x) => x.subject),
      ['Renamed'],
    );
  });
});

onBothEngines('series repository', (engine) => {
  beforeEach(() => engine().reset());

  test('a series with its dates: insert, find by id and uid, known uids, occurrences in date order, the anchor', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const seriesId = insertSeries(db, {
      uid: 'series-1',
      rrule: 'FREQ=WEEKLY;COUNT=3',
      firstDate: '2026-12-02',
      startTime: '09:00',
      endTime: '10:00',
      timeZone: 'Europe/London',
      roomId: room.id,
      organizerId: alice.id,
      words: 'Every Wednesday',
      subject: 'Stand-up',
      description: '',
      private: true,
      splitFromId: null,
      at: AT,
    });
    const s = findSeries(db, seriesId)!;
    assert.equal(s.private, true);
    assert.equal(s.icalSequence, 0);
    assert.equal(findSeriesByUid(db, 'series-1')?.id, seriesId);
    assert.deepEqual([...knownSeriesUids(db, ['series-1', 'nope', 'series-1'])], ['series-1']);
    assert.deepEqual([...knownSeriesUids(db, [])], []);

    const dates = ['2026-12-16T09:00:00.000Z', '2026-12-02T09:00:00.000Z', '2026-12-09T09:00:00.000Z'];
    const ids = dates.map((d) => {
      const id = aBooking(db, room.id, alice.id, { startsAt: d, endsAt: d.replace('T09', 'T10') });
      markOccurrence(db, id, seriesId, d);
      return id;
    });
    assert.deepEqual(occurrenceIds(db, seriesId), [ids[1], ids[2], ids[0]]);
    assert.equal(anchorBookingId(db, seriesId), ids[0]);
    assert.equal(findBooking(db, ids[1]!)!.recurrenceId, dates[1]);

    updateSeries(db, seriesId, { rrule: 'FREQ=WEEKLY;UNTIL=20261209T235959Z', icalSequence: 1 }, '2026-12-01T09:00:00.000Z');
    assert.equal(findSeries(db, seriesId)!.rrule, 'FREQ=WEEKLY;UNTIL=20261209T235959Z');
    assert.equal(findSeries(db, seriesId)!.icalSequence, 1);
    assert.equal(findSeries(db, seriesId)!.words, 'Every Wednesday');

    // "This and following" from the 9th: those dates move to a split series; the booked room ignores its own series.
    const split = insertSeries(db, { ...s, uid: 'series-2', splitFromId: seriesId, at: AT });
    assert.deepEqual(moveOccurrences(db, seriesId, split, '2026-12-09T09:00:00.000Z'), [ids[2], ids[0]]);
    assert.deepEqual(occurrenceIds(db, seriesId), [ids[1]]);
    assert.equal(findSeries(db, split)!.splitFromId, seriesId);
    assert.equal(isRoomTakenBesides(db, room.id, '2026-12-09T09:00:00.000Z', '2026-12-09T10:00:00.000Z', split), false);
    assert.equal(isRoomTakenBesides(db, room.id, '2026-12-09T09:00:00.000Z', '2026-12-09T10:00:00.000Z', seriesId), true);
    assert.equal(anchorBookingId(db, 9999), undefined);
  });
});

onBothEngines('replacement rooms repository', (engine) => {
  beforeEach(() => engine().reset());

  test('records replacements in order and keeps per-building auto-replace without case', () => {
    const { db } = engine();
    const [from, to] = [aRoom(db), aRoom(db)];
    const id = aBooking(db, from.id, aUser(db).id);
    insertReplacement(db, { bookingId: id, fromRoomId: from.id, toRoomId: to.id, reason: 'declined', automatic: true, at: AT });
    insertReplacement(db, { bookingId: id, fromRoomId: to.id, toRoomId: null, reason: 'mailbox-unknown', automatic: false, at: AT });
    assert.deepEqual(
      listReplacements(db, id).map((r) => [r.fromRoomId, r.toRoomId, r.reason, r.automatic]),
      [
        [from.id, to.id, 'declined', true],
        [to.id, null, 'mailbox-unknown', false],
      ],
    );
    assert.equal(autoReplaceIn(db, 'Main'), false);
    setAutoReplace(db, 'Main', true, AT);
    setAutoReplace(db, 'Annex', false, AT);
    assert.equal(autoReplaceIn(db, 'MAIN'), true);
    setAutoReplace(db, 'main', false, AT);
    assert.equal(autoReplaceIn(db, 'Main'), false, 'one row per building, whatever its case');
    setAutoReplace(db, 'Annex', true, AT);
    assert.deepEqual([...autoReplaceBuildings(db)], ['annex']);
  });
});
