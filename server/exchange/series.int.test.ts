// Recurring meetings through the gateway against the emulator over HTTP (issue 14, "How it is sent"): a series
// goes as ONE MIME message with an RRULE (§7 B), the room answers per occurrence, one date's change or
// cancellation goes with its RECURRENCE-ID, a resumed submission never sends twice, and creating a series costs
// the same number of requests whatever its length.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { ConflictError, createExchangeGateway, InvalidMeetingError, NotFoundError, TransientError, type SeriesGateway, type SeriesMeeting } from './index.ts';
import { P, type EmulatorItem } from './fixtures/emulator-control.ts';
import { useTestEmulator } from './fixtures/test-emulator.ts';
import { makeMeeting } from './fixtures/meetings.ts';
import { itemName } from './paths.ts';

const REQUEST = 'IPM.Schedule.Meeting.Request';
const CANCELED = 'IPM.Schedule.Meeting.Canceled';
const RID = 'urn:schemas:calendar:recurrenceid';
const ZONE = 'Europe/London';
const log = pino({ level: 'silent' });
const suite = useTestEmulator();

let n = 0;
/** Tuesdays 10:00–11:00 London from 2 March 2027 (GMT), across the change to BST on 28 March. */
function weekly(count: number, over: Partial<SeriesMeeting> = {}): SeriesMeeting {
  const start = DateTime.fromISO('2027-03-02T10:00', { zone: ZONE });
  return {
    ...makeMeeting({ uid: `rb-series-${++n}-${Date.now()}@roombook`, subject: 'Planning', start, end: start.plus({ hours: 1 }), optionalAttendees: [] }),
    rrule: `FREQ=WEEKLY;BYDAY=TU;COUNT=${count}`,
    excluded: [],
    ...over,
  };
}

const tuesday = (isoDate: string, hour = 10) => DateTime.fromISO(`${isoDate}T${String(hour).padStart(2, '0')}:00`, { zone: ZONE });

function gateway(over: { headersTimeoutMs?: number } = {}): SeriesGateway {
  return createExchangeGateway({ url: suite.url, auth: 'basic', username: 'booking-svc', password: 'demo', ...over }, log);
}

/** Wait for the state we assert (delivery is synchronous in the emulator; the deadline only guards a slow box). */
async function waitFor<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, withinMs = 5000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The text/calendar part of a stored message, decoded (the gateway sends it base64). */
async function calendarOf(alias: string, item: EmulatorItem): Promise<InstanceType<typeof ICAL.Component>> {
  const res = await fetch(`${suite.url}/_emulator/mailboxes/${alias}/items/${item.id}`);
  const mime = ((await res.json()) as { mime: string }).mime;
  const part = /Content-Type: text\/calendar[^\r\n]*\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+)/i.exec(mime);
  const text = part ? Buffer.from(part[1]!.replace(/\s+/g, ''), 'base64').toString('utf8') : /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(mime)?.[0];
  assert.ok(text, 'the message carries a calendar');
  return new ICAL.Component(ICAL.parse(text) as unknown[]);
}

/** Local start times of a series' occurrences, expanded by ical.js with the message's own VTIMEZONE. */
function expandLocal(cal: InstanceType<typeof ICAL.Component>, iana = ZONE): string[] {
  const vtz = cal.getFirstSubcomponent('vtimezone');
  assert.ok(vtz, 'a VTIMEZONE');
  const zone = new ICAL.Timezone(vtz);
  const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
  const it = event.iterator();
  const out: string[] = [];
  for (let next = it.next(); next && out.length < 100; next = it.next()) {
    const utc = DateTime.fromJSDate(next.toJSDate(), { zone: 'utc' });
    // Cross-check the VTIMEZONE against the IANA zone: same offset on every date.
    const viaVtz = next.convertToZone(zone);
    out.push(`${utc.setZone(iana).toFormat("yyyy-MM-dd'T'HH:mm")}/${String(viaVtz.hour).padStart(2, '0')}:${String(viaVtz.minute).padStart(2, '0')}`);
  }
  return out;
}

const forUid = (items: EmulatorItem[], uid: string) => items.filter((i) => String(i.props[P.uid] ?? '').toLowerCase() === uid.toLowerCase());

/** A busy appointment planted straight into the room's calendar through the control API (someone else's booking). */
async function plantBusy(alias: string, uid: string, start: DateTime, end: DateTime, name = `${uid}.EML`): Promise<void> {
  const f = (d: DateTime) => d.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'SUMMARY:Held',
    `DTSTART:${f(start)}`,
    `DTEND:${f(end)}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
  const mime = [
    'Content-class: urn:content-classes:appointment',
    'Subject: Held',
    'MIME-Version: 1.0',
    'Content-Type: text/calendar; charset="utf-8"',
    '',
    ics,
  ].join('\r\n');
  const res = await fetch(`${suite.url}/_emulator/mailboxes/${alias}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ folder: 'calendar', name, mime }),
  });
  assert.equal(res.status, 201, await res.text());
}

