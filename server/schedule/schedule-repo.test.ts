// The schedule repository (device tokens, the data version) on SQLite and on PostgreSQL: the same functions and SQL
// texts (sql-dialect.ts differs). The data version's triggers are the engines' own (migrations), tested here alike.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aBooking, aRoom, aUser, AT } from '../test/repo-fixtures.ts';
import { replaceAttendees, updateBookingRow } from '../bookings/repo.ts';
import { recordCheckin, upsertBuildingDefault, upsertRoomChoice } from '../checkin/repo.ts';
import { findLiveTokenByHash, findToken, insertToken, listTokens, revokeTokenRow, scheduleVersion, touchToken } from './repo.ts';

onBothEngines('schedule repository', (engine) => {
  beforeEach(() => engine().reset());

  test('device tokens: rooms and language kept, found live by hash, listed live first and newest first, revoked once', () => {
    const { db } = engine();
    const [r1, r2] = [aRoom(db), aRoom(db)];
    const admin = aUser(db);
    const older = insertToken(db, {
      label: 'Feed',
      hash: 'h-old',
      hint: '1111',
      showSubjects: true,
      createdById: admin.id,
      at: '2026-11-30T08:00:00.000Z',
      roomIds: [],
    });
    const door = insertToken(db, {
      label: 'Door',
      hash: 'h-door',
      hint: '2222',
      showSubjects: false,
      createdById: null,
      at: AT,
      roomIds: [r2.id, r1.id],
      locale: 'hu',
    });
    const gone = insertToken(db, {
      label: 'Gone',
      hash: 'h-gone',
      hint: '3333',
      showSubjects: false,
      createdById: null,
      at: '2026-12-01T09:00:00.000Z',
      roomIds: [r1.id],
    });
    const t = findToken(db, door)!;
    assert.deepEqual([t.roomIds, t.locale, t.showSubjects, t.revokedAt], [[r1.id, r2.id], 'hu', false, null]);
    assert.deepEqual(findToken(db, older)?.roomIds, []);
    assert.equal(revokeTokenRow(db, gone, '2026-12-01T10:00:00.000Z'), true);
    assert.equal(revokeTokenRow(db, gone, '2026-12-01T11:00:00.000Z'), false);
    assert.equal(findLiveTokenByHash(db, 'h-gone'), undefined);
    assert.equal(findLiveTokenByHash(db, 'h-door')?.id, door);
    assert.deepEqual(
      listTokens(db).map((x) => x.id),
      [door, older, gone],
    );
    touchToken(db, door, '2026-12-01T12:00:00.000Z');
    assert.equal(findToken(db, door)?.lastUsedAt, '2026-12-01T12:00:00.000Z');
  });

  test('the data version moves with every change the schedule reads, in the same transaction, and not on reads', () => {
    const { db } = engine();
    const v0 = scheduleVersion(db)!;
    assert.equal(typeof v0, 'number');
    const alice = aUser(db);
    const room = aRoom(db);
    const v1 = scheduleVersion(db)!;
    assert.ok(v1 > v0, 'user and room');
    const id = aBooking(db, room.id, alice.id);
    const v2 = scheduleVersion(db)!;
    assert.ok(v2 > v1, 'booking');
    updateBookingRow(db, id, { state: 'booked' }, AT);
    const v3 = scheduleVersion(db)!;
    assert.ok(v3 > v2, 'booking change');
    replaceAttendees(db, id, [{ email: 'bob@example.test', name: null, role: 'required' }]);
    const v4 = scheduleVersion(db)!;
    assert.ok(v4 > v3, 'attendees');
    recordCheckin(db, id, 'alice', AT);
    const v5 = scheduleVersion(db)!;
    assert.ok(v5 > v4, 'check-in');
    upsertRoomChoice(db, room.id, { required: true }, AT);
    upsertBuildingDefault(db, 'Main', { required: true, opensBeforeMin: 5, closesAfterMin: 10, releaseAction: 'release-room' }, AT);
    const v6 = scheduleVersion(db)!;
    assert.ok(v6 > v5, 'check-in settings (0013)');
    findToken(db, 1);
    assert.equal(scheduleVersion(db), v6);
    // A rolled-back change leaves the version as it was.
    assert.throws(() =>
      db.transaction(() => {
        updateBookingRow(db, id, { subject: 'x' }, AT);
        throw new Error('abort');
      })(),
    );
    assert.equal(scheduleVersion(db), v6);
  });
});
