// Recurring meetings over HTTP (issue 14, "The emulator"): a series PUT as MIME is stored as a master with its
// RRULE/EXDATE and exceptions, windowed SEARCH expands it per occurrence in the series' own zone across the
// 2027 DST changes, free/busy is per occurrence, REQUEST/CANCEL with RECURRENCE-ID reach attendees as one
// message each, and rooms answer per occurrence (with the per-room conflict limit).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { basic, dav, propfindBody, rows, searchBody, useEmulator, type MsRow } from '../testing/client.ts';
import { createMeeting, items, mimeOf, type ControlItem } from '../testing/meetings.ts';
import { NEW_YORK_VTIMEZONE, putSeries, sendSeries, seriesMime, type SeriesSpec } from '../testing/series.ts';

const CLASS = 'http://schemas.microsoft.com/exchange/outlookmessageclass';
const UID = 'urn:schemas:calendar:uid';
const RID = 'urn:schemas:calendar:recurrenceid';

const windowSql = (mailbox: string, from: string, to: string, where = 'NOT "urn:schemas:calendar:instancetype" = 1') =>
  `SELECT "urn:schemas:calendar:dtstart", "urn:schemas:calendar:dtend", "urn:schemas:calendar:instancetype", "urn:schemas:calendar:uid", ` +
  `"urn:schemas:calendar:recurrenceid", "urn:schemas:httpmail:subject", "urn:schemas:calendar:rrule" ` +
  `FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/${mailbox}/Calendar/"') WHERE "DAV:isfolder" = false AND ${where} ` +
  `AND "urn:schemas:calendar:dtend" > '${from}' AND "urn:schemas:calendar:dtstart" < '${to}' ORDER BY "urn:schemas:calendar:dtstart" ASC`;

async function search(base: string, mailbox: string, sql: string): Promise<MsRow[]> {
  const r = await dav(base, 'SEARCH', `/exchange/${mailbox}/Calendar/`, { user: 'booking-svc', body: searchBody(sql) });
  assert.equal(r.status, 207);
  return rows(r.text);
}

async function fbdata(base: string, address: string, from: string, to: string, interval = 60): Promise<string | undefined> {
  const res = await fetch(`${base}/public/?Cmd=freebusy&start=${from}&end=${to}&interval=${interval}&u=SMTP:${address}`, {
    headers: { Authorization: basic('booking-svc') },
  });
  return /<a:fbdata>(\d*)<\/a:fbdata><\/a:item><\/a:recipients>/.exec(await res.text())?.[1];
}

async function waitFor<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  // Delivery is synchronous inside the MOVE, so the first read normally holds; the deadline guards a slow box.
  const deadline = Date.now() + 5000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function calendarOf(mime: string): InstanceType<typeof ICAL.Component> {
  const m = /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(mime);
  assert.ok(m, 'a text/calendar part');
  return new ICAL.Component(ICAL.parse(m[0]) as unknown[]);
}

/** An RRULE with its parts in a fixed order (ical.js writes them in its own). */
function ruleText(vevent: InstanceType<typeof ICAL.Component>): string {
  return String(vevent.getFirstPropertyValue('rrule')).split(';').sort().join(';');
}

/** Tuesdays 10:00–11:00 London from 16 March 2027, 6 times: across the change to BST on 28 March. */
const STANDUP: SeriesSpec = {
  uid: 'series-standup',
  summary: 'Standup',
  organizer: 'alice@example.com',
  start: '20270316T100000',
  end: '20270316T110000',
  rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6',
  exdates: ['20270330T100000'],
  exceptions: [{ recurrenceId: '20270406T100000', start: '20270406T140000', end: '20270406T150000', summary: 'Standup (moved)' }],
};

