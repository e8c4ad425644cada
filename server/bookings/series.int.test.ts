// Recurring meetings end to end through the app's own pages (issue 14): the form's "Repeats", the per-date check,
// one series message in bob's inbox (one UID, an RRULE, parsed with ical.js), one date cancelled and one moved
// (RECURRENCE-ID), the whole series cancelled, and a date that clashes booked in the suggested room.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { findBooking } from './repo.ts';
import { occurrenceIds } from './series.repo.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { demoPeople, someRooms } from '../test/factories.ts';
import { plantOutlookMeeting, sendFromOutlook } from '../test/outlook.ts';
import { Reconciler } from '../sync/reconciler.ts';
import { bookingIdOf, postBookingForm } from '../test/booking-form.ts';

const ZONE = 'Europe/London';
/** A Tuesday at least two days ahead. */
function nextTuesday(): DateTime {
  let d = DateTime.now().setZone(ZONE).plus({ days: 2 }).startOf('day');
  while (d.weekday !== 2) d = d.plus({ days: 1 });
  return d;
}
const first = nextTuesday();
const firstDate = first.toFormat('yyyy-MM-dd');

interface Item {
  id: string;
  props: Record<string, string | string[]>;
}

describe('recurring meetings through the booking pages', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let roomIds: Map<string, string>;

  const items = async (alias: string, folder: string): Promise<Item[]> =>
    (await (await fetch(`${app.emulator!.url}/_emulator/mailboxes/${alias}/items?folder=${folder}`)).json()) as Item[];
  const uidOf = (i: Item) => String(i.props['urn:schemas:calendar:uid'] ?? '');
  const classOf = (i: Item) => String(i.props['http://schemas.microsoft.com/exchange/outlookmessageclass'] ?? '');
  async function calendarOf(alias: string, item: Item) {
    const res = await fetch(`${app.emulator!.url}/_emulator/mailboxes/${alias}/items/${item.id}`);
    const mime = ((await res.json()) as { mime: string }).mime;
    const part = /Content-Type: text\/calendar[^\r\n]*\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+)/i.exec(mime);
    const text = part ? Buffer.from(part[1]!.replace(/\s+/g, ''), 'base64').toString('utf8') : /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(mime)?.[0];
    assert.ok(text, 'the message carries a calendar');
    return new ICAL.Component(ICAL.parse(text) as unknown[]);
  }

  async function postSeries(room: string, extra: Record<string, string | string[]> = {}): Promise<Response> {
    const form = await (await alice.get(`/bookings/new?roomId=${roomIds.get(room)}&date=${firstDate}&start=10:00&end=11:00`)).text();
    assert.match(form, /name="repeat"/, 'the form offers Repeats');
    return postBookingForm(alice, {
      roomId: roomIds.get(room)!,
      date: firstDate,
      subject: 'Team weekly',
      description: 'Agenda',
      repeat: 'weekly',
      repeatDays: 'TU',
      repeatEnd: 'count',
      repeatCount: '12',
      ...extra,
    });
  }
  const idOf = bookingIdOf;

  before(async () => {
    // The reconciler reads the rooms' calendars as far ahead as a twelve-week series runs.
    app = await startTestApp({ DEMO_DATA: '0', RECONCILE_DAYS: '120' });
    await demoPeople(app.ctx);
    const rooms = someRooms(app.ctx, {
      trent: {},
      avon: { capacity: 4 },
      tees: { capacity: 4 },
      severn: { capacity: 8 },
      dee: { capacity: 8 },
      ouse: {},
      wye: { capacity: 8 },
    });
    roomIds = new Map([...rooms].map(([alias, r]) => [alias, String(r.id)]));
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
  });
  after(async () => {
    await app.close();
  });

  test('a weekly series is one Exchange meeting; one date cancelled, one moved, then the whole series cancelled', async () => {
    const res = await postSeries('trent');
    assert.equal(res.status, 303);
    const id = idOf(res);
    const anchor = findBooking(app.ctx.db, id)!;
    assert.ok(anchor.seriesId);
    const ids = occurrenceIds(app.ctx.db, anchor.seriesId);
    assert.equal(ids.length, 12);
    const page = await (await alice.get(`/bookings/${id}`)).text();
    assert.match(page, /Every Tuesday, 10:00–11:00 \(United Kingdom Time\), 12 times/);
    // Pages that list bookings show the dates as bookings, marked as part of a series.
    assert.match(await (await alice.get('/bookings')).text(), /Team weekly<\/a> <span class="badge" title="Part of a series">Series<\/span>/);
    const rita = new TestBrowser(app.url);
    await rita.signIn('rita');
    assert.match(await (await rita.get(`/schedule?date=${first.plus({ weeks: 1 }).toFormat('yyyy-MM-dd')}`)).text(), /Team weekly[\s\S]{0,400}· series/);

    await app.worker.drain();
    for (const b of ids) assert.equal(findBooking(app.ctx.db, b)!.state, 'booked');
    const seriesUid = anchor.uid.replace(/-\d{8}$/, '');
    const invitations = (await items('bob', 'inbox')).filter((i) => uidOf(i) === seriesUid);
    assert.equal(invitations.length, 1, 'one invitation for the whole series');
    assert.equal(classOf(invitations[0]!), 'IPM.Schedule.Meeting.Request');
    const ev = (await calendarOf('bob', invitations[0]!)).getFirstSubcomponent('vevent')!;
    assert.equal(ev.getFirstPropertyValue('uid'), seriesUid);
    const rule = ev.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur>;
    assert.deepEqual([rule.freq, rule.count, rule.parts.BYDAY], ['WEEKLY', 12, ['TU']]);

    // Cancel the third date only.
    const third = ids[2]!;
    assert.equal((await alice.post(`/bookings/${third}/cancel`, { scope: 'this', message: '' })).status, 303);
    await app.worker.drain();
    assert.equal(findBooking(app.ctx.db, third)!.state, 'cancelled');
    assert.equal(findBooking(app.ctx.db, ids[3]!)!.state, 'booked');
    const cancels = (await items('bob', 'inbox')).filter((i) => uidOf(i) === seriesUid && classOf(i) === 'IPM.Schedule.Meeting.Canceled');
    assert.equal(cancels.length, 1);
    assert.equal(cancels[0]!.props['urn:schemas:calendar:recurrenceid'], findBooking(app.ctx.db, third)!.recurrenceId);

    // Move the fifth date to 11:00–12:00.
    const fifth = findBooking(app.ctx.db, ids[4]!)!;
    const fifthDate = DateTime.fromISO(fifth.startsAt).setZone(ZONE).toFormat('yyyy-MM-dd');
    const moved = await alice.post(`/bookings/${fifth.id}`, {
      roomId: roomIds.get('trent')!,
      date: fifthDate,
      start: '11:00',
      end: '12:00',
      subject: 'Team weekly',
      description: 'Agenda',
      required: 'bob@example.com',
      optional: '',
    });
    assert.equal(moved.status, 303);
    await app.worker.drain();
    const after5 = findBooking(app.ctx.db, fifth.id)!;
    assert.equal(after5.state, 'booked');
    assert.equal(after5.startsAt, DateTime.fromISO(`${fifthDate}T11:00`, { zone: ZONE }).toUTC().toISO());
    const updates = (await items('bob', 'inbox')).filter(
      (i) => uidOf(i) === seriesUid && classOf(i) === 'IPM.Schedule.Meeting.Request' && i.props['urn:schemas:calendar:recurrenceid'],
    );
    assert.equal(updates.length, 1);
    assert.equal(updates[0]!.props['urn:schemas:calendar:recurrenceid'], fifth.recurrenceId);
    assert.match(await (await alice.get(`/bookings/${fifth.id}`)).text(), /\(changed\)/);

    // Cancel the whole series.
    assert.equal((await alice.post(`/bookings/${id}/cancel`, { scope: 'series', message: '' })).status, 303);
    await app.worker.drain();
    for (const b of ids) assert.equal(findBooking(app.ctx.db, b)!.state, 'cancelled');
    const seriesCancels = (await items('bob', 'inbox')).filter(
      (i) => uidOf(i) === seriesUid && classOf(i) === 'IPM.Schedule.Meeting.Canceled' && !i.props['urn:schemas:calendar:recurrenceid'],
    );
    assert.equal(seriesCancels.length, 1);
    assert.equal((await items('alice', 'calendar')).filter((i) => uidOf(i) === seriesUid).length, 0, 'the organizer item is gone');
  });

  test('a date that clashes is listed with the nearest free room, and taking it books that date there', async () => {
    // Someone already holds avon on the second date.
    const second = first.plus({ weeks: 1 }).toFormat('yyyy-MM-dd');
    const bob = new TestBrowser(app.url);
    await bob.signIn('bob');
    const form = await (await bob.get(`/bookings/new?roomId=${roomIds.get('avon')}&date=${second}&start=10:00&end=11:00`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    assert.equal(
      (
        await bob.post('/bookings', {
          roomId: roomIds.get('avon')!,
          date: second,
          start: '10:00',
          end: '11:00',
          subject: 'Taken',
          description: '',
          required: '',
          optional: '',
          idempotencyKey: key,
        })
      ).status,
      303,
    );

    const checked = await postSeries('avon', { repeatCount: '6' });
    assert.equal(checked.status, 200);
    const html = await checked.text();
    assert.match(html, /1 of 6 dates clash/);
    assert.match(html, new RegExp(`data-clash="[^"]*"><strong>[^<]+</strong> 10:00–11:00 — free instead: <span data-field="alternative">Tees</span>`));
    const key2 = /name="idempotencyKey" value="([^"]+)"/.exec(html)![1]!;
    const booked = await alice.post('/bookings', {
      roomId: roomIds.get('avon')!,
      date: firstDate,
      start: '10:00',
      end: '11:00',
      subject: 'Team weekly',
      description: 'Agenda',
      required: 'bob@example.com',
      optional: '',
      idempotencyKey: key2,
      repeat: 'weekly',
      repeatDays: 'TU',
      repeatEnd: 'count',
      repeatCount: '6',
      seriesChecked: '1',
      clashChoice: 'alternative',
    });
    assert.equal(booked.status, 303);
    const anchor = findBooking(app.ctx.db, idOf(booked))!;
    assert.equal(occurrenceIds(app.ctx.db, anchor.seriesId!).length, 5, 'five dates in the series');
    const tees = app.ctx.db.prepare('SELECT count(*) AS n FROM bookings WHERE room_id = ? AND subject = ?').get(Number(roomIds.get('tees')), 'Team weekly') as {
      n: number;
    };
    assert.equal(tees.n, 1, 'the clashing date is booked in the suggested room');
    await app.worker.drain();
    const seriesUid = anchor.uid.replace(/-\d{8}$/, '');
    const ev = (
      await calendarOf(
        'bob',
        (await items('bob', 'inbox')).find((i) => uidOf(i) === seriesUid)!,
      )
    ).getFirstSubcomponent('vevent')!;
    assert.equal(ev.getAllProperties('exdate').length, 1, 'the clashing date is left out of the series');
  });

  test('the room declines the two dates of twelve booked in Outlook meanwhile; the reconciler shows each date with its own state', async () => {
    const res = await postSeries('severn');
    assert.equal(res.status, 303);
    // Before the outbox sends the series, two dates are booked in Outlook (the 3rd and 7th).
    for (const w of [2, 6]) {
      const start = DateTime.fromISO(`${first.plus({ weeks: w }).toFormat('yyyy-MM-dd')}T10:30`, { zone: ZONE });
      await plantOutlookMeeting(app.emulator!.url, 'severn', { subject: 'Held in Outlook', start, end: start.plus({ hours: 1 }) });
    }
    const anchor = findBooking(app.ctx.db, idOf(res))!;
    const ids = occurrenceIds(app.ctx.db, anchor.seriesId!);
    assert.equal(ids.length, 12);
    await app.worker.drain();
    await new Reconciler(app.ctx, { graceMs: 0 }).runNow();
    const states = ids.map((id) => findBooking(app.ctx.db, id)!);
    assert.deepEqual(
      states.map((b) => b.state),
      ids.map((_, i) => (i === 2 || i === 6 ? 'declined' : 'booked')),
    );
    assert.deepEqual(
      states.filter((b) => b.state === 'booked').map((b) => b.roomResponse),
      Array(10).fill('accepted'),
    );
    // The series itself is the app's, not an Outlook meeting: only the two planted meetings are external.
    const external = app.ctx.db.prepare('SELECT count(*) AS n FROM external_bookings WHERE room_id = ?').get(Number(roomIds.get('severn'))) as { n: number };
    assert.equal(external.n, 2);
    const page = await (await alice.get(`/bookings/${ids[2]}`)).text();
    assert.match(page, /The room declined some dates/);

    // bob accepts the whole series from Outlook: his answer shows on every date.
    const seriesUid = anchor.uid.replace(/-\d{8}$/, '');
    const reply = [
      'From: "Bob Baker" <bob@example.com>',
      'To: "Alice Anderson" <alice@example.com>',
      'Subject: Accepted: Team weekly',
      'MIME-Version: 1.0',
      'Content-Type: text/calendar; method=REPLY; charset=utf-8',
      '',
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Test//Outlook-ish//EN',
      'METHOD:REPLY',
      'BEGIN:VEVENT',
      `UID:${seriesUid}`,
      'SEQUENCE:0',
      `DTSTAMP:${DateTime.utc().toFormat("yyyyMMdd'T'HHmmss'Z'")}`,
      'ORGANIZER:mailto:alice@example.com',
      'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    await sendFromOutlook(app.emulator!.url, 'bob', reply);
    await new Reconciler(app.ctx, { graceMs: 0 }).runNow();
    for (const i of [0, 5, 11]) assert.equal(findBooking(app.ctx.db, ids[i]!)!.attendees.find((x) => x.email === 'bob@example.com')?.response, 'accepted');
  });

  test('a room set to decline a series with more than one clash declines it whole; the app shows every date declined', async () => {
    // The Auto Accept Agent's conflict limit is the room's own setting in Exchange (the emulator's per-room policy).
    const policy = (maxConflicts: number | null) =>
      fetch(`${app.emulator!.url}/_emulator/mailboxes/wye`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ maxConflicts }),
      });
    assert.equal((await policy(1)).status, 200);
    try {
      const res = await postSeries('wye', { repeatCount: '6' });
      assert.equal(res.status, 303);
      // Two dates are booked in Outlook before the outbox sends the series: more than the room's limit of one.
      for (const w of [1, 3]) {
        const start = DateTime.fromISO(`${first.plus({ weeks: w }).toFormat('yyyy-MM-dd')}T10:00`, { zone: ZONE });
        await plantOutlookMeeting(app.emulator!.url, 'wye', { subject: 'Held in Outlook', start, end: start.plus({ hours: 1 }) });
      }
      const anchor = findBooking(app.ctx.db, idOf(res))!;
      const ids = occurrenceIds(app.ctx.db, anchor.seriesId!);
      assert.equal(ids.length, 6);
      await app.worker.drain();
      await new Reconciler(app.ctx, { graceMs: 0 }).runNow();
      assert.deepEqual(
        ids.map((id) => findBooking(app.ctx.db, id)!.state),
        Array(6).fill('declined'),
        'the room declined the whole series, not only the two clashing dates',
      );
      const page = await (await alice.get(`/bookings/${ids[0]}`)).text();
      assert.match(page, /Declined by the room/);
    } finally {
      await policy(null);
    }
  });

  test("a series made in Outlook shows as its dates, with Outlook's own moved and removed dates", async () => {
    // bob invites the room to four Thursdays at 15:00 from Outlook, the 2nd moved to 16:00 and the 3rd removed.
    let thursday = first;
    while (thursday.weekday !== 4) thursday = thursday.plus({ days: 1 });
    const local = (d: DateTime, hour: number) => d.set({ hour, minute: 0 }).toFormat("yyyyMMdd'T'HHmmss");
    const uid = `outlook-series-${Date.now()}`;
    const stamp = DateTime.utc().toFormat("yyyyMMdd'T'HHmmss'Z'");
    const common = [
      `UID:${uid}`,
      'SEQUENCE:0',
      `DTSTAMP:${stamp}`,
      'SUMMARY:Outlook weekly',
      'ORGANIZER:mailto:bob@example.com',
      'ATTENDEE;CUTYPE=RESOURCE;ROLE=NON-PARTICIPANT;RSVP=TRUE:mailto:dee@example.com',
    ];
    const mime = [
      'From: "Bob Baker" <bob@example.com>',
      'To: "Dee" <dee@example.com>',
      'Subject: Outlook weekly',
      'MIME-Version: 1.0',
      'Content-Type: text/calendar; method=REQUEST; charset=utf-8',
      '',
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Test//Outlook-ish//EN',
      'METHOD:REQUEST',
      'BEGIN:VEVENT',
      ...common,
      `DTSTART;TZID=Europe/London:${local(thursday, 15)}`,
      `DTEND;TZID=Europe/London:${local(thursday, 16)}`,
      'RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=TH',
      `EXDATE;TZID=Europe/London:${local(thursday.plus({ weeks: 2 }), 15)}`,
      'END:VEVENT',
      'BEGIN:VEVENT',
      ...common,
      `RECURRENCE-ID;TZID=Europe/London:${local(thursday.plus({ weeks: 1 }), 15)}`,
      `DTSTART;TZID=Europe/London:${local(thursday.plus({ weeks: 1 }), 16)}`,
      `DTEND;TZID=Europe/London:${local(thursday.plus({ weeks: 1 }), 17)}`,
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    await sendFromOutlook(app.emulator!.url, 'bob', mime);
    await new Reconciler(app.ctx, { graceMs: 0 }).runNow();
    const rows = app.ctx.db.prepare('SELECT starts_at AS s FROM external_bookings WHERE uid = ? ORDER BY starts_at').all(uid) as { s: string }[];
    const utc = (d: DateTime, hour: number) => d.set({ hour, minute: 0 }).toUTC().toISO();
    assert.deepEqual(
      rows.map((r) => r.s),
      [utc(thursday, 15), utc(thursday.plus({ weeks: 1 }), 16), utc(thursday.plus({ weeks: 3 }), 15)],
    );
    // The moved date holds the room at its new time: the app refuses a booking there.
    const check = await postSeries('dee', {
      date: thursday.plus({ weeks: 1 }).toFormat('yyyy-MM-dd'),
      start: '16:00',
      end: '17:00',
      repeatDays: 'TH',
      repeatCount: '2',
    });
    assert.equal(check.status, 200);
    assert.match(await check.text(), /1 of 2 dates clash/);
  });

  test('changing this and following splits the series: the old one ends the day before, a new one starts with the new time', async () => {
    const res = await postSeries('ouse', { repeatCount: '6' });
    assert.equal(res.status, 303);
    const anchor = findBooking(app.ctx.db, idOf(res))!;
    const oldIds = occurrenceIds(app.ctx.db, anchor.seriesId!);
    await app.worker.drain();
    const fourth = findBooking(app.ctx.db, oldIds[3]!)!;
    const fourthDate = DateTime.fromISO(fourth.startsAt).setZone(ZONE).toFormat('yyyy-MM-dd');
    const changed = await alice.post(`/bookings/${fourth.id}`, {
      roomId: roomIds.get('ouse')!,
      date: fourthDate,
      start: '10:30',
      end: '11:30',
      subject: 'Team weekly',
      description: 'Agenda',
      required: 'bob@example.com',
      optional: '',
      scope: 'following',
    });
    assert.equal(changed.status, 303);
    const fresh = findBooking(app.ctx.db, idOf(changed))!;
    assert.notEqual(fresh.seriesId, anchor.seriesId);
    const newIds = occurrenceIds(app.ctx.db, fresh.seriesId!);
    assert.equal(newIds.length, 3);
    assert.equal(fresh.startsAt, DateTime.fromISO(`${fourthDate}T10:30`, { zone: ZONE }).toUTC().toISO());
    assert.deepEqual(
      oldIds.map((id) => findBooking(app.ctx.db, id)!.state),
      ['booked', 'booked', 'booked', 'cancelled', 'cancelled', 'cancelled'],
    );
    await app.worker.drain();
    for (const id of newIds) assert.equal(findBooking(app.ctx.db, id)!.state, 'booked');
    const oldUid = anchor.uid.replace(/-\d{8}$/, '');
    const newUid = fresh.uid.replace(/-\d{8}$/, '');
    const inbox = await items('bob', 'inbox');
    const oldRequests = inbox.filter((i) => uidOf(i) === oldUid && classOf(i) === 'IPM.Schedule.Meeting.Request');
    assert.equal(oldRequests.length, 2, 'the invitation and the shortened series');
    assert.equal(inbox.filter((i) => uidOf(i) === newUid && classOf(i) === 'IPM.Schedule.Meeting.Request').length, 1);
    const latest = (await calendarOf('bob', oldRequests.at(-1)!)).getFirstSubcomponent('vevent')!;
    const rule = latest.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur>;
    assert.ok(rule.until, 'the old series now ends on a date');
  });

  test('changing the whole series moves every date still to come to the new time, in the same series', async () => {
    const res = await postSeries('trent', { start: '15:00', end: '16:00', repeatCount: '4' });
    assert.equal(res.status, 303);
    const anchor = findBooking(app.ctx.db, idOf(res))!;
    await app.worker.drain();
    const third = findBooking(app.ctx.db, occurrenceIds(app.ctx.db, anchor.seriesId!)[2]!)!;
    const changed = await alice.post(`/bookings/${third.id}`, {
      roomId: roomIds.get('trent')!,
      date: firstDate,
      start: '16:00',
      end: '17:00',
      subject: 'Team weekly',
      description: 'Agenda',
      required: 'bob@example.com',
      optional: '',
      scope: 'series',
    });
    assert.equal(changed.status, 303);
    const fresh = findBooking(app.ctx.db, idOf(changed))!;
    // The same series is updated (series-changes.int.test.ts checks what Exchange gets): no split, no new series.
    assert.equal(fresh.seriesId, anchor.seriesId);
    const dates = occurrenceIds(app.ctx.db, fresh.seriesId!).map((id) => findBooking(app.ctx.db, id)!);
    assert.equal(dates.length, 4);
    assert.deepEqual(
      dates.map((b) => DateTime.fromISO(b.startsAt).setZone(ZONE).toFormat('HH:mm')),
      ['16:00', '16:00', '16:00', '16:00'],
    );
    await app.worker.drain();
    assert.ok(dates.every((b) => findBooking(app.ctx.db, b.id)!.state === 'booked'));
  });
});
