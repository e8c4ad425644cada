// The repository functions this session's features added, on SQLite and on PostgreSQL (issue 18: every repository's
// SQL runs unchanged on both): room profiles (0014), the report's day summaries and room counters (0015), named people
// for a door display (0015), people exempt from check-in (0016), and the meetings a user is invited to.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from './both-engines.ts';
import { aBooking, aRoom, aUser, AT } from './repo-fixtures.ts';
import { findRoomProfile, saveRoomProfileRow } from '../rooms/profile.repo.ts';
import { listRoomDays, roomDayVersions, saveRoomDays, type RoomDayRow } from '../reports/repo.ts';
import { displayPeople, exemptByOrganizer, isPersonExempt, listExemptPeople, setDisplayPeople, setPersonExempt } from '../checkin/repo.ts';
import { insertToken } from '../schedule/repo.ts';
import { listBookingsForAttendee } from '../bookings/repo.ts';

onBothEngines('this session’s repository functions', (engine) => {
  beforeEach(() => engine().reset());

  test('a room profile: none means no subjects and no note; saving twice keeps the last', () => {
    const { db } = engine();
    const room = aRoom(db);
    assert.deepEqual(findRoomProfile(db, room.id), { showSubjects: false, floorNote: null });
    saveRoomProfileRow(db, room.id, { showSubjects: true, floorNote: '3rd floor' }, AT);
    saveRoomProfileRow(db, room.id, { showSubjects: false, floorNote: 'Past the lifts' }, AT);
    assert.deepEqual(findRoomProfile(db, room.id), { showSubjects: false, floorNote: 'Past the lifts' });
  });

  test('day summaries are saved, replaced, listed by room and day; a booking change forgets its days and moves the room counter', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const other = aRoom(db);
    const row = (roomId: number, day: string, bookedMs: number): RoomDayRow => [roomId, day, bookedMs, 0, 0, 1, 0, 0, 0, 0, 0, 0, null, '{"4":1}'];
    saveRoomDays(db, [row(room.id, '2026-12-02', 1000), row(room.id, '2026-12-20', 5), row(other.id, '2026-12-02', 7)]);
    saveRoomDays(db, [row(room.id, '2026-12-02', 2000)]);
    // In no particular order (the report folds them into maps): sorted here by day.
    const listed = listRoomDays(db, [room.id], '2026-12-01', '2026-12-31').sort((a, b) => a[1].localeCompare(b[1]));
    assert.deepEqual(
      listed.map((r) => [Number(r[0]), r[1], Number(r[2]), r[13]]),
      [
        [room.id, '2026-12-02', 2000, '{"4":1}'],
        [room.id, '2026-12-20', 5, '{"4":1}'],
      ],
    );
    const before = roomDayVersions(db).get(room.id) ?? 0;
    aBooking(db, room.id, alice.id, { startsAt: '2026-12-02T09:00:00.000Z', endsAt: '2026-12-02T10:00:00.000Z' });
    assert.deepEqual(
      listRoomDays(db, [room.id], '2026-12-01', '2026-12-31').map((r) => r[1]),
      ['2026-12-20'],
      'the booking forgot its day (and the days beside it), not the 20th',
    );
    assert.ok((roomDayVersions(db).get(room.id) ?? 0) > before, 'the room counter moved');
    assert.equal(listRoomDays(db, [other.id], '2026-12-01', '2026-12-31').length, 1, 'another room keeps its days');
  });

  test('named people of a door display, and people exempt from check-in by name', () => {
    const { db } = engine();
    const alice = aUser(db);
    const bob = aUser(db);
    const room = aRoom(db);
    const token = insertToken(db, { label: 'Door', hash: 'h', hint: 'abcd', showSubjects: false, createdById: null, at: AT, roomIds: [room.id] });
    setDisplayPeople(db, token, [alice.id, bob.id, alice.id]);
    assert.deepEqual([...displayPeople(db, token)].sort(), [alice.id, bob.id].sort());
    setDisplayPeople(db, token, [bob.id]);
    assert.deepEqual(displayPeople(db, token), [bob.id]);

    assert.equal(isPersonExempt(db, bob.id), false);
    assert.equal(setPersonExempt(db, bob.id, true, 'adam', AT), true);
    assert.equal(isPersonExempt(db, bob.id), true);
    assert.deepEqual(
      listExemptPeople(db).map((p) => [p.userId, p.addedBy]),
      [[bob.id, 'adam']],
    );
    const hers = aBooking(db, room.id, alice.id, { startsAt: '2026-12-02T09:00:00.000Z', endsAt: '2026-12-02T10:00:00.000Z' });
    const his = aBooking(db, room.id, bob.id, { startsAt: '2026-12-02T11:00:00.000Z', endsAt: '2026-12-02T12:00:00.000Z' });
    assert.deepEqual([...exemptByOrganizer(db, [hers, his])], [his]);
    setPersonExempt(db, bob.id, false, 'adam', AT);
    assert.equal(isPersonExempt(db, bob.id), false);
  });

  test('meetings I am invited to: by my address without case, not my own, in time order', () => {
    const { db } = engine();
    const alice = aUser(db);
    const bob = aUser(db);
    const room = aRoom(db);
    const later = aBooking(db, room.id, alice.id, { startsAt: '2026-12-03T09:00:00.000Z', endsAt: '2026-12-03T10:00:00.000Z' }, [
      { email: 'bob@example.test', name: null, role: 'required' },
    ]);
    const sooner = aBooking(db, room.id, alice.id, { startsAt: '2026-12-02T09:00:00.000Z', endsAt: '2026-12-02T10:00:00.000Z' }, [
      { email: 'bob@example.test', name: null, role: 'optional' },
    ]);
    aBooking(db, room.id, bob.id, { startsAt: '2026-12-02T11:00:00.000Z', endsAt: '2026-12-02T12:00:00.000Z' }, [
      { email: 'bob@example.test', name: null, role: 'required' },
    ]);
    const invited = listBookingsForAttendee(db, 'bob@example.test', bob.id, '2026-12-01T00:00:00.000Z', '2026-12-31T00:00:00.000Z');
    assert.deepEqual(
      invited.map((b) => b.id),
      [sooner, later],
    );
  });
});
