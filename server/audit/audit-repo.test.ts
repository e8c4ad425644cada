// The audit repository on SQLite and on PostgreSQL: every statement is one text for both (no sql-dialect.ts needed).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aUser } from '../test/repo-fixtures.ts';
import { insertAuditEvent, listAuditEvents } from './repo.ts';

onBothEngines('audit repository', (engine) => {
  beforeEach(() => engine().reset());

  test('events newest first, filtered by entity, paged, with their JSON before and after', () => {
    const { db } = engine();
    const admin = aUser(db);
    const at = (m: number) => `2026-12-01T09:0${m}:00.000Z`;
    insertAuditEvent(db, {
      at: at(1),
      actorId: admin.id,
      actorName: 'Admin',
      action: 'room.created',
      entityType: 'room',
      entityId: '1',
      before: null,
      after: { name: "O'Brien ?" },
    });
    insertAuditEvent(db, {
      at: at(2),
      actorId: null,
      actorName: 'system',
      action: 'room.updated',
      entityType: 'room',
      entityId: '1',
      before: { a: 1 },
      after: { a: 2 },
    });
    insertAuditEvent(db, {
      at: at(3),
      actorId: admin.id,
      actorName: 'Admin',
      action: 'user.updated',
      entityType: 'user',
      entityId: '7',
      before: undefined,
      after: null,
    });

    const all = listAuditEvents(db, { limit: 10, offset: 0 });
    assert.equal(all.total, 3);
    assert.deepEqual(
      all.events.map((e) => e.action),
      ['user.updated', 'room.updated', 'room.created'],
    );
    assert.deepEqual(all.events[2]!.after, { name: "O'Brien ?" });
    assert.equal(all.events[0]!.before, null);
    assert.equal(all.events[1]!.actorId, null);

    const room = listAuditEvents(db, { entityType: 'room', entityId: '1', limit: 1, offset: 1 });
    assert.equal(room.total, 2);
    assert.deepEqual(
      room.events.map((e) => [e.action, e.before]),
      [['room.created', null]],
    );
    assert.equal(listAuditEvents(db, { entityType: 'user', limit: 10, offset: 0 }).total, 1);
  });
});
