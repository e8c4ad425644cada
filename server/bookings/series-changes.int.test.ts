// Issue 14's remaining series changes through the app's pages, against the emulator: one date moved to another room
// (RECURRENCE-ID, the old room told for that date only), the whole series changed as ONE updated series (same UID,
// SEQUENCE+1, RRULE kept), dates and whole series deleted in Outlook read back by the reconciler, and series dates on
// the door display, the read API and the iCalendar feed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { findBooking, insertBooking } from './repo.ts';
import { createSeries } from './series-service.ts';
import type { User } from '../users/service.ts';
import { findSeries, occurrenceIds } from './series.repo.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { demoPeople, someRooms } from '../test/factories.ts';
import { sendFromOutlook } from '../test/outlook.ts';
import { Reconciler } from '../sync/reconciler.ts';
import { bookingIdOf, postBookingForm } from '../test/booking-form.ts';

const ZONE = 'Europe/London';
function nextTuesday(): DateTime {
  let d = DateTime.now().setZone(ZONE).plus({ days: 2 }).startOf('day');
  while (d.weekday !== 2) d = d.plus({ days: 1 });
  return d;
}
const first = nextTuesday();
const firstDate = first.toFormat('yyyy-MM-dd');
const localDate = (iso: string) => DateTime.fromISO(iso).setZone(ZONE).toFormat('yyyy-MM-dd');
const icalLocal = (iso: string) => DateTime.fromISO(iso).setZone(ZONE).toFormat("yyyyMMdd'T'HHmmss");

interface Item {
  id: string;
  name: string;
  props: Record<string, string | string[]>;
}

