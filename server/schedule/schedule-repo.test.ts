// The schedule repository (device tokens, the data version) on SQLite and on PostgreSQL: the same functions and SQL
// texts (sql-dialect.ts differs). The data version's triggers are the engines' own (migrations), tested here alike.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aBooking, aRoom, aUser, AT } from '../test/repo-fixtures.ts';
import { replaceAttendees, updateBookingRow } from '../bookings/repo.ts';
import { recordCheckin, upsertBuildingDefault, upsertRoomChoice } from '../checkin/repo.ts';
import { findLiveTokenByHash, findToken, insertToken, listTokens, revokeTokenRow, scheduleRoomVersions, scheduleVersion, touchToken } from './repo.ts';

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

  test('per-room counters (0017): a change moves its own room only; people and building defaults move room 0, rooms the directory (-1)', () => {
    const { db } = engine();
    const alice = aUser(db);
    const [a, b] = [aRoom(db), aRoom(db)];
    const id = aBooking(db, a.id, alice.id);
    const at = () => scheduleRoomVersions(db)!;
    const before = at();
    const moved = (v: ReadonlyMap<number, number>, w: ReadonlyMap<number, number>) =>
      [-1, 0, a.id, b.id].filter((r) => (v.get(r) ?? 0) !== (w.get(r) ?? 0)).map((r) => (r === a.id ? 'a' : r === b.id ? 'b' : String(r)));
    const step = (what: string, change: () => void, expected: string[]) => {
      const v = at();
      change();
      assert.deepEqual(moved(v, at()), expected, what);
    };
    assert.ok((before.get(a.id) ?? 0) > 0 && (before.get(-1) ?? 0) > 0, 'room inserts');
    step('booking', () => updateBookingRow(db, id, { state: 'booked' }, AT), ['a']);
    step('attendees', () => replaceAttendees(db, id, [{ email: 'bob@example.test', name: null, role: 'required' }]), ['a']);
    step('check-in', () => recordCheckin(db, id, 'alice', AT), ['a']);
    step('room setting', () => upsertRoomChoice(db, b.id, { required: true }, AT), ['b']);
    step(
      'building default',
      () => upsertBuildingDefault(db, 'Main', { required: true, opensBeforeMin: 5, closesAfterMin: 10, releaseAction: 'release-room' }, AT),
      ['0'],
    );
    step('a person renamed', () => db.prepare("UPDATE users SET display_name = 'Alice A' WHERE id = ?").run(alice.id), ['0']);
    step('a sign-in', () => db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(AT, alice.id), []);
    step('a room renamed', () => db.prepare("UPDATE rooms SET name = 'Renamed' WHERE id = ?").run(b.id), ['-1', 'b']);
    step('a booking moved', () => db.prepare('UPDATE bookings SET room_id = ? WHERE id = ?').run(b.id, id), ['a', 'b']);
  });
});
