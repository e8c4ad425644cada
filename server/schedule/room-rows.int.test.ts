// The day view keeps each room's meetings and rendered row between changes (room-items.ts, row-html.ts keptRow):
// after a change, the changed room's row is new and every other row is the same bytes as before, and every row is
// what a process that kept nothing would draw (a second connection has no kept rooms; rows rendered from their
// models, which cannot go stale). The changes are written straight to the tables, as any writer would.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { checkinLabels } from '../checkin/service.ts';
import { openDatabase, type Db } from '../db/connection.ts';
import type { Room } from '../rooms/service.ts';
import { listEquipment } from '../rooms/service.ts';
import { runInLocale } from '../i18n/context.ts';
import type { Locale } from '../i18n/catalog.ts';
import type { Clock } from '../context.ts';
import { aBooking, aRoom, demoPeople, someRooms } from '../test/factories.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { presentDay } from './present.ts';
import { rowHtml } from './row-html.ts';
import { listDaySchedule } from './service.ts';

const ZONE = 'Europe/London';
const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');
const at = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: ZONE }).toUTC().toISO()!;

/** Each row of a day view page by its id (room-N). */
function rowsOf(html: string): Map<string, string> {
  return new Map([...html.matchAll(/<li class="row" id="(room-\d+)">.*?<\/li>/gs)].map((m) => [m[1]!, m[0]]));
}

