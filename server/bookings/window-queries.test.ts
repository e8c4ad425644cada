// Window queries bound starts_at from below (window start minus the 24-hour maximum), so history costs nothing. These
// tests prove the bound loses nothing (a long booking still overlapping, an Outlook meeting of several days) and that
// every window query is served by an index range, never a scan of the table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase, type Db } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import * as repo from './repo.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-06-10T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function setup(): { db: Db; room: number; user: number } {
  const db = openDatabase(':memory:');
  migrate(db);
  const at = iso(T0);
  const user = Number(
    db.prepare("INSERT INTO users (username, display_name, email, created_at) VALUES ('o', 'O', 'o@example.com', ?)").run(at).lastInsertRowid,
  );
  const room = Number(
    db
      .prepare(
        `INSERT INTO rooms (name, mailbox_alias, mailbox_email, capacity, building, floor, time_zone, opens_at_local, closes_at_local,
                            max_duration_minutes, horizon_days, active, created_at, updated_at)
         VALUES ('Tyne', 'tyne', 'tyne@example.com', 8, 'HQ', '1', 'Europe/London', '00:00', '23:59', 1440, 30, 1, ?, ?)`,
      )
      .run(at, at).lastInsertRowid,
  );
  return { db, room, user };
}

function book(db: Db, room: number, user: number, start: number, end: number, uid: string): number {
  return repo.insertBooking(
    db,
    {
      uid,
      idempotencyKey: `k-${uid}-padding`,
      roomId: room,
      organizerId: user,
      createdById: user,
      subject: uid,
      description: '',
      private: false,
      startsAt: iso(start),
      endsAt: iso(end),
      at: iso(T0),
    },
    [],
  );
}

test('a booking of the maximum length that began almost a day before the window is still found', () => {
  const { db, room, user } = setup();
  book(db, room, user, T0 - 23 * H, T0 + H, 'long');
  book(db, room, user, T0 - 48 * H, T0 - 47 * H, 'old');
  const [from, to] = [iso(T0), iso(T0 + 2 * H)];
  assert.deepEqual(
    repo.listActiveInWindow(db, [room], from, to).map((b) => b.uid),
    ['long'],
  );
  assert.deepEqual(
    repo.listAllInWindow(db, [room], from, to).map((b) => b.uid),
    ['long'],
  );
  assert.deepEqual(
    repo.listSummariesInWindow(db, [room], from, to).map((b) => b.uid),
    ['long'],
  );
  assert.deepEqual(repo.listActiveTimesInWindow(db, [room], from, to).length, 1);
  assert.equal(repo.isRoomTaken(db, room, from, to, null), true);
  assert.deepEqual(
    repo.listBookingsForOrganizer(db, user, iso(T0), true).map((b) => b.uid),
    ['long'],
    'upcoming: still running',
  );
  assert.deepEqual(
    repo.listBookingsForOrganizer(db, user, iso(T0), false).map((b) => b.uid),
    ['old'],
  );
});

test('an Outlook meeting of several days that began before the look-back is found, once', () => {
  const { db, room } = setup();
  repo.replaceExternalBookings(
    db,
    room,
    iso(T0 - 100 * H),
    iso(T0 + 100 * H),
    [
      { uid: 'conference', subject: 'Conference', organizer: 'x@example.com', startsAt: iso(T0 - 72 * H), endsAt: iso(T0 + 24 * H) },
      { uid: 'exactly-a-day', subject: 'Day', organizer: 'x@example.com', startsAt: iso(T0 - 23 * H), endsAt: iso(T0 + H) },
      { uid: 'over', subject: 'Over', organizer: 'x@example.com', startsAt: iso(T0 - 80 * H), endsAt: iso(T0 - 10 * H) },
    ],
    iso(T0),
  );
  assert.deepEqual(
    repo
      .listExternalInWindow(db, [room], iso(T0), iso(T0 + H))
      .map((x) => x.uid)
      .sort(),
    ['conference', 'exactly-a-day'],
  );
});

test('every window query is an index range search, never a scan of bookings or Outlook meetings', () => {
  const { db, room, user } = setup();
  const seen: string[] = [];
  const prepare = db.prepare.bind(db);
  (db as { prepare: Db['prepare'] }).prepare = ((sql: string) => (seen.push(sql), prepare(sql))) as Db['prepare'];
  const [from, to] = [iso(T0), iso(T0 + H)];
  repo.listActiveInWindow(db, [room], from, to);
  repo.listAllInWindow(db, [room], from, to);
  repo.listSummariesInWindow(db, [room], from, to);
  repo.listActiveTimesInWindow(db, [room], from, to);
  repo.listExternalInWindow(db, [room], from, to);
  repo.isRoomTaken(db, room, from, to, null);
  repo.listBookingsForOrganizer(db, user, from, true);
  repo.listBookingsForOrganizer(db, user, from, false);
  (db as { prepare: Db['prepare'] }).prepare = prepare;
  const windowQueries = seen.filter((sql) => /FROM (bookings|external_bookings)\b/.test(sql) && /starts_at/.test(sql));
  assert.ok(windowQueries.length >= 8);
  for (const sql of windowQueries) {
    const plan = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(
      ...(sql.includes('@') ? [{ rooms: '[1]', roomId: 1, from, start: from, end: to, exceptId: -1 }] : Array(sql.split('?').length - 1).fill(from)),
    ) as { detail: string }[];
    const details = plan.map((p) => p.detail);
    assert.ok(!details.some((d) => /^SCAN (b|bookings|external_bookings)\b/.test(d)), `${sql}\n${details.join('\n')}`);
    // Each search of the tables is bounded on both sides of starts_at, except the small partial index of long meetings
    // and My bookings (one side is history, bounded; the other is the future, read in order up to its LIMIT).
    const searches = details.filter(
      (d) => /^SEARCH (b|bookings|external_bookings) /.test(d) && !d.includes('external_bookings_long') && !d.includes('PRIMARY KEY'),
    );
    assert.ok(searches.length > 0, sql);
    for (const d of searches) assert.match(d, /starts_at>\?.*starts_at<\?|organizer_id=\? AND starts_at[<>]\?/, `${sql}\n${details.join('\n')}`);
  }
});
