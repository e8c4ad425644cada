// The users repository on SQLite and on PostgreSQL: the same functions and SQL texts (sql-dialect.ts differs).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aUser } from '../test/repo-fixtures.ts';
import {
  countAdmins,
  findCredentials,
  findUserById,
  findUsersByEmails,
  insertUser,
  listUsers,
  touchLastLogin,
  updateUserAccess,
  updateUserLocale,
} from './repo.ts';

onBothEngines('users repository', (engine) => {
  beforeEach(() => engine().reset());

  test('a user is found by id, by user name without case (with the hash) and by addresses without case', () => {
    const { db } = engine();
    const alice = insertUser(db, {
      username: 'Alice',
      displayName: 'Alice A',
      email: 'Alice@Example.test',
      passwordHash: 'hash',
      role: 'admin',
      source: 'local',
      createdAt: '2026-12-01T08:00:00.000Z',
    });
    assert.deepEqual(findUserById(db, alice.id), alice);
    assert.equal(alice.active, true);
    assert.equal(alice.locale, null);
    assert.equal(findCredentials(db, 'alice')?.passwordHash, 'hash');
    assert.equal(findCredentials(db, 'nobody'), undefined);
    const bob = aUser(db, { email: 'bob@example.test' });
    assert.deepEqual(
      findUsersByEmails(db, ['ALICE@example.test', 'bob@EXAMPLE.test', 'x@example.test'])
        .map((u) => u.id)
        .sort((a, b) => a - b),
      [alice.id, bob.id],
    );
    assert.deepEqual(findUsersByEmails(db, []), []);
    assert.throws(() => aUser(db, { username: 'ALICE' }), 'user names are unique without case');
  });

  test('lists by display name without case; role, activity, language and last sign-in are written', () => {
    const { db } = engine();
    const z = aUser(db, { displayName: 'zoe' });
    const a = aUser(db, { displayName: 'Adam', role: 'admin' });
    const m = aUser(db, { displayName: 'Mia' });
    assert.deepEqual(
      listUsers(db).map((u) => u.id),
      [a.id, m.id, z.id],
    );
    assert.equal(countAdmins(db), 1);
    updateUserAccess(db, m.id, 'admin', true);
    updateUserAccess(db, a.id, 'admin', false);
    assert.equal(countAdmins(db), 1);
    updateUserLocale(db, z.id, 'hu');
    touchLastLogin(db, z.id, '2026-12-01T09:00:00.000Z');
    const zoe = findUserById(db, z.id)!;
    assert.deepEqual([zoe.locale, zoe.lastLoginAt], ['hu', '2026-12-01T09:00:00.000Z']);
    assert.equal(findUserById(db, a.id)?.active, false);
  });
});
