// The connection's kept statements (connection.ts keepStatements): one compile per text, and one caller's mode never
// leaks into the next caller's rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from './connection.ts';

test('the same text answers the same statement, compiled once', () => {
  const db = openDatabase(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
  const a = db.prepare('SELECT name FROM t WHERE id = ?');
  const b = db.prepare('SELECT name FROM t WHERE id = ?');
  assert.equal(a, b);
  assert.notEqual(db.prepare('SELECT id FROM t'), a);
  db.close();
});

test('a raw, plucked or expanded statement is handed to the next caller in its default mode', () => {
  const db = openDatabase(':memory:');
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('Wye')");
  const sql = 'SELECT id, name FROM t';
  assert.deepEqual(db.prepare(sql).raw().all(), [[1, 'Wye']]);
  assert.deepEqual(db.prepare(sql).all(), [{ id: 1, name: 'Wye' }]);
  assert.deepEqual(db.prepare(sql).pluck().all(), [1]);
  assert.deepEqual(db.prepare(sql).get(), { id: 1, name: 'Wye' });
  assert.deepEqual(db.prepare(sql).expand().get(), { t: { id: 1, name: 'Wye' } });
  assert.deepEqual(db.prepare(sql).get(), { id: 1, name: 'Wye' });
  // Writes (no rows, no modes) are kept too, and still run each time.
  db.prepare("INSERT INTO t (name) VALUES ('Zed')").run();
  db.prepare("INSERT INTO t (name) VALUES ('Zed')").run();
  assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 3);
  db.close();
});

test('a statement that does not compile is not kept: the next try compiles again', () => {
  const db = openDatabase(':memory:');
  assert.throws(() => db.prepare('SELECT version FROM later'), /no such table/);
  db.exec('CREATE TABLE later (version INTEGER); INSERT INTO later VALUES (7)');
  assert.deepEqual(db.prepare('SELECT version FROM later').get(), { version: 7 });
  db.close();
});