describe('recurring meetings (issue 14)', () => {
  const emu = useEmulator();

  test('a series PUT as MIME is a master (instancetype 1) with its RRULE, EXDATE and the series zone', async () => {
    const path = await putSeries(emu.url, 'alice', 'alice', STANDUP);
    const masters = rows(
      (
        await dav(emu.url, 'SEARCH', '/exchange/alice/Calendar/', {
          user: 'alice',
          body: searchBody(
            `SELECT "urn:schemas:calendar:rrule", "urn:schemas:calendar:exdate", "urn:schemas:calendar:uid", "urn:schemas:calendar:dtstart" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/alice/Calendar/"') WHERE "urn:schemas:calendar:instancetype" = 1`,
          ),
        })
      ).text,
    );
    assert.equal(masters.length, 1);
    assert.deepEqual(masters[0]!.ok.rrule, ['FREQ=WEEKLY;BYDAY=TU;COUNT=6']);
    assert.equal(masters[0]!.types.rrule, 'mv.string');
    assert.deepEqual(masters[0]!.ok.exdate, ['2027-03-30T09:00:00.000Z']);
    assert.equal(masters[0]!.ok.dtstart, '2027-03-16T10:00:00.000Z');
    // The emulator's bookkeeping of exceptions is no WebDAV property.
    const all = await dav(emu.url, 'PROPFIND', path, {
      user: 'alice',
      headers: { Depth: '0' },
      body: '<?xml version="1.0"?><a:propfind xmlns:a="DAV:"><a:allprop/></a:propfind>',
    });
    assert.equal(all.status, 207);
    assert.doesNotMatch(all.text, /x-emulator/);
    const tz = rows(
      (await dav(emu.url, 'PROPFIND', path, { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<e:timezone/><e:instancetype/>') })).text,
    )[0]!;
    assert.match(String(tz.ok.timezone), /TZID:GMT Standard Time/);
    assert.equal(tz.ok.instancetype, '1');
  });

  test('windowed SEARCH returns each occurrence (2) and the changed one (3) at 10:00 London across the DST change', async () => {
    await putSeries(emu.url, 'alice', 'alice', STANDUP);
    const found = await search(emu.url, 'alice', windowSql('alice', '2027/03/01 00:00:00', '2027/05/01 00:00:00'));
    assert.deepEqual(
      found.map((r) => [r.ok.dtstart, r.ok.dtend, r.ok.instancetype]),
      [
        ['2027-03-16T10:00:00.000Z', '2027-03-16T11:00:00.000Z', '2'],
        ['2027-03-23T10:00:00.000Z', '2027-03-23T11:00:00.000Z', '2'],
        // 30 March is an EXDATE; 6 April moved to 14:00 BST.
        ['2027-04-06T13:00:00.000Z', '2027-04-06T14:00:00.000Z', '3'],
        ['2027-04-13T09:00:00.000Z', '2027-04-13T10:00:00.000Z', '2'],
        ['2027-04-20T09:00:00.000Z', '2027-04-20T10:00:00.000Z', '2'],
      ],
    );
    assert.ok(found.every((r) => r.ok.uid === STANDUP.uid && r.ok.rrule === undefined));
    assert.ok(found.every((r) => r.href === `${emu.url}/exchange/alice/Calendar/${STANDUP.uid}.EML`));
    assert.equal(found[2]!.ok.recurrenceid, '2027-04-06T09:00:00.000Z');
    assert.equal(found[2]!.ok.subject, 'Standup (moved)');
    assert.equal(found[3]!.ok.recurrenceid, '2027-04-13T09:00:00.000Z');
    // A narrow window returns just what overlaps it; the moved occurrence is found at its new time only.
    const narrow = await search(emu.url, 'alice', windowSql('alice', '2027/04/06 08:00:00', '2027/04/06 12:00:00'));
    assert.equal(narrow.length, 0);
  });

  test('a VTIMEZONE no table names is followed by its own rules (New York across 14 March), and London across 31 October', async () => {
    await putSeries(emu.url, 'alice', 'alice', {
      uid: 'series-ny',
      summary: 'NY sync',
      organizer: 'alice@example.com',
      tzid: 'Custom New York',
      vtimezone: NEW_YORK_VTIMEZONE,
      start: '20270301T090000',
      end: '20270301T093000',
      rrule: 'FREQ=WEEKLY;UNTIL=20270322T140000Z',
    });
    await putSeries(emu.url, 'alice', 'alice', {
      uid: 'series-autumn',
      summary: 'Autumn',
      organizer: 'alice@example.com',
      start: '20271019T100000',
      end: '20271019T110000',
      rrule: 'FREQ=WEEKLY;COUNT=3',
    });
    const ny = await search(emu.url, 'alice', windowSql('alice', '2027/02/01 00:00:00', '2027/04/30 00:00:00', `"urn:schemas:calendar:uid" = 'series-ny'`));
    // The master row itself matches this WHERE too (instancetype 1, first occurrence).
    assert.deepEqual(
      ny.filter((r) => r.ok.instancetype === '2').map((r) => r.ok.dtstart),
      ['2027-03-01T14:00:00.000Z', '2027-03-08T14:00:00.000Z', '2027-03-15T13:00:00.000Z', '2027-03-22T13:00:00.000Z'],
    );
    const autumn = await search(
      emu.url,
      'alice',
      windowSql(
        'alice',
        '2027/10/01 00:00:00',
        '2027/12/01 00:00:00',
        `NOT "urn:schemas:calendar:instancetype" = 1 AND "urn:schemas:calendar:uid" = 'series-autumn'`,
      ),
    );
    assert.deepEqual(
      autumn.map((r) => r.ok.dtstart),
      ['2027-10-19T09:00:00.000Z', '2027-10-26T09:00:00.000Z', '2027-11-02T10:00:00.000Z'],
    );
  });

  test('free/busy is per occurrence: busy at each, free on the EXDATE, the moved occurrence at its new time', async () => {
    await putSeries(emu.url, 'alice', 'alice', STANDUP);
    const a = 'alice@example.com';
    assert.equal(await fbdata(emu.url, a, '2027-03-23T08:00:00Z', '2027-03-23T12:00:00Z'), '0020');
    assert.equal(await fbdata(emu.url, a, '2027-03-30T08:00:00Z', '2027-03-30T12:00:00Z'), '0000');
    assert.equal(await fbdata(emu.url, a, '2027-04-06T08:00:00Z', '2027-04-06T15:00:00Z'), '0000020');
    assert.equal(await fbdata(emu.url, a, '2027-04-13T08:00:00Z', '2027-04-13T12:00:00Z'), '0200');
  });

  test('a series REQUEST reaches bob as one message with the RRULE; an exception and a cancelled date as one message each; the room follows', async () => {
    const spec: SeriesSpec = { ...STANDUP, exdates: [], exceptions: [], attendees: ['bob@example.com'], rooms: ['thames@example.com'] };
    await putSeries(emu.url, 'alice', 'alice', spec);
    await sendSeries(emu.url, 'alice', 'alice', spec, 'REQUEST');
    const inbox = await waitFor(
      "the request in bob's inbox",
      () => items(emu.url, 'bob', 'inbox'),
      (l) => l.length === 1,
    );
    assert.equal(inbox[0]!.props[CLASS], 'IPM.Schedule.Meeting.Request');
    const cal = calendarOf(await mimeOf(emu.url, 'bob', inbox[0]!));
    assert.equal(cal.getFirstPropertyValue('method'), 'REQUEST');
    const vevents = cal.getAllSubcomponents('vevent');
    assert.equal(vevents.length, 1);
    assert.equal(vevents[0]!.getFirstPropertyValue('uid'), spec.uid);
    assert.equal(ruleText(vevents[0]!), 'BYDAY=TU;COUNT=6;FREQ=WEEKLY');
    // The room accepted the series once, with no RECURRENCE-ID.
    const accepted = await waitFor(
      "the room's answer",
      () => items(emu.url, 'alice', 'inbox'),
      (l) => l.length === 1,
    );
    assert.equal(accepted[0]!.props[CLASS], 'IPM.Schedule.Meeting.Resp.Pos');
    assert.equal(accepted[0]!.props[RID], undefined);
    assert.equal((await search(emu.url, 'thames', windowSql('thames', '2027/03/01 00:00:00', '2027/05/01 00:00:00'))).length, 6);

    // One occurrence moved: one update with RECURRENCE-ID, same UID.
    const moved = { recurrenceId: '20270406T100000', start: '20270406T150000', end: '20270406T160000' };
    await sendSeries(emu.url, 'alice', 'alice', { ...spec, sequence: 1 }, 'REQUEST', moved);
    const update = (
      await waitFor(
        'the update',
        () => items(emu.url, 'bob', 'inbox'),
        (l) => l.length === 2,
      )
    ).find((i) => i.props[RID]);
    assert.equal(update?.props[RID], '2027-04-06T09:00:00.000Z');
    assert.equal(update?.props[UID], spec.uid);
    const ucal = calendarOf(await mimeOf(emu.url, 'bob', update!)).getFirstSubcomponent('vevent')!;
    assert.ok(ucal.getFirstProperty('recurrence-id'));
    assert.equal(ucal.getFirstProperty('rrule'), null);
    const roomView = await search(emu.url, 'thames', windowSql('thames', '2027/04/06 00:00:00', '2027/04/07 00:00:00'));
    assert.deepEqual(
      roomView.map((r) => [r.ok.dtstart, r.ok.instancetype]),
      [['2027-04-06T14:00:00.000Z', '3']],
    );
    const occAccepted = (await items(emu.url, 'alice', 'inbox')).filter((i) => i.props[RID] === '2027-04-06T09:00:00.000Z');
    assert.equal(occAccepted.length, 1);
    assert.equal(occAccepted[0]!.props[CLASS], 'IPM.Schedule.Meeting.Resp.Pos');

    // One date cancelled: one cancellation with RECURRENCE-ID; the room is free that day, busy on the others.
    await sendSeries(emu.url, 'alice', 'alice', { ...spec, sequence: 2 }, 'CANCEL', { recurrenceId: '20270413T100000', end: '20270413T110000' });
    const cancel = (
      await waitFor(
        'the cancellation',
        () => items(emu.url, 'bob', 'inbox'),
        (l) => l.length === 3,
      )
    ).find((i) => i.props[CLASS] === 'IPM.Schedule.Meeting.Canceled');
    assert.equal(cancel?.props[RID], '2027-04-13T09:00:00.000Z');
    assert.equal(await fbdata(emu.url, 'thames@example.com', '2027-04-13T08:00:00Z', '2027-04-13T12:00:00Z'), '0000');
    assert.equal(await fbdata(emu.url, 'thames@example.com', '2027-04-20T08:00:00Z', '2027-04-20T12:00:00Z'), '0200');
    assert.equal(await fbdata(emu.url, 'thames@example.com', '2027-04-06T13:00:00Z', '2027-04-06T16:00:00Z'), '020');

    // The whole series cancelled: one message, the room's calendar is empty.
    await sendSeries(emu.url, 'alice', 'alice', { ...spec, sequence: 3 }, 'CANCEL');
    await waitFor(
      'the series cancellation',
      () => items(emu.url, 'bob', 'inbox'),
      (l) => l.filter((i) => i.props[CLASS] === 'IPM.Schedule.Meeting.Canceled').length === 2,
    );
    assert.deepEqual(await items(emu.url, 'thames', 'calendar'), []);
    assert.equal(await fbdata(emu.url, 'thames@example.com', '2027-03-16T08:00:00Z', '2027-03-16T12:00:00Z'), '0000');
  });

  const TWELVE: SeriesSpec = {
    uid: 'series-twelve',
    summary: 'Planning',
    organizer: 'alice@example.com',
    attendees: ['bob@example.com'],
    rooms: ['thames@example.com'],
    start: '20270302T100000',
    end: '20270302T110000',
    rrule: 'FREQ=WEEKLY;COUNT=12',
  };

  async function twoClashes(): Promise<void> {
    // Rita holds the room on the 3rd (16 March, GMT) and the 8th (20 April, BST) Tuesday.
    for (const [uid, start, end] of [
      ['rita-1', '2027-03-16T10:30:00.000Z', '2027-03-16T11:30:00.000Z'],
      ['rita-2', '2027-04-20T09:00:00.000Z', '2027-04-20T09:30:00.000Z'],
    ] as const) {
      await createMeeting(emu.url, 'booking-svc', 'rita', { uid, subject: 'Rita', start, end, bcc: 'thames@example.com' });
    }
    const ritaAccepted = await items(emu.url, 'rita', 'inbox');
    assert.equal(ritaAccepted.filter((i) => i.props[CLASS] === 'IPM.Schedule.Meeting.Resp.Pos').length, 2);
  }

  const responses = (l: ControlItem[]) => l.filter((i) => String(i.props[CLASS]).startsWith('IPM.Schedule.Meeting.Resp.') && i.props[UID] === TWELVE.uid);

  test('the room accepts a series and declines only the two clashing dates of twelve (each with its RECURRENCE-ID)', async () => {
    await twoClashes();
    await putSeries(emu.url, 'alice', 'alice', TWELVE);
    await sendSeries(emu.url, 'alice', 'alice', TWELVE, 'REQUEST');
    const answers = responses(
      await waitFor(
        'three answers',
        () => items(emu.url, 'alice', 'inbox'),
        (l) => responses(l).length === 3,
      ),
    );
    const declined = answers.filter((i) => i.props[CLASS] === 'IPM.Schedule.Meeting.Resp.Neg');
    assert.deepEqual(declined.map((i) => i.props[RID]).sort(), ['2027-03-16T10:00:00.000Z', '2027-04-20T09:00:00.000Z']);
    assert.deepEqual(declined.map((i) => i.props['urn:schemas:calendar:dtstart']).sort(), ['2027-03-16T10:00:00.000Z', '2027-04-20T09:00:00.000Z']);
    const accepted = answers.filter((i) => i.props[CLASS] === 'IPM.Schedule.Meeting.Resp.Pos');
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0]!.props[RID], undefined);
    // The iCalendar of a date's decline: METHOD:REPLY, RECURRENCE-ID, the room DECLINED, no RRULE.
    const negCal = calendarOf(await mimeOf(emu.url, 'alice', declined[0]!));
    assert.equal(negCal.getFirstPropertyValue('method'), 'REPLY');
    const negEvent = negCal.getFirstSubcomponent('vevent')!;
    assert.ok(negEvent.getFirstProperty('recurrence-id'));
    assert.equal(negEvent.getFirstProperty('rrule'), null);
    assert.equal(negEvent.getFirstProperty('attendee')?.getParameter('partstat'), 'DECLINED');
    const posEvent = calendarOf(await mimeOf(emu.url, 'alice', accepted[0]!)).getFirstSubcomponent('vevent')!;
    assert.equal(posEvent.getFirstProperty('recurrence-id'), null);
    assert.equal(ruleText(posEvent), 'COUNT=12;FREQ=WEEKLY');
    assert.equal(posEvent.getFirstProperty('attendee')?.getParameter('partstat'), 'ACCEPTED');
    // As the gateway reads answers: a SEARCH of the organizer's Inbox, here with recurrenceid selected too.
    const sql =
      `SELECT "DAV:href", "urn:schemas:calendar:uid", "http://schemas.microsoft.com/exchange/outlookmessageclass", "urn:schemas:httpmail:from", "urn:schemas:calendar:recurrenceid" ` +
      `FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/alice/Inbox/"') WHERE "DAV:isfolder" = false AND "DAV:contentclass" = 'urn:content-classes:calendarmessage' ` +
      `AND "http://schemas.microsoft.com/exchange/outlookmessageclass" LIKE 'IPM.Schedule.Meeting.Resp.%' AND "urn:schemas:calendar:uid" = '${TWELVE.uid}'`;
    const viaSearch = rows((await dav(emu.url, 'SEARCH', '/exchange/alice/Inbox/', { user: 'booking-svc', body: searchBody(sql) })).text);
    assert.equal(viaSearch.length, 3);
    assert.equal(viaSearch.filter((r) => r.ok.recurrenceid !== undefined).length, 2);
    assert.ok(viaSearch.every((r) => /thames@example\.com/i.test(String(r.ok.from))));
    // The organizer's item records the room's answer to the series, not its answer to one date.
    const own = (await items(emu.url, 'alice', 'calendar')).find((i) => i.props[UID] === TWELVE.uid);
    assert.deepEqual(
      own?.responses.map((r) => [r.address, r.partstat]),
      [['thames@example.com', 'ACCEPTED']],
    );
    // The room holds the other ten.
    const held = await search(
      emu.url,
      'thames',
      windowSql(
        'thames',
        '2027/03/01 00:00:00',
        '2027/06/01 00:00:00',
        `NOT "urn:schemas:calendar:instancetype" = 1 AND "urn:schemas:calendar:uid" = '${TWELVE.uid}'`,
      ),
    );
    assert.equal(held.length, 10);
    assert.ok(!held.some((r) => ['2027-03-16T10:00:00.000Z', '2027-04-20T09:00:00.000Z'].includes(String(r.ok.dtstart))));
    // The declined date can be taken by someone else in the series' slot next to Rita's.
    await createMeeting(emu.url, 'booking-svc', 'adam', {
      uid: 'adam-1',
      subject: 'Adam',
      start: '2027-04-20T09:30:00.000Z',
      end: '2027-04-20T10:00:00.000Z',
      bcc: 'thames@example.com',
    });
    assert.equal((await items(emu.url, 'adam', 'inbox')).find((i) => i.props[UID] === 'adam-1')?.props[CLASS], 'IPM.Schedule.Meeting.Resp.Pos');
    // A later occurrence is still held by the series.
    await createMeeting(emu.url, 'booking-svc', 'adam', {
      uid: 'adam-2',
      subject: 'Adam',
      start: '2027-04-27T09:30:00.000Z',
      end: '2027-04-27T10:00:00.000Z',
      bcc: 'thames@example.com',
    });
    assert.equal((await items(emu.url, 'adam', 'inbox')).find((i) => i.props[UID] === 'adam-2')?.props[CLASS], 'IPM.Schedule.Meeting.Resp.Neg');
  });

  test('with maxConflicts 1 the room declines the whole series (one answer, nothing booked); the setting is per room', async () => {
    const patch = await fetch(`${emu.url}/_emulator/mailboxes/thames`, { method: 'PATCH', body: JSON.stringify({ maxConflicts: 1 }) });
    assert.equal(patch.status, 200);
    assert.equal(((await patch.json()) as { maxConflicts: number }).maxConflicts, 1);
    try {
      await twoClashes();
      await putSeries(emu.url, 'alice', 'alice', TWELVE);
      await sendSeries(emu.url, 'alice', 'alice', TWELVE, 'REQUEST');
      const answers = responses(
        await waitFor(
          'the answer',
          () => items(emu.url, 'alice', 'inbox'),
          (l) => responses(l).length >= 1,
        ),
      );
      assert.equal(answers.length, 1);
      assert.equal(answers[0]!.props[CLASS], 'IPM.Schedule.Meeting.Resp.Neg');
      assert.equal(answers[0]!.props[RID], undefined);
      assert.equal((await items(emu.url, 'thames', 'calendar')).filter((i) => i.props[UID] === TWELVE.uid).length, 0);
      assert.equal((await fetch(`${emu.url}/_emulator/mailboxes/thames`, { method: 'PATCH', body: JSON.stringify({ maxConflicts: -1 }) })).status, 400);
    } finally {
      await fetch(`${emu.url}/_emulator/mailboxes/thames`, { method: 'PATCH', body: JSON.stringify({ maxConflicts: null }) });
    }
  });

  test('a series whose first occurrences clash is declined only for those (the series start is no special case)', async () => {
    await createMeeting(emu.url, 'booking-svc', 'rita', {
      uid: 'rita-first',
      subject: 'Rita',
      start: '2027-03-02T10:00:00.000Z',
      end: '2027-03-02T11:00:00.000Z',
      bcc: 'thames@example.com',
    });
    await sendSeries(emu.url, 'alice', 'alice', { ...TWELVE, rrule: 'FREQ=WEEKLY;COUNT=3' }, 'REQUEST');
    const answers = responses(
      await waitFor(
        'two answers',
        () => items(emu.url, 'alice', 'inbox'),
        (l) => responses(l).length === 2,
      ),
    );
    assert.deepEqual(
      answers.map((i) => [i.props[CLASS], i.props[RID]]).sort(),
      [
        ['IPM.Schedule.Meeting.Resp.Neg', '2027-03-02T10:00:00.000Z'],
        ['IPM.Schedule.Meeting.Resp.Pos', undefined],
      ].sort(),
    );
  });

  test('an attendee accepting a series request (OWA Cmd=accept) gets the series in the calendar, per occurrence', async () => {
    const spec: SeriesSpec = { ...STANDUP, attendees: ['bob@example.com'] };
    await putSeries(emu.url, 'alice', 'alice', spec);
    await sendSeries(emu.url, 'alice', 'alice', spec, 'REQUEST');
    const [request] = await waitFor(
      'the request',
      () => items(emu.url, 'bob', 'inbox'),
      (l) => l.length === 1,
    );
    const res = await fetch(`${request!.href}?Cmd=accept`, { redirect: 'manual', headers: { Authorization: basic('bob') } });
    assert.equal(res.status, 302);
    const found = await search(emu.url, 'bob', windowSql('bob', '2027/03/01 00:00:00', '2027/05/01 00:00:00'));
    assert.deepEqual(
      found.map((r) => [r.ok.dtstart, r.ok.instancetype]),
      [
        ['2027-03-16T10:00:00.000Z', '2'],
        ['2027-03-23T10:00:00.000Z', '2'],
        ['2027-04-06T13:00:00.000Z', '3'],
        ['2027-04-13T09:00:00.000Z', '2'],
        ['2027-04-20T09:00:00.000Z', '2'],
      ],
    );
    assert.equal(await fbdata(emu.url, 'bob@example.com', '2027-04-13T08:00:00Z', '2027-04-13T12:00:00Z'), '0200');

    // Accepting an update of one date moves that date in bob's series; declining another takes only it out.
    const answer = async (subjectPart: string, cmd: string) => {
      const req = (await items(emu.url, 'bob', 'inbox')).find((i) => String(i.props['urn:schemas:httpmail:subject']).includes(subjectPart));
      assert.ok(req, subjectPart);
      assert.equal((await fetch(`${req.href}?Cmd=${cmd}`, { redirect: 'manual', headers: { Authorization: basic('bob') } })).status, 302);
    };
    await sendSeries(emu.url, 'alice', 'alice', { ...spec, sequence: 1 }, 'REQUEST', {
      recurrenceId: '20270323T100000',
      start: '20270323T160000',
      end: '20270323T170000',
      summary: 'Standup late',
    });
    await answer('Standup late', 'accept');
    await sendSeries(emu.url, 'alice', 'alice', { ...spec, sequence: 1 }, 'REQUEST', {
      recurrenceId: '20270420T100000',
      start: '20270420T100000',
      end: '20270420T110000',
      summary: 'Standup skip',
    });
    await answer('Standup skip', 'decline');
    assert.equal((await items(emu.url, 'bob', 'calendar')).length, 1);
    const after = await search(emu.url, 'bob', windowSql('bob', '2027/03/01 00:00:00', '2027/05/01 00:00:00'));
    assert.deepEqual(
      after.map((r) => [r.ok.dtstart, r.ok.instancetype]),
      [
        ['2027-03-16T10:00:00.000Z', '2'],
        ['2027-03-23T16:00:00.000Z', '3'],
        ['2027-04-06T13:00:00.000Z', '3'],
        ['2027-04-13T09:00:00.000Z', '2'],
      ],
    );
  });

  test('GET Translate: f of a master rebuilt from properties carries RRULE, EXDATE and the exception VEVENT', async () => {
    const spec: SeriesSpec = { ...STANDUP, attendees: ['bob@example.com'], rooms: ['thames@example.com'] };
    await putSeries(emu.url, 'alice', 'alice', spec);
    await sendSeries(emu.url, 'alice', 'alice', spec, 'REQUEST');
    // The room's answer is recorded on alice's item, which drops the PUT text: the MIME is now built.
    await waitFor(
      'the recorded answer',
      () => items(emu.url, 'alice', 'calendar'),
      (l) => l[0]?.responses.length === 1,
    );
    const get = await dav(emu.url, 'GET', `/exchange/alice/Calendar/${spec.uid}.EML`, { user: 'alice', headers: { Translate: 'f' } });
    assert.equal(get.status, 200);
    const cal = calendarOf(get.text);
    const [master, exception] = cal.getAllSubcomponents('vevent');
    assert.equal(ruleText(master!), 'BYDAY=TU;COUNT=6;FREQ=WEEKLY');
    assert.equal(master!.getFirstProperty('exdate')?.getParameter('tzid'), 'GMT Standard Time');
    assert.equal(String(master!.getFirstPropertyValue('exdate')), '2027-03-30T10:00:00');
    assert.equal(String(exception!.getFirstPropertyValue('recurrence-id')), '2027-04-06T10:00:00');
    assert.equal(String(exception!.getFirstPropertyValue('dtstart')), '2027-04-06T14:00:00');
    assert.equal(exception!.getFirstPropertyValue('uid'), spec.uid);
  });

  test('a PUT replacing a series drops EXDATEs and exceptions the new text no longer has', async () => {
    await putSeries(emu.url, 'alice', 'alice', STANDUP);
    await putSeries(emu.url, 'alice', 'alice', { ...STANDUP, exdates: [], exceptions: [], sequence: 1 });
    const found = await search(emu.url, 'alice', windowSql('alice', '2027/03/01 00:00:00', '2027/05/01 00:00:00'));
    assert.equal(found.length, 6);
    assert.ok(found.every((r) => r.ok.instancetype === '2'));
  });

  test('a lone exception PUT as its own item (instancetype 3) stands in for that occurrence of the master', async () => {
    await putSeries(emu.url, 'alice', 'alice', { ...STANDUP, exdates: [], exceptions: [] });
    const lone = seriesMime({ ...STANDUP, sequence: 1 }, 'PUBLISH', {
      recurrenceId: '20270323T100000',
      start: '20270323T120000',
      end: '20270323T130000',
      summary: 'Standup (later)',
    });
    const put = await dav(emu.url, 'PUT', '/exchange/alice/Calendar/standup-0323.EML', {
      user: 'alice',
      headers: { 'Content-Type': 'message/rfc822', Translate: 'f' },
      body: lone,
    });
    assert.equal(put.status, 201);
    const day = await search(emu.url, 'alice', windowSql('alice', '2027/03/23 00:00:00', '2027/03/24 00:00:00'));
    assert.deepEqual(
      day.map((r) => [r.ok.dtstart, r.ok.instancetype, r.ok.recurrenceid, r.href.split('/').pop()]),
      [['2027-03-23T12:00:00.000Z', '3', '2027-03-23T10:00:00.000Z', 'standup-0323.EML']],
    );
    assert.equal(await fbdata(emu.url, 'alice@example.com', '2027-03-23T09:00:00Z', '2027-03-23T13:00:00Z'), '0002');
    // The internal exception list is no property a client can write.
    const patch = await dav(emu.url, 'PROPPATCH', `/exchange/alice/Calendar/${STANDUP.uid}.EML`, {
      user: 'alice',
      body: '<?xml version="1.0"?><a:propertyupdate xmlns:a="DAV:" xmlns:x="urn:x-emulator:"><a:set><a:prop><x:recurrence-exceptions>[]</x:recurrence-exceptions></a:prop></a:set></a:propertyupdate>',
    });
    assert.match(patch.text, /403/);
  });

  test('submitting series MIME straight to the submission URI delivers it once too', async () => {
    const spec: SeriesSpec = { ...STANDUP, uid: 'series-direct', attendees: ['bob@example.com'] };
    const r = await dav(emu.url, 'PUT', '/exchange/alice/%23%23DavMailSubmissionURI%23%23/', {
      user: 'alice',
      headers: { 'Content-Type': 'message/rfc822', Translate: 'f' },
      body: seriesMime(spec, 'REQUEST'),
    });
    assert.equal(r.status, 200);
    const inbox = await waitFor(
      'one request',
      () => items(emu.url, 'bob', 'inbox'),
      (l) => l.length === 1,
    );
    assert.deepEqual(inbox[0]!.props['urn:schemas:calendar:rrule'], ['FREQ=WEEKLY;BYDAY=TU;COUNT=6']);
    assert.equal(inbox[0]!.props['urn:schemas:calendar:instancetype'], '1');
  });
});
