// Passes of the reconciler never overlap: a room check (after a submission) and a full pass read and write the same
// bookings, so running both at once judged stale rows and recorded the same change twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import { openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import type { ExchangeGateway } from '../exchange/gateway.ts';
import { Reconciler } from './reconciler.ts';
import { aRoom } from '../test/factories.ts';

test('a room check and a full pass asked for at once run one after the other, never together', async () => {
  let inFlight = 0;
  let most = 0;
  let reads = 0;
  const gateway = {
    // Each read takes a moment, so a second pass started meanwhile would overlap it.
    listCalendar: async () => {
      inFlight++;
      reads++;
      most = Math.max(most, inFlight);
      await sleep(25);
      inFlight--;
      return [];
    },
    listResponses: async () => [],
  } as unknown as ExchangeGateway;
  const db = openDatabase(':memory:');
  migrate(db);
  const config = { reconcileIntervalSeconds: 0, reconcileDays: 14 } as Config;
  const ctx: AppContext = { config, db, clock: { now: () => DateTime.utc() }, log: pino({ level: 'silent' }), gateway, wakeOutbox: () => undefined };
  const room = aRoom(ctx, { alias: 'thames', capacity: 8, building: 'HQ', horizonDays: 30 });
  const reconciler = new Reconciler(ctx);

  reconciler.checkRoomSoon(room.id, 0);
  const full = reconciler.runNow();
  await sleep(5); // the room check's timer has fired: it is queued behind the full pass
  await full;
  await reconciler.stop(); // waits for the queued room check too

  assert.ok(reads >= 2, `both passes read the room (${reads} reads)`);
  assert.equal(most, 1, 'no two calendar reads were in flight at once');
});