describe('series changes: another room for one date, the whole series updated, Outlook deletions, devices', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let adam: TestBrowser;
  let roomIds: Map<string, string>;
  let people: Record<'alice' | 'bob' | 'rita' | 'adam', User>;

  const items = async (alias: string, folder: string): Promise<Item[]> =>
    (await (await fetch(`${app.emulator!.url}/_emulator/mailboxes/${alias}/items?folder=${folder}`)).json()) as Item[];
  const uidOf = (i: Item) => String(i.props['urn:schemas:calendar:uid'] ?? '');
  const classOf = (i: Item) => String(i.props['http://schemas.microsoft.com/exchange/outlookmessageclass'] ?? '');
  async function mimeOf(alias: string, item: Item): Promise<string> {
    const res = await fetch(`${app.emulator!.url}/_emulator/mailboxes/${alias}/items/${item.id}`);
    return ((await res.json()) as { mime: string }).mime;
  }
  function calendarText(mime: string): string {
    const part = /Content-Type: text\/calendar[^\r\n]*\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+)/i.exec(mime);
    const text = part ? Buffer.from(part[1]!.replace(/\s+/g, ''), 'base64').toString('utf8') : /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(mime)?.[0];
    assert.ok(text, 'the message carries a calendar');
    return text;
  }
  const parse = (text: string) => new ICAL.Component(ICAL.parse(text) as unknown[]);
  /** The dates a mailbox's calendar holds for a UID, as the gateway's windowed SEARCH expands them (start instants). */
  async function heldDates(alias: string, uid: string): Promise<string[]> {
    const window = { start: first.minus({ days: 1 }), end: first.plus({ weeks: 8 }) };
    return (await app.ctx.gateway.listCalendar(alias, window))
      .filter((i) => i.uid === uid && !i.cancelled)
      .map((i) => i.start.toUTC().toISO()!)
      .sort();
  }

  async function bookSeries(room: string, count: number, extra: Record<string, string> = {}): Promise<{ ids: number[]; uid: string; seriesId: number }> {
    const res = await postBookingForm(alice, {
      roomId: roomIds.get(room)!,
      date: firstDate,
      subject: 'Team weekly',
      description: 'Agenda',
      repeat: 'weekly',
      repeatDays: 'TU',
      repeatEnd: 'count',
      repeatCount: String(count),
      ...extra,
    });
    assert.equal(res.status, 303);
    const anchor = findBooking(app.ctx.db, bookingIdOf(res))!;
    await app.worker.drain();
    const ids = occurrenceIds(app.ctx.db, anchor.seriesId!);
    for (const id of ids) assert.equal(findBooking(app.ctx.db, id)!.state, 'booked');
    return { ids, uid: anchor.uid.replace(/-\d{8}$/, ''), seriesId: anchor.seriesId! };
  }

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0', RECONCILE_DAYS: '60' });
    people = await demoPeople(app.ctx);
    const rooms = someRooms(app.ctx, { trent: {}, avon: {}, severn: {}, dee: {}, ouse: {}, tees: {} });
    roomIds = new Map([...rooms].map(([alias, r]) => [alias, String(r.id)]));
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    adam = new TestBrowser(app.url);
    await adam.signIn('adam');
  });
  after(async () => {
    await app.close();
  });

  test('one date to another room: the exception (same UID, RECURRENCE-ID) names the new room, the old room loses that date only', async () => {
    const { ids, uid } = await bookSeries('trent', 4);
    const second = findBooking(app.ctx.db, ids[1]!)!;
    const res = await alice.post(`/bookings/${second.id}`, {
      roomId: roomIds.get('avon')!,
      date: localDate(second.startsAt),
      start: '10:00',
      end: '11:00',
      subject: 'Team weekly',
      description: 'Agenda',
      required: 'bob@example.com',
      optional: '',
      scope: 'this',
    });
    assert.equal(res.status, 303);
    await app.worker.drain();
    const moved = findBooking(app.ctx.db, second.id)!;
    assert.equal(moved.state, 'booked');
    assert.equal(moved.roomId, Number(roomIds.get('avon')));

    // bob gets one update for that date: the series' UID, its RECURRENCE-ID, the new room as its location.
    const updates = (await items('bob', 'inbox')).filter(
      (i) => uidOf(i) === uid && classOf(i) === 'IPM.Schedule.Meeting.Request' && i.props['urn:schemas:calendar:recurrenceid'],
    );
    assert.equal(updates.length, 1);
    assert.equal(updates[0]!.props['urn:schemas:calendar:recurrenceid'], second.recurrenceId);
    const ev = parse(calendarText(await mimeOf('bob', updates[0]!))).getFirstSubcomponent('vevent')!;
    assert.equal(ev.getFirstPropertyValue('uid'), uid);
    assert.match(String(ev.getFirstPropertyValue('location')), /Avon/i);
    // The old room lost that date only; the new room holds it; nobody got a second series.
    const all = ids.map((id) => findBooking(app.ctx.db, id)!.startsAt).sort();
    assert.deepEqual(
      await heldDates('trent', uid),
      all.filter((s) => s !== second.startsAt),
    );
    assert.deepEqual(await heldDates('avon', uid), [second.startsAt]);
    // The room's cancellation of that date went to trent alone: bob has no cancellation.
    assert.equal((await items('bob', 'inbox')).filter((i) => uidOf(i) === uid && classOf(i) === 'IPM.Schedule.Meeting.Canceled').length, 0);

    // The booking page shows the date in its new room, and the series list names it.
    const page = await (await alice.get(`/bookings/${second.id}`)).text();
    assert.match(page, /Avon/);
    assert.match(page, /data-field="room">Avon</);
    // The reconciler agrees: avon holds the date, trent holds the others.
    await new Reconciler(app.ctx, { graceMs: 0 }).runNow();
    assert.deepEqual(
      ids.map((id) => findBooking(app.ctx.db, id)!.state),
      ['booked', 'booked', 'booked', 'booked'],
    );
    assert.equal(findBooking(app.ctx.db, second.id)!.roomResponse, 'accepted');

    // Cancelling the whole series tells avon too.
    assert.equal((await alice.post(`/bookings/${ids[0]}/cancel`, { scope: 'series', message: '' })).status, 303);
    await app.worker.drain();
    assert.deepEqual(await heldDates('avon', uid), []);
    assert.deepEqual(await heldDates('trent', uid), []);
  });

  test('cancelling this and following after a date went to another room tells that room too', async () => {
    const { ids, uid } = await bookSeries('trent', 4, { start: '12:00', end: '13:00' });
    const third = findBooking(app.ctx.db, ids[2]!)!;
    const moved = await alice.post(`/bookings/${third.id}`, {
      roomId: roomIds.get('tees')!,
      date: localDate(third.startsAt),
      start: '12:00',
      end: '13:00',
      subject: 'Team weekly',
      description: 'Agenda',
      required: 'bob@example.com',
      optional: '',
      scope: 'this',
    });
    assert.equal(moved.status, 303);
    await app.worker.drain();
    assert.deepEqual(await heldDates('tees', uid), [third.startsAt]);
    assert.equal((await alice.post(`/bookings/${ids[1]}/cancel`, { scope: 'following', message: '' })).status, 303);
    await app.worker.drain();
    assert.deepEqual(
      ids.map((id) => findBooking(app.ctx.db, id)!.state),
      ['booked', 'cancelled', 'cancelled', 'cancelled'],
    );
    assert.deepEqual(await heldDates('tees', uid), []);
    assert.deepEqual(await heldDates('trent', uid), [findBooking(app.ctx.db, ids[0]!)!.startsAt]);
  });

  test('a single booking that takes one date between the check and the insert gets that date; the rest of the series is booked', async () => {
    const room = Number(roomIds.get('avon'));
    const second = first.plus({ weeks: 1 }).set({ hour: 8 });
    const original = app.ctx.gateway.listCalendar.bind(app.ctx.gateway);
    // The series' check reads the room's calendar; while that answer is on its way, bob's single booking is saved.
    app.ctx.gateway.listCalendar = async (alias, window) => {
      const answer = await original(alias, window);
      insertBooking(
        app.ctx.db,
        {
          uid: `rb-race-${Date.now()}`,
          idempotencyKey: `race-${Date.now()}`,
          roomId: room,
          organizerId: people.bob.id,
          createdById: people.bob.id,
          subject: 'Got there first',
          description: '',
          private: false,
          startsAt: second.toUTC().toISO()!,
          endsAt: second.plus({ hours: 1 }).toUTC().toISO()!,
          at: DateTime.utc().toISO()!,
        },
        [],
      );
      return answer;
    };
    try {
      const result = await createSeries(
        app.ctx,
        people.alice,
        {
          roomId: room,
          date: firstDate,
          start: '08:00',
          end: '09:00',
          subject: 'Raced series',
          description: '',
          required: [],
          optional: [],
          private: false,
          organizerId: undefined,
          idempotencyKey: `race-series-${Date.now()}-key`,
        },
        { pattern: { kind: 'weekly', interval: 1, days: ['TU'] }, end: { count: 3 } },
        false,
      );
      assert.deepEqual(result.raced, [second.toFormat('yyyy-MM-dd')]);
      assert.equal(occurrenceIds(app.ctx.db, result.series.id).length, 2, 'the other two dates are booked');
    } finally {
      app.ctx.gateway.listCalendar = original;
    }
    await app.worker.drain();
  });

  test('the whole series changed: the same series updated (same UID, SEQUENCE+1, RRULE kept), the old room and a removed attendee told', async () => {
    const { ids, uid, seriesId } = await bookSeries('severn', 4);
    const third = findBooking(app.ctx.db, ids[2]!)!;
    const res = await alice.post(`/bookings/${third.id}`, {
      roomId: roomIds.get('dee')!,
      date: localDate(third.startsAt),
      start: '14:00',
      end: '15:30',
      subject: 'Team weekly (new time)',
      description: 'Agenda',
      required: 'rita@example.com',
      optional: '',
      scope: 'series',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/bookings/${third.id}`);
    await app.worker.drain();
    // Still one series: the same rows, in dee at 14:00–15:30, booked.
    assert.deepEqual(occurrenceIds(app.ctx.db, seriesId), ids);
    const rows = ids.map((id) => findBooking(app.ctx.db, id)!);
    assert.deepEqual(
      rows.map((b) => [b.state, b.roomId, DateTime.fromISO(b.startsAt).setZone(ZONE).toFormat('HH:mm'), b.subject]),
      Array(4).fill(['booked', Number(roomIds.get('dee')), '14:00', 'Team weekly (new time)']),
    );
    for (const b of rows) assert.equal(b.recurrenceId, b.startsAt, 'each date is named by its start under the new times');
    const series = findSeries(app.ctx.db, seriesId)!;
    assert.equal(series.uid, uid);
    assert.equal(series.icalSequence, 1);
    assert.match(series.rrule, /^FREQ=WEEKLY;(INTERVAL=1;)?BYDAY=TU;COUNT=4$/, 'the RRULE is kept');
    assert.match(series.words, /14:00–15:30/);
    // rita gets ONE request: the same UID, SEQUENCE 1, the RRULE kept, the new room.
    const ritas = (await items('rita', 'inbox')).filter((i) => classOf(i) === 'IPM.Schedule.Meeting.Request');
    assert.equal(ritas.length, 1);
    assert.equal(uidOf(ritas[0]!), uid);
    const ev = parse(calendarText(await mimeOf('rita', ritas[0]!))).getFirstSubcomponent('vevent')!;
    assert.equal(ev.getFirstPropertyValue('sequence'), 1);
    const rule = ev.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur>;
    assert.deepEqual([rule.freq, rule.count, rule.parts.BYDAY], ['WEEKLY', 4, ['TU']]);
    assert.match(String(ev.getFirstPropertyValue('location')), /Dee/i);
    // bob, removed, gets the cancellation of the series; severn gave the dates up; dee holds all four.
    const bobs = (await items('bob', 'inbox')).filter((i) => uidOf(i) === uid);
    assert.deepEqual(bobs.map(classOf).sort(), ['IPM.Schedule.Meeting.Canceled', 'IPM.Schedule.Meeting.Request']);
    assert.deepEqual(await heldDates('severn', uid), []);
    assert.deepEqual(await heldDates('dee', uid), rows.map((b) => b.startsAt).sort());
    assert.equal(new Set((await items('rita', 'inbox')).map(uidOf)).size, 1, 'no second series anywhere');
    const page = await (await alice.get(`/bookings/${third.id}`)).text();
    assert.match(page, /Every Tuesday, 14:00–15:30/);
  });

  test('the whole series cannot move onto dates the new room is taken: nothing changes', async () => {
    const { ids, seriesId } = await bookSeries('ouse', 3);
    // bob holds tees on the second date at 10:00.
    const bob = new TestBrowser(app.url);
    await bob.signIn('bob');
    const secondDate = localDate(findBooking(app.ctx.db, ids[1]!)!.startsAt);
    const form = await (await bob.get(`/bookings/new?roomId=${roomIds.get('tees')}&date=${secondDate}&start=10:00&end=11:00`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    const single = {
      roomId: roomIds.get('tees')!,
      date: secondDate,
      start: '10:00',
      end: '11:00',
      subject: 'Taken',
      description: '',
      required: '',
      optional: '',
    };
    assert.equal((await bob.post('/bookings', { ...single, idempotencyKey: key })).status, 303);
    const res = await alice.post(`/bookings/${ids[0]}`, {
      ...single,
      subject: 'Team weekly',
      required: 'bob@example.com',
      date: firstDate,
      scope: 'series',
    });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Tees is taken on/);
    assert.equal(findSeries(app.ctx.db, seriesId)!.roomId, Number(roomIds.get('ouse')));
    assert.equal(findSeries(app.ctx.db, seriesId)!.icalSequence, 0);
  });

  test('a date deleted in Outlook shows cancelled; the whole series deleted in Outlook cancels every date', async () => {
    const { ids, uid } = await bookSeries('trent', 4);
    const third = findBooking(app.ctx.db, ids[2]!)!;
    // alice deletes the third date in Outlook: her item gains an EXDATE, bob and the room get a CANCEL for that date.
    const item = (await items('alice', 'calendar')).find((i) => uidOf(i) === uid)!;
    const text = calendarText(await mimeOf('alice', item)).replace(
      /(BEGIN:VEVENT[\s\S]*?RRULE:[^\r\n]*\r?\n)/,
      `$1EXDATE;TZID=${ZONE}:${icalLocal(third.startsAt)}\r\n`,
    );
    assert.equal((await fetch(`${app.emulator!.url}/_emulator/mailboxes/alice/items/${item.id}`, { method: 'DELETE' })).status, 200);
    const publish = ['Subject: Team weekly', 'MIME-Version: 1.0', 'Content-Type: text/calendar; method=PUBLISH; charset=utf-8', '', text].join('\r\n');
    const seeded = await fetch(`${app.emulator!.url}/_emulator/mailboxes/alice/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ folder: 'calendar', name: item.name, mime: publish }),
    });
    assert.equal(seeded.status, 201);
    const cancel = (rid: string | null) =>
      [
        'From: "Alice Anderson" <alice@example.com>',
        'To: "Bob Baker" <bob@example.com>',
        'Bcc: "Trent" <trent@example.com>',
        'Subject: Canceled: Team weekly',
        'MIME-Version: 1.0',
        'Content-Type: text/calendar; method=CANCEL; charset=utf-8',
        '',
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Test//Outlook-ish//EN',
        'METHOD:CANCEL',
        'BEGIN:VEVENT',
        `UID:${uid}`,
        'SEQUENCE:1',
        `DTSTAMP:${DateTime.utc().toFormat("yyyyMMdd'T'HHmmss'Z'")}`,
        'ORGANIZER:mailto:alice@example.com',
        'ATTENDEE:mailto:bob@example.com',
        'ATTENDEE;CUTYPE=RESOURCE:mailto:trent@example.com',
        ...(rid ? [`RECURRENCE-ID;TZID=${ZONE}:${rid}`] : []),
        `DTSTART;TZID=${ZONE}:${icalLocal(rid ? third.startsAt : findBooking(app.ctx.db, ids[0]!)!.startsAt)}`,
        `DTEND;TZID=${ZONE}:${icalLocal(rid ? third.endsAt : findBooking(app.ctx.db, ids[0]!)!.endsAt)}`,
        'STATUS:CANCELLED',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n');
    await sendFromOutlook(app.emulator!.url, 'alice', cancel(icalLocal(third.startsAt)));
    assert.equal((await heldDates('trent', uid)).length, 3, 'the room gave up that date');
    assert.equal((await heldDates('alice', uid)).length, 3, 'the organizer item leaves it out');
    await new Reconciler(app.ctx, { graceMs: 0 }).runNow();
    assert.deepEqual(
      ids.map((id) => findBooking(app.ctx.db, id)!.state),
      ['booked', 'booked', 'cancelled', 'booked'],
    );

    // Then alice deletes the whole series in Outlook.
    const gone = (await items('alice', 'calendar')).find((i) => uidOf(i) === uid)!;
    assert.equal((await fetch(`${app.emulator!.url}/_emulator/mailboxes/alice/items/${gone.id}`, { method: 'DELETE' })).status, 200);
    await sendFromOutlook(app.emulator!.url, 'alice', cancel(null));
    assert.deepEqual(await heldDates('trent', uid), []);
    await new Reconciler(app.ctx, { graceMs: 0 }).runNow();
    assert.deepEqual(
      ids.map((id) => findBooking(app.ctx.db, id)!.state),
      Array(4).fill('cancelled'),
    );
  });

  test('door display, read API and feed mark series dates; the feed has one VEVENT per date with the series UID and RECURRENCE-ID', async () => {
    const { ids, uid } = await bookSeries('ouse', 2, { start: '15:00', end: '16:00' });
    const rows = ids.map((id) => findBooking(app.ctx.db, id)!);
    const created = await adam.post('/admin/displays', { label: 'Door ouse', roomIds: [roomIds.get('ouse')!], showSubjects: 'on' });
    assert.equal(created.status, 201);
    const token = /id="token-secret">([^<]+)</.exec(await created.text())![1]!;
    const now = DateTime.fromISO(rows[0]!.startsAt).minus({ hours: 1 }).toUTC().toISO()!;
    const door = await (await fetch(`${app.url}/display/ouse?token=${token}&now=${encodeURIComponent(now)}`)).text();
    assert.match(door, /15:00–16:00<\/strong> Team weekly · Alice Anderson · series/);
    const api = (await (await fetch(`${app.url}/api/rooms/ouse/bookings?date=${firstDate}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      bookings: { subject: string; series: boolean }[];
    };
    assert.ok(api.bookings.some((b) => b.subject === 'Team weekly' && b.series === true));
    const feed = await (await fetch(`${app.url}/feeds/rooms/ouse.ics?token=${token}`)).text();
    const events = parse(feed)
      .getAllSubcomponents('vevent')
      .filter((e) => String(e.getFirstPropertyValue('uid')).startsWith(uid));
    assert.equal(events.length, 2);
    for (const [n, e] of events.entries()) {
      assert.equal(e.getFirstPropertyValue('uid'), `${uid}@roombook`);
      const rid = e.getFirstPropertyValue('recurrence-id') as InstanceType<typeof ICAL.Time>;
      assert.equal(rid.toJSDate().toISOString(), rows[n]!.recurrenceId);
      assert.match(String(e.getFirstPropertyValue('description')), /Part of a series/);
    }
  });
});
