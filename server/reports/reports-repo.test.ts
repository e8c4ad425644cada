// The report's repository on SQLite and on PostgreSQL: the same functions and SQL texts (sql-dialect.ts differs).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aBooking, aRoom, aUser, AT } from '../test/repo-fixtures.ts';
import { replaceExternalBookings, updateBookingRow } from '../bookings/repo.ts';
import { recordCheckin, recordRelease, setExempt } from '../checkin/repo.ts';
import { countRoomDays, listHeldBookings, listOutlookOnly, listReleased, roomDayVersion, saveRoomDays, type RoomDayRow } from './repo.ts';

const START = '2026-12-01T00:00:00.000Z';
const END = '2026-12-08T00:00:00.000Z';

onBothEngines('reports repository', (engine) => {
  beforeEach(() => engine().reset());

  test('held bookings with attendee counts and check-in facts, Outlook-only meetings, released no-shows (rows as arrays)', () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const other = aRoom(db);
    const at = (d: number, h: number) => `2026-12-0${d}T${String(h).padStart(2, '0')}:00:00.000Z`;
    const held = aBooking(db, room.id, alice.id, { startsAt: at(2, 9), endsAt: at(2, 10) }, [
      { email: 'bob@example.test', name: null, role: 'required' },
      { email: 'rita@example.test', name: null, role: 'optional' },
    ]);
    recordCheckin(db, held, 'alice', at(2, 9));
    const exempt = aBooking(db, room.id, alice.id, { startsAt: at(3, 9), endsAt: at(3, 10) });
    setExempt(db, exempt, true, 'reception');
    const released = aBooking(db, room.id, alice.id, { startsAt: at(4, 9), endsAt: at(4, 10), uid: 'own-uid' });
    recordRelease(db, released, { reason: 'no-show', action: 'release-room', note: 'n' }, at(4, 9));
    updateBookingRow(db, released, { state: 'cancelled' }, AT);
    aBooking(db, room.id, alice.id, { startsAt: '2026-12-09T09:00:00.000Z', endsAt: '2026-12-09T10:00:00.000Z' }); // after the period
    aBooking(db, other.id, alice.id, { startsAt: at(2, 9), endsAt: at(2, 10) });

    assert.deepEqual(listHeldBookings(db, [room.id], START, END), [
      [room.id, at(2, 9), at(2, 10), 2, at(2, 9), 0],
      [room.id, at(3, 9), at(3, 10), 0, null, 1],
    ]);
    assert.deepEqual(listReleased(db, [room.id, other.id], START, END), [[room.id, at(4, 9), at(4, 10), 0, null, 0]]);

    replaceExternalBookings(
      db,
      room.id,
      START,
      END,
      [
        { uid: 'outlook-1', subject: 'O', organizer: 'o@example.test', startsAt: at(5, 9), endsAt: at(5, 11) },
        { uid: 'own-uid', subject: 'copy of ours', organizer: 'alice@example.test', startsAt: at(4, 9), endsAt: at(4, 10) },
      ],
      AT,
    );
    assert.deepEqual(listOutlookOnly(db, [room.id], START, END), [[room.id, at(5, 9), at(5, 11)]]);
  });

  test("stored summaries counted per room over a range of days, and one room's counter", () => {
    const { db } = engine();
    const alice = aUser(db);
    const room = aRoom(db);
    const other = aRoom(db);
    const row = (roomId: number, day: string): RoomDayRow => [roomId, day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null];
    saveRoomDays(db, [row(room.id, '2026-11-01'), row(room.id, '2026-11-02'), row(room.id, '2026-11-20'), row(other.id, '2026-11-02')]);
    assert.deepEqual(
      [...countRoomDays(db, '2026-11-01', '2026-11-10')].sort((a, b) => a[0] - b[0]),
      [
        [room.id, 2],
        [other.id, 1],
      ].sort((a, b) => a[0]! - b[0]!),
    );
    assert.equal(countRoomDays(db, '2026-12-01', '2026-12-31').size, 0);
    const before = roomDayVersion(db, room.id);
    assert.equal(roomDayVersion(db, other.id), before, 'no summary of either was ever deleted');
    aBooking(db, room.id, alice.id, { startsAt: '2026-11-02T09:00:00.000Z', endsAt: '2026-11-02T10:00:00.000Z' });
    assert.ok(roomDayVersion(db, room.id) > before, 'a booking forgot its days: the counter moved');
    assert.equal(countRoomDays(db, '2026-11-01', '2026-11-10').get(room.id), undefined, 'the 1st and 2nd were forgotten (the days beside the booking too)');
  });
});
