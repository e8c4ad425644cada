import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import pino from 'pino';
import type { Config } from '../config.ts';
import { openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { PurgeScheduler, type PurgeResult } from './purge.ts';

test('each purge is logged with its table and count, and told to the observer', async () => {
  const db = openDatabase(':memory:');
  migrate(db);
  const now = DateTime.fromISO('2026-12-01T10:00:00Z', { zone: 'utc' });
  db.prepare(`INSERT INTO audit_events (at, actor_name, action, entity_type, entity_id) VALUES (?, 't', 'old', 'room', '1')`).run(
    now.minus({ days: 401 }).toISO(),
  );
  db.prepare(`INSERT INTO audit_events (at, actor_name, action, entity_type, entity_id) VALUES (?, 't', 'kept', 'room', '1')`).run(
    now.minus({ days: 399 }).toISO(),
  );
  db.prepare('INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?)').run('gone', '{}', Date.now() - 1);
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const seen: PurgeResult[] = [];
  const config = { retentionDays: 400, sessionPurgeMinutes: 15 } as Config;
  const purge = new PurgeScheduler({ db, clock: { now: () => now }, log: pino({ level: 'info' }, sink), config }, (r) => seen.push(r));
  await purge.runHistory();
  await purge.runSessions();
  const logged = lines.filter((l) => l.event === 'purge.done').map((l) => [l.table, l.deleted]);
  assert.deepEqual(logged, [
    ['audit_events', 1],
    ['outbox_jobs', 0],
    ['sessions', 1],
  ]);
  assert.deepEqual(
    seen.map((r) => r.table),
    ['audit_events', 'outbox_jobs', 'sessions'],
  );
  assert.ok(lines.every((l) => typeof l.ms === 'number'));
  db.close();
});