describe('day view rows kept per room between changes', () => {
  let app: TestApp;
  const now = DateTime.fromISO(`${day}T07:00`, { zone: ZONE });
  const clock: Clock = { now: () => now.toUTC() };
  let rita: TestBrowser;
  let rooms: Map<string, Room>;
  let fresh: Db;
  let previous: Map<string, string>;
  const id = (alias: string) => `room-${rooms.get(alias)!.id}`;

  /** The rows a process that kept nothing draws, from its own connection. */
  function reference(locale: Locale): Map<string, string> {
    return runInLocale(locale, () => {
      const ctx = { ...app.ctx, db: fresh, checkinLabels };
      const model = presentDay(listDaySchedule(ctx, { date: day, equipment: [] }), listEquipment(ctx), { date: day });
      return new Map(
        model.buildings.flatMap((b) => b.floors.flatMap((f) => f.rows)).map((r) => [`room-${/room-(\d+)/.exec(rowHtml(r))![1]}`, rowHtml(r).trimEnd()]),
      );
    });
  }

  /** The page now; asserts it matches the reference and that only `changed` rows differ from the page before. */
  async function expectOnly(changed: string[], locale: Locale = 'en'): Promise<Map<string, string>> {
    const res = await rita.get(`/schedule?date=${day}`, locale === 'hu' ? { 'accept-language': 'hu' } : {});
    assert.equal(res.status, 200);
    const rows = rowsOf(await res.text());
    assert.equal(rows.size, rooms.size);
    assert.deepEqual(rows, reference(locale), 'every row as a process that kept nothing draws it');
    if (previous)
      for (const [key, html] of rows) assert.equal(html === previous.get(key), !changed.includes(key), `${key} ${changed.includes(key) ? 'changed' : 'kept'}`);
    previous = rows;
    return rows;
  }

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' }, clock);
    const people = await demoPeople(app.ctx);
    rooms = someRooms(app.ctx, { trent: {}, avon: { capacity: 4 }, severn: { capacity: 8 }, wye: { capacity: 2 } });
    rita = new TestBrowser(app.url);
    await rita.signIn('rita');
    await aBooking(app.ctx, { room: rooms.get('trent')!, organizer: people.alice, date: day, start: '10:00', end: '11:00', subject: 'Budget' });
    await aBooking(app.ctx, { room: rooms.get('avon')!, organizer: people.bob, date: day, start: '12:00', end: '13:00', subject: 'Lunch talk' });
    // The outbox is not drained: a sent booking asks the reconciler to read its room a second later, which would
    // change rows while the test looks (the bookings stay pending, which the rows show like any state).
    fresh = openDatabase(app.ctx.db.name);
  });
  after(async () => {
    fresh?.close();
    await app.close();
  });

  const bookingIn = (alias: string) =>
    app.ctx.db.prepare<[number], { id: number; uid: string }>('SELECT id, uid FROM bookings WHERE room_id = ?').get(rooms.get(alias)!.id)!;

  test('a booking changed in one room: that row is new, every other row the same bytes', async () => {
    await expectOnly([]);
    app.ctx.db.prepare("UPDATE bookings SET subject = 'Budget, revised' WHERE id = ?").run(bookingIn('trent').id);
    const rows = await expectOnly([id('trent')]);
    assert.match(rows.get(id('trent'))!, /Budget, revised/);
  });

  test('an Outlook meeting, a check-in, a room edit and a booking moved to another room each change their rooms only', async () => {
    app.ctx.db
      .prepare('INSERT INTO external_bookings (room_id, uid, subject, organizer, starts_at, ends_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(rooms.get('severn')!.id, 'outlook-1', 'Board call', 'carol@example.com', at('14:00'), at('15:00'), at('07:00'));
    assert.match((await expectOnly([id('severn')])).get(id('severn'))!, /Board call/);

    app.ctx.db.prepare("INSERT INTO booking_checkins (booking_id, checked_in_at, checked_in_by) VALUES (?, ?, 'rita')").run(bookingIn('avon').id, at('12:01'));
    await expectOnly([id('avon')]);

    app.ctx.db.prepare("UPDATE rooms SET name = 'Wye (quiet)' WHERE id = ?").run(rooms.get('wye')!.id);
    assert.match((await expectOnly([id('wye')])).get(id('wye'))!, /Wye \(quiet\)/);

    app.ctx.db.prepare('UPDATE bookings SET room_id = ? WHERE id = ?').run(rooms.get('wye')!.id, bookingIn('avon').id);
    await expectOnly([id('avon'), id('wye')]);

    // A new room: the kept rooms directory is read again, and the other rows stay.
    rooms.set('dee', aRoom(app.ctx, { alias: 'dee', capacity: 8 }));
    await expectOnly([id('dee')]);
  });

  test("rules across rooms: an Outlook copy of another room's booking is hidden, and shown again when the booking's uid changes", async () => {
    const trent = bookingIn('trent');
    app.ctx.db
      .prepare('INSERT INTO external_bookings (room_id, uid, subject, organizer, starts_at, ends_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(rooms.get('severn')!.id, trent.uid, 'Copy of Budget', 'alice@example.com', at('16:00'), at('16:30'), at('07:00'));
    assert.doesNotMatch((await expectOnly([])).get(id('severn'))!, /Copy of Budget/);
    // Only trent's counter moves, yet severn's row changes: the rule's outcome is part of severn's stamp.
    app.ctx.db.prepare("UPDATE bookings SET uid = 'another-uid' WHERE id = ?").run(trent.id);
    assert.match((await expectOnly([id('severn')])).get(id('severn'))!, /Copy of Budget/);
  });

  test("a person's new name changes the rows of their meetings; a sign-in changes nothing; Hungarian rows are Hungarian", async () => {
    app.ctx.db.prepare("UPDATE users SET display_name = 'Alice Archer' WHERE username = 'alice'").run();
    assert.match((await expectOnly([id('trent')])).get(id('trent'))!, /Alice Archer/);
    const sinceSignIn = app.ctx.db.prepare<[], { version: number }>('SELECT version FROM schedule_room_versions WHERE room_id = 0').get()?.version;
    await new TestBrowser(app.url).signIn('bob');
    assert.equal(app.ctx.db.prepare<[], { version: number }>('SELECT version FROM schedule_room_versions WHERE room_id = 0').get()?.version, sinceSignIn);
    await expectOnly([]);
    const hu = await expectOnly([...rooms.keys()].map(id), 'hu');
    assert.match(hu.get(id('severn'))!, /Szabad/);
  });

  test('the people exempt from check-in: adding or removing one redraws the rows of their meetings, and only those', async () => {
    // Back in English after the Hungarian page: every row differs from that one.
    await expectOnly([...rooms.keys()].map(id));
    const userId = (name: string) => app.ctx.db.prepare<[string], { id: number }>('SELECT id FROM users WHERE username = ?').get(name)!.id;
    const exempt = app.ctx.db.prepare("INSERT INTO checkin_exempt_people (user_id, added_by, added_at) VALUES (?, 'adam', ?)");
    const notExempt = app.ctx.db.prepare('DELETE FROM checkin_exempt_people WHERE user_id = ?');
    // Alice organizes trent's meeting: it now reads "no check-in needed"; every other row keeps its bytes, although
    // the list moves the counter that every room's stamp includes (room 0).
    exempt.run(userId('alice'), at('07:00'));
    const withAlice = await expectOnly([id('trent')]);
    assert.match(withAlice.get(id('trent'))!, /ck-exempt/);
    // Bob's meeting (now in wye) was checked in: that label stays, so no row changes.
    exempt.run(userId('bob'), at('07:00'));
    assert.doesNotMatch((await expectOnly([])).get(id('wye'))!, /ck-exempt/);
    // Off the list again: trent's meeting loses the label.
    notExempt.run(userId('alice'));
    assert.doesNotMatch((await expectOnly([id('trent')])).get(id('trent'))!, /ck-exempt/);
    notExempt.run(userId('bob'));
    await expectOnly([]);
  });

  test("a change on another day moves the room's counter but keeps its row, the day's fingerprint and so the page; on the day it redraws the row", async () => {
    const fingerprint = () => listDaySchedule({ ...app.ctx, checkinLabels }, { date: day, equipment: [] }).fingerprint;
    await expectOnly([]);
    const before = fingerprint();
    assert.ok(before);
    const nextWeek = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: ZONE }).plus({ days: 7 }).toUTC().toISO()!;
    const counter = () =>
      app.ctx.db.prepare<[number], { version: number }>('SELECT version FROM schedule_room_versions WHERE room_id = ?').get(rooms.get('trent')!.id)!.version;
    const moved = counter();
    app.ctx.db
      .prepare('INSERT INTO external_bookings (room_id, uid, subject, organizer, starts_at, ends_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(rooms.get('trent')!.id, 'outlook-next-week', 'Next week', 'carol@example.com', nextWeek('09:00'), nextWeek('10:00'), at('07:00'));
    assert.notEqual(counter(), moved, "trent's counter moved");
    await expectOnly([]);
    assert.equal(fingerprint(), before, 'nothing on the day changed: the day view keeps its model and pages');
    // The same meeting moved onto the day: trent's row shows it.
    app.ctx.db.prepare("UPDATE external_bookings SET starts_at = ?, ends_at = ? WHERE uid = 'outlook-next-week'").run(at('16:00'), at('17:00'));
    assert.match((await expectOnly([id('trent')])).get(id('trent'))!, /Next week/);
    assert.notEqual(fingerprint(), before);
    // A room's own edit is on the day too, although no meeting changed.
    const withMeeting = fingerprint();
    app.ctx.db.prepare("UPDATE rooms SET name = 'Trent (big)' WHERE id = ?").run(rooms.get('trent')!.id);
    assert.match((await expectOnly([id('trent')])).get(id('trent'))!, /Trent \(big\)/);
    assert.notEqual(fingerprint(), withMeeting);
  });
});
