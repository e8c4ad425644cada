// The rooms repository on SQLite and on PostgreSQL: the same functions and SQL texts (sql-dialect.ts differs).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aRoom, AT } from '../test/repo-fixtures.ts';
import {
  findEquipment,
  findMailboxClash,
  findRoom,
  findRoomByAlias,
  insertEquipment,
  listBuildings,
  listEquipment,
  queryRooms,
  setRoomActiveRow,
  updateRoomRow,
} from './repo.ts';

onBothEngines('rooms repository', (engine) => {
  beforeEach(() => engine().reset());

  test('a room with its equipment, found by id and by alias without case', () => {
    const { db } = engine();
    const room = aRoom(db, { alias: 'Trent', email: 'Trent@Example.test', equipment: ['video', 'projector', 'video'], mailboxUnverified: 'unknown' });
    assert.deepEqual(room.equipment, ['projector', 'video']);
    assert.equal(room.active, true);
    assert.equal(room.mailboxUnverified, 'unknown');
    assert.deepEqual(findRoom(db, room.id), room);
    assert.equal(findRoomByAlias(db, 'trent')?.id, room.id);
    assert.equal(findRoom(db, room.id + 100), undefined);
    assert.deepEqual(aRoom(db).equipment, []);
  });

  test('queryRooms filters by building, seats, every piece of equipment and activity, sorted by building, floor, name', () => {
    const { db } = engine();
    const a = aRoom(db, { name: 'beta', building: 'Annex', floor: '1', capacity: 4, equipment: ['video'] });
    const b = aRoom(db, { name: 'Alpha', building: 'Annex', floor: '1', capacity: 10, equipment: ['video', 'projector'] });
    const c = aRoom(db, { name: 'Gamma', building: 'Main', floor: '2', capacity: 12, equipment: ['projector'] });
    const d = aRoom(db, { name: 'Delta', building: 'Main', floor: '1', capacity: 20, active: false });
    const ids = (q: Parameters<typeof queryRooms>[1]) => queryRooms(db, q).map((r) => r.id);
    assert.deepEqual(ids({}), [b.id, a.id, c.id], 'Alpha before beta: the name sorts without case');
    assert.deepEqual(ids({ includeInactive: true }), [b.id, a.id, d.id, c.id]);
    assert.deepEqual(ids({ building: 'Annex' }), [b.id, a.id]);
    assert.deepEqual(ids({ minCapacity: 10 }), [b.id, c.id]);
    assert.deepEqual(ids({ equipment: ['video', 'projector'] }), [b.id]);
    assert.deepEqual(ids({ equipment: ['projector'], minCapacity: 11 }), [c.id]);
    assert.deepEqual(listBuildings(db), ['Annex', 'Main']);
  });

  test('updates, deactivates, and tells which other room uses an alias or address (without case)', () => {
    const { db } = engine();
    const a = aRoom(db, { alias: 'avon', email: 'avon@example.test' });
    const b = aRoom(db, { alias: 'severn', email: 'severn@example.test' });
    const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = b;
    const changed = updateRoomRow(db, b.id, { ...fields, name: 'Severn 2', capacity: 6, equipment: ['whiteboard'] }, '2026-12-01T09:00:00.000Z');
    assert.deepEqual([changed.name, changed.capacity, changed.equipment, changed.updatedAt], ['Severn 2', 6, ['whiteboard'], '2026-12-01T09:00:00.000Z']);
    setRoomActiveRow(db, a.id, false, AT);
    assert.equal(findRoom(db, a.id)?.active, false);
    assert.deepEqual(findMailboxClash(db, 'AVON', 'nobody@example.test', null), { alias: true, email: false });
    assert.deepEqual(findMailboxClash(db, 'x', 'Severn@Example.TEST', null), { alias: false, email: true });
    assert.deepEqual(findMailboxClash(db, 'severn', 'severn@example.test', b.id), { alias: false, email: false }, 'its own names');
  });

  test('equipment: the seeded list sorted by label without case, added and found', () => {
    const { db } = engine();
    insertEquipment(db, { code: 'dock', label: 'docking station' });
    const labels = listEquipment(db).map((e) => e.label);
    assert.deepEqual(labels, ['Conference phone', 'docking station', 'Projector', 'Video conferencing', 'Wheelchair access', 'Whiteboard']);
    assert.deepEqual(findEquipment(db, 'dock'), { code: 'dock', label: 'docking station' });
    assert.equal(findEquipment(db, 'nope'), undefined);
    assert.throws(() => insertEquipment(db, { code: 'dock', label: 'again' }));
  });
});
