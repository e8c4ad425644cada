import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { postgresClient } from '../db/postgres.ts';
import { sqliteClient, type SqlClient } from '../db/sql.ts';
import { startTestPostgres, type TestPostgres } from '../test/postgres.ts';
import { countSessions, deleteExpiredSessions, deleteSession, readSession, sessionRows, writeSession } from './session.repo.ts';

// The same repository code and SQL text on both engines: SQLite (the app's default) and a real PostgreSQL.
const PG_SCHEMA = fileURLToPath(new URL('../../db/postgres/0001-sessions.sql', import.meta.url));

function contract(engine: string, open: () => Promise<{ db: SqlClient; clear(): Promise<void>; close(): Promise<void> }>) {
  describe(`session repository on ${engine}`, () => {
    let h: Awaited<ReturnType<typeof open>>;
    before(async () => {
      h = await open();
    });
    after(async () => {
      await h.close();
    });

    test('writes, reads back until expiry, overwrites and deletes a session', async () => {
      await h.clear();
      const now = Date.now();
      await writeSession(h.db, 'a', '{"n":1}', now + 60_000);
      assert.deepEqual(await readSession(h.db, 'a', now), { data: '{"n":1}', expiresAt: now + 60_000 });
      assert.equal((await readSession(h.db, 'a', now + 60_000))?.data, undefined, 'expired at its expiry');
      await writeSession(h.db, 'a', '{"n":2}', now + 120_000);
      assert.equal((await readSession(h.db, 'a', now + 90_000))?.data, '{"n":2}');
      assert.equal(await countSessions(h.db), 1);
      await deleteSession(h.db, 'a');
      assert.equal((await readSession(h.db, 'a', now))?.data, undefined);
      assert.equal(await countSessions(h.db), 0);
    });

    test('the purge deletes expired sessions only and says how many', async () => {
      await h.clear();
      const now = Date.now();
      await writeSession(h.db, 'old-1', '{}', now - 1);
      await writeSession(h.db, 'old-2', '{}', now);
      await writeSession(h.db, 'live', '{}', now + 1);
      assert.equal(await deleteExpiredSessions(h.db, now), 2);
      assert.equal(await countSessions(h.db), 1);
      assert.equal((await readSession(h.db, 'live', now))?.data, '{}');
    });

    test('session ids and data are parameters, never SQL', async () => {
      await h.clear();
      const sid = "x'; DROP TABLE sessions; --?";
      await writeSession(h.db, sid, '{"q":"?"}', Date.now() + 1000);
      assert.equal((await readSession(h.db, sid, Date.now()))?.data, '{"q":"?"}');
    });
  });
}

contract('SQLite', async () => {
  const raw = openDatabase(':memory:');
  migrate(raw);
  const db = sqliteClient(raw);
  return {
    db,
    clear: async () => void raw.exec('DELETE FROM sessions'),
    close: async () => {
      raw.close();
    },
  };
});

contract('PostgreSQL', async () => {
  const pg: TestPostgres = await startTestPostgres();
  await pg.exec(PG_SCHEMA);
  return { db: postgresClient(pg.pool), clear: async () => void (await pg.pool.query('DELETE FROM sessions')), close: () => pg.stop() };
});

describe("the session layer's synchronous rows on the app's connection", () => {
  test('the same statements: written when the call returns, read back until expiry, removed', () => {
    const raw = openDatabase(':memory:');
    migrate(raw);
    try {
      const rows = sessionRows(raw);
      const now = Date.now();
      rows.write('s1', '{"a":1}', now + 1000);
      assert.deepEqual(rows.read('s1', now), { data: '{"a":1}', expiresAt: now + 1000 });
      assert.equal(rows.read('s1', now + 1000), undefined, 'expired at its expiry');
      rows.write('s1', '{"a":2}', now + 2000);
      assert.equal(rows.read('s1', now)?.data, '{"a":2}');
      rows.remove('s1');
      assert.equal(rows.read('s1', now), undefined);
    } finally {
      raw.close();
    }
  });
});