describe('series (issue 14)', () => {
  test('a weekly series reaches bob as one message with one UID and an RRULE, 10:00 London across 28 March; the room declines only the two clashing dates of twelve', async () => {
    const gw = gateway();
    const s = weekly(12);
    await plantBusy('thames', 'held-1', tuesday('2027-03-16').plus({ minutes: 30 }), tuesday('2027-03-16', 11).plus({ minutes: 30 }));
    await plantBusy('thames', 'held-2', tuesday('2027-04-20'), tuesday('2027-04-20').plus({ minutes: 30 }));

    const ref = await gw.series.putSeriesItem(s);
    assert.equal((await gw.series.submitSeries(ref, s)).outcome, 'submitted');

    const inbox = forUid(await suite.ctl.items('bob', 'inbox'), s.uid);
    assert.equal(inbox.length, 1, 'one message for the whole series');
    assert.equal(inbox[0]!.props[P.messageClass], REQUEST);
    const cal = await calendarOf('bob', inbox[0]!);
    assert.equal(cal.getFirstPropertyValue('method'), 'REQUEST');
    const vevents = cal.getAllSubcomponents('vevent');
    assert.equal(vevents.length, 1);
    assert.equal(vevents[0]!.getFirstPropertyValue('uid'), s.uid);
    assert.equal(String(vevents[0]!.getFirstPropertyValue('rrule')).split(';').sort().join(';'), 'BYDAY=TU;COUNT=12;FREQ=WEEKLY');
    const local = expandLocal(cal);
    assert.equal(local.length, 12);
    assert.ok(
      local.every((l) => l.endsWith('T10:00/10:00')),
      local.join(', '),
    );
    assert.equal(local[3], '2027-03-23T10:00/10:00');
    assert.equal(local[4], '2027-03-30T10:00/10:00');
    // DTSTART names the room's zone, and the message carries that zone's VTIMEZONE.
    const dtstart = vevents[0]!.getFirstProperty('dtstart')!;
    assert.equal(dtstart.getParameter('tzid'), ZONE);
    assert.equal(cal.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid'), ZONE);

    // The organizer's own item is one master in her calendar.
    const own = forUid(await suite.ctl.items('alice', 'calendar'), s.uid);
    assert.equal(own.length, 1);
    assert.equal(String(own[0]!.props['urn:schemas:calendar:instancetype']), '1');

    // The room: one decline per clashing date (with its RECURRENCE-ID), one accept for the series.
    const answers = await waitFor(
      "the room's three answers",
      async () => forUid(await suite.ctl.items('alice', 'inbox'), s.uid),
      (l) => l.length >= 3,
    );
    const declined = answers
      .filter((i) => i.props[P.messageClass] === 'IPM.Schedule.Meeting.Resp.Neg')
      .map((i) => String(i.props[RID]))
      .sort();
    assert.deepEqual(declined, [tuesday('2027-03-16').toUTC().toISO(), tuesday('2027-04-20').toUTC().toISO()]);
    const accepted = answers.filter((i) => i.props[P.messageClass] === 'IPM.Schedule.Meeting.Resp.Pos');
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0]!.props[RID], undefined);
    // As the app reads it: ten occurrences in the room's calendar, each 10:00 London.
    const roomItems = (await gw.listCalendar('thames', { start: tuesday('2027-03-01', 0), end: tuesday('2027-06-01', 0) })).filter((i) => i.uid === s.uid);
    assert.equal(roomItems.length, 10);
    assert.ok(roomItems.every((i) => i.start.setZone(ZONE).toFormat('HH:mm') === '10:00'));
    assert.ok(!roomItems.some((i) => ['2027-03-16', '2027-04-20'].includes(i.start.setZone(ZONE).toISODate() ?? '')));
    await gw.close();
  });

  test('one moved and one cancelled date reach bob with RECURRENCE-ID and the same UID; then the whole series is cancelled', async () => {
    const gw = gateway();
    const s = weekly(6);
    const ref = await gw.series.putSeriesItem(s);
    await gw.series.submitSeries(ref, s);

    // Move 6 April to 14:00.
    const moved = { originalStart: tuesday('2027-04-06'), start: tuesday('2027-04-06', 14), end: tuesday('2027-04-06', 15) };
    const s1 = { ...s, sequence: 1 };
    await gw.series.patchSeriesItem(ref, s1, [moved]);
    assert.equal((await gw.series.sendOccurrenceChange(ref, s1, moved)).outcome, 'submitted');
    // Cancel 13 April.
    const s2 = { ...s1, sequence: 2, excluded: [tuesday('2027-04-13')] };
    await gw.series.patchSeriesItem(ref, s2, [moved]);
    assert.equal((await gw.series.sendOccurrenceCancel(ref, s2, { originalStart: tuesday('2027-04-13') })).outcome, 'submitted');

    const inbox = forUid(await suite.ctl.items('bob', 'inbox'), s.uid);
    assert.equal(inbox.length, 3);
    const change = inbox.find((i) => i.props[P.messageClass] === REQUEST && i.props[RID]);
    assert.equal(change?.props[RID], tuesday('2027-04-06').toUTC().toISO());
    const changeEvent = (await calendarOf('bob', change!)).getFirstSubcomponent('vevent')!;
    assert.equal(changeEvent.getFirstPropertyValue('uid'), s.uid);
    assert.equal(changeEvent.getFirstProperty('rrule'), null);
    assert.ok(changeEvent.getFirstProperty('recurrence-id'));
    const cancel = inbox.find((i) => i.props[P.messageClass] === CANCELED);
    assert.equal(cancel?.props[RID], tuesday('2027-04-13').toUTC().toISO());

    // The organizer's calendar (one item: the master with its exception and EXDATE), as the app reads it.
    const window = { start: tuesday('2027-03-01', 0), end: tuesday('2027-05-01', 0) };
    const mine = (await gw.listCalendar('alice', window)).filter((i) => i.uid === s.uid);
    assert.deepEqual(
      mine.map((i) => i.start.setZone(ZONE).toFormat("yyyy-MM-dd'T'HH:mm")),
      ['2027-03-02T10:00', '2027-03-09T10:00', '2027-03-16T10:00', '2027-03-23T10:00', '2027-03-30T10:00', '2027-04-06T14:00'],
    );
    assert.equal(forUid(await suite.ctl.items('alice', 'calendar'), s.uid).length, 1);
    // The room moved the date and freed the cancelled one.
    const room = (await gw.listCalendar('thames', window)).filter((i) => i.uid === s.uid).map((i) => i.start.setZone(ZONE).toFormat("MM-dd'T'HH:mm"));
    assert.ok(room.includes('04-06T14:00') && !room.includes('04-13T10:00'), room.join(', '));

    // The whole series.
    const s3 = { ...s2, sequence: 3 };
    assert.equal((await gw.series.sendSeriesCancel(ref, s3)).outcome, 'submitted');
    await gw.series.removeSeriesItem(ref);
    await gw.series.removeSeriesItem(ref); // already gone: still fine
    await assert.rejects(gw.series.patchSeriesItem(ref, s3), NotFoundError); // and never re-created
    const cancels = forUid(await suite.ctl.items('bob', 'inbox'), s.uid).filter((i) => i.props[P.messageClass] === CANCELED);
    assert.equal(cancels.length, 2);
    assert.equal(cancels.filter((i) => i.props[RID] === undefined).length, 1);
    assert.deepEqual(forUid(await suite.ctl.items('alice', 'calendar'), s.uid), []);
    assert.deepEqual(forUid(await suite.ctl.items('thames', 'calendar'), s.uid), []);
    await gw.close();
  });

  test('a submit whose answer was lost, resumed, does not send twice; a repeated step reuses its item and draft', async () => {
    const gw = gateway();
    const s = weekly(8);
    const ref = await gw.series.putSeriesItem(s);
    assert.deepEqual(await gw.series.putSeriesItem(s), ref);
    // The MOVE is carried out but answers after the client gave up: nobody knows whether it was submitted. A
    // gateway with a short headers timeout (folders already cached) sends just that draft PUT and MOVE.
    const impatient = gateway({ headersTimeoutMs: 1500 });
    await impatient.discoverFolders('alice');
    await suite.ctl.addFault({ kind: 'latency', method: 'MOVE', latencyMs: 4000, count: 1 });
    await assert.rejects(impatient.series.submitSeries(ref, s), TransientError);
    await impatient.close();
    await waitFor(
      'the request that went out anyway',
      async () => forUid(await suite.ctl.items('bob', 'inbox'), s.uid),
      (l) => l.length === 1,
      15_000,
    );
    assert.equal((await gw.series.submitSeries(ref, s, { resumed: true })).outcome, 'already-submitted');

    // An occurrence change that never reached Exchange (dropped connection) is sent once when resumed.
    const moved = { originalStart: tuesday('2027-03-16'), start: tuesday('2027-03-16', 15), end: tuesday('2027-03-16', 16) };
    const s1 = { ...s, sequence: 1 };
    await suite.ctl.addFault({ kind: 'drop', method: 'MOVE', count: 1 });
    await assert.rejects(gw.series.sendOccurrenceChange(ref, s1, moved), TransientError);
    assert.equal((await gw.series.sendOccurrenceChange(ref, s1, moved, { resumed: true })).outcome, 'submitted');
    assert.equal((await gw.series.sendOccurrenceChange(ref, s1, moved, { resumed: true })).outcome, 'already-submitted');

    // Count per UID, method, SEQUENCE and occurrence in bob's inbox: each exactly once.
    const keys = forUid(await suite.ctl.items('bob', 'inbox'), s.uid).map(
      (i) => `${i.props[P.messageClass]}/${i.props[P.sequence]}/${i.props[RID] ?? 'series'}`,
    );
    assert.deepEqual(keys.sort(), [`${REQUEST}/0/series`, `${REQUEST}/1/${tuesday('2027-03-16').toUTC().toISO()}`]);
    await gw.close();
  });

  test('New York across 14 March and London across 31 October 2027 keep their wall-clock time in what bob gets', async () => {
    const gw = gateway();
    const ny = DateTime.fromISO('2027-03-01T09:00', { zone: 'America/New_York' });
    const autumn = DateTime.fromISO('2027-10-19T10:00', { zone: ZONE });
    const cases = [
      {
        s: weekly(4, { start: ny, end: ny.plus({ minutes: 30 }), timeZone: 'America/New_York', rrule: 'FREQ=WEEKLY;COUNT=4' }),
        zone: 'America/New_York',
        at: '09:00',
        count: 4,
      },
      { s: weekly(3, { start: autumn, end: autumn.plus({ hours: 1 }), rrule: 'FREQ=WEEKLY;COUNT=3' }), zone: ZONE, at: '10:00', count: 3 },
    ];
    for (const { s, zone, at, count } of cases) {
      await gw.series.submitSeries(await gw.series.putSeriesItem(s), s);
      const [msg] = forUid(await suite.ctl.items('bob', 'inbox'), s.uid);
      assert.ok(msg);
      const local = expandLocal(await calendarOf('bob', msg), zone);
      assert.equal(local.length, count);
      assert.ok(
        local.every((l) => l.endsWith(`T${at}/${at}`)),
        local.join(', '),
      );
      // The room's calendar, read back by the app, has each occurrence at that local time too.
      const window = { start: s.start.minus({ days: 1 }), end: s.start.plus({ weeks: 6 }) };
      const room = (await gw.listCalendar('thames', window)).filter((i) => i.uid === s.uid);
      assert.equal(room.length, local.length);
      assert.ok(room.every((i) => i.start.setZone(zone).toFormat('HH:mm') === at));
    }
    await gw.close();
  });

  test("putSeriesItem() never overwrites another meeting's item at the same name; a bad RRULE sends nothing", async () => {
    const gw = gateway();
    const s = weekly(4);
    const folders = await gw.discoverFolders('alice');
    const name = decodeURIComponent(folders.calendar.replace(/\/$/, '') + '/' + itemName(s.uid))
      .split('/')
      .pop()!;
    await plantBusy('alice', 'someone-else', tuesday('2027-03-02'), tuesday('2027-03-02', 11), name);
    await assert.rejects(gw.series.putSeriesItem(s), ConflictError);
    // An RRULE carrying a line break is refused before any request.
    const sent = gw.health().requests;
    await assert.rejects(gw.series.putSeriesItem({ ...s, rrule: 'FREQ=WEEKLY\r\nATTENDEE:mailto:evil@example.net' }), InvalidMeetingError);
    await assert.rejects(
      gw.series.submitSeries({ mailbox: 'alice', path: '/x', uid: s.uid }, { ...s, rrule: 'FREQ=WEEKLY;COUNT=2\nX:y' }),
      InvalidMeetingError,
    );
    assert.equal(gw.health().requests, sent);
    const held = (await suite.ctl.items('alice', 'calendar')).filter((i) => i.name === name);
    assert.equal(held.length, 1);
    assert.equal(held[0]!.props[P.uid], 'someone-else');
    await gw.close();
  });

  test('creating a series costs the same requests for 12 or 52 weeks (one PUT, one draft PUT, one MOVE, one PROPFIND verifying it left Drafts)', async (t) => {
    const gw = gateway();
    await gw.discoverFolders('alice');
    const cost = async (weeks: number): Promise<number> => {
      const s = weekly(weeks);
      const before = gw.health().requests;
      const ref = await gw.series.putSeriesItem(s);
      await gw.series.submitSeries(ref, s);
      return gw.health().requests - before;
    };
    const twelve = await cost(12);
    const fiftyTwo = await cost(52);
    t.diagnostic(`requests to create a series: 12 weeks ${twelve}, 52 weeks ${fiftyTwo}`);
    assert.equal(fiftyTwo, twelve);
    assert.equal(fiftyTwo, 4);
    await gw.close();
  });
});
