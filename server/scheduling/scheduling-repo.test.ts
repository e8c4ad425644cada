// The scheduling repository on SQLite and on PostgreSQL: the same functions and SQL texts (sql-dialect.ts differs).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aUser } from '../test/repo-fixtures.ts';
import { rememberBuilding, saveWorkHours, usualBuilding, workHoursOf } from './repo.ts';

onBothEngines('scheduling repository', (engine) => {
  beforeEach(() => engine().reset());

  test('working hours by address without case, replaced on save', () => {
    const { db } = engine();
    saveWorkHours(db, 'Bob@Example.test', { timeZone: 'Europe/London', start: '08:00', end: '16:00', days: [1, 2, 3, 4, 5] });
    saveWorkHours(db, 'rita@example.test', { timeZone: 'America/New_York', start: '10:00', end: '18:00', days: [1, 2] });
    saveWorkHours(db, 'RITA@example.test', { timeZone: 'America/New_York', start: '09:00', end: '17:00', days: [2, 3, 4] });
    const hours = workHoursOf(db, ['bob@example.test', 'Rita@Example.test', 'nobody@example.test']);
    assert.deepEqual([...hours.keys()].sort(), ['bob@example.test', 'rita@example.test']);
    assert.deepEqual(hours.get('rita@example.test'), { timeZone: 'America/New_York', start: '09:00', end: '17:00', days: [2, 3, 4] });
    assert.deepEqual(hours.get('bob@example.test')?.days, [1, 2, 3, 4, 5]);
    assert.equal(workHoursOf(db, []).size, 0);
    assert.throws(() => saveWorkHours(db, 'x@example.test', { timeZone: 'UTC', start: '17:00', end: '09:00', days: [1] }), 'start before end');
  });

  test('the remembered building', () => {
    const { db } = engine();
    const alice = aUser(db);
    assert.equal(usualBuilding(db, alice.id), null);
    rememberBuilding(db, alice.id, 'Main');
    rememberBuilding(db, alice.id, 'Annex');
    assert.equal(usualBuilding(db, alice.id), 'Annex');
    rememberBuilding(db, alice.id, null);
    assert.equal(usualBuilding(db, alice.id), null);
  });
});
