// One room's views (its week, its door display, its feed) are kept by that room's own counters (cache.ts
// cachedUntilRoomsChange): another room's booking leaves them as they are, and every change that concerns the room
// (its meetings, a person's name, the room itself) shows on the next view. The changes are written straight to the
// tables, as any writer would; a second connection, which kept nothing, says what the answer must be.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { checkinLabels } from '../checkin/service.ts';
import { openDatabase, type Db } from '../db/connection.ts';
import type { Room } from '../rooms/service.ts';
import type { Clock } from '../context.ts';
import { aBooking, demoPeople, someRooms } from '../test/factories.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { listScheduleItems } from './bookings-source.ts';

const ZONE = 'Europe/London';
const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');
const start = DateTime.fromISO(day, { zone: ZONE }).startOf('day').toMillis();
const end = start + 86_400_000;

describe("one room's views kept by its own counters", () => {
  let app: TestApp;
  const clock: Clock = { now: () => DateTime.fromISO(`${day}T07:00`, { zone: ZONE }).toUTC() };
  let rita: TestBrowser;
  let rooms: Map<string, Room>;
  let fresh: Db;
  const items = (db: Db, alias: string) => listScheduleItems({ ...app.ctx, db, checkinLabels }, [rooms.get(alias)!.id], start, end);
  const week = async (alias: string) => {
    const res = await rita.get(`/schedule/rooms/${rooms.get(alias)!.id}/week?date=${day}`);
    assert.equal(res.status, 200);
    return res.text();
  };
  const bookingIn = (alias: string) => app.ctx.db.prepare<[number], { id: number }>('SELECT id FROM bookings WHERE room_id = ?').get(rooms.get(alias)!.id)!.id;

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' }, clock);
    const people = await demoPeople(app.ctx);
    rooms = someRooms(app.ctx, { trent: {}, avon: { capacity: 4 } });
    rita = new TestBrowser(app.url);
    await rita.signIn('rita');
    await aBooking(app.ctx, { room: rooms.get('trent')!, organizer: people.alice, date: day, start: '10:00', end: '11:00', subject: 'Budget' });
    await aBooking(app.ctx, { room: rooms.get('avon')!, organizer: people.bob, date: day, start: '12:00', end: '13:00', subject: 'Lunch talk' });
    fresh = openDatabase(app.ctx.db.name);
  });
  after(async () => {
    fresh?.close();
    await app.close();
  });

  test("another room's change keeps a room's meetings; its own change reads them again", () => {
    const before = items(app.ctx.db, 'trent');
    app.ctx.db.prepare("UPDATE bookings SET subject = 'Lunch talk, moved' WHERE id = ?").run(bookingIn('avon'));
    assert.equal(items(app.ctx.db, 'trent'), before, "avon's change: trent's list is the kept one");
    assert.deepEqual(items(app.ctx.db, 'avon'), items(fresh, 'avon'));
    assert.equal(items(app.ctx.db, 'avon')[0]!.subject, 'Lunch talk, moved');

    app.ctx.db.prepare("UPDATE bookings SET subject = 'Budget, revised' WHERE id = ?").run(bookingIn('trent'));
    const after = items(app.ctx.db, 'trent');
    assert.notEqual(after, before);
    assert.deepEqual(after, items(fresh, 'trent'));
    assert.equal(after[0]!.subject, 'Budget, revised');
  });

  test("the week page follows its room's meetings, a person's new name and the room's own edit, not another room's change", async () => {
    const first = await week('trent');
    assert.match(first, /Budget, revised/);
    app.ctx.db.prepare("UPDATE bookings SET subject = 'Lunch talk, again' WHERE id = ?").run(bookingIn('avon'));
    assert.equal(await week('trent'), first, "avon's change: the same page");
    assert.match(await week('avon'), /Lunch talk, again/);

    app.ctx.db.prepare("UPDATE bookings SET subject = 'Budget, final' WHERE id = ?").run(bookingIn('trent'));
    assert.match(await week('trent'), /Budget, final/);
    app.ctx.db.prepare("UPDATE users SET display_name = 'Alice Archer' WHERE username = 'alice'").run();
    assert.match(await week('trent'), /Alice Archer/);
    app.ctx.db.prepare("UPDATE rooms SET name = 'Trent (quiet)' WHERE id = ?").run(rooms.get('trent')!.id);
    assert.match(await week('trent'), /Trent \(quiet\)/);
  });
});
