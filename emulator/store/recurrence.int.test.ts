import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../index.ts';
import { basic, dav, rows, searchBody, start } from '../testing/client.ts';
import { createMeeting, items } from '../testing/meetings.ts';

// Weekly on Wednesdays 09:00 London time, 5 times, over the change to summer time (30 March 2030),
// the third occurrence removed by EXDATE.
const RECURRING = [
  'Content-class: urn:content-classes:appointment',
  'Subject: Weekly sync',
  'Content-Type: text/calendar; method=PUBLISH; charset="utf-8"',
  '',
  'BEGIN:VCALENDAR',
  'METHOD:PUBLISH',
  'BEGIN:VEVENT',
  'UID:weekly-1',
  'DTSTART;TZID=GMT Standard Time:20300320T090000',
  'DTEND;TZID=GMT Standard Time:20300320T100000',
  'RRULE:FREQ=WEEKLY;COUNT=5',
  'SUMMARY:Weekly sync',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

const WINDOW_SQL = (from: string, to: string) =>
  `SELECT "urn:schemas:calendar:dtstart", "urn:schemas:calendar:dtend", "urn:schemas:calendar:instancetype", "urn:schemas:calendar:uid" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/cam/Calendar/"') ` +
  `WHERE "DAV:isfolder" = false AND "DAV:contentclass" = 'urn:content-classes:appointment' AND NOT "urn:schemas:calendar:instancetype" = 1 ` +
  `AND "urn:schemas:calendar:dtend" > '${from}' AND "urn:schemas:calendar:dtstart" < '${to}' ORDER BY "urn:schemas:calendar:dtstart" ASC`;

describe('recurring items', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
    const put = await dav(emu.url, 'PUT', '/exchange/cam/Calendar/weekly.EML', {
      user: 'booking-svc',
      headers: { 'Content-Type': 'message/rfc822', Translate: 'f' },
      body: RECURRING,
    });
    assert.equal(put.status, 201);
    const exdate =
      '<?xml version="1.0"?><a:propertyupdate xmlns:a="DAV:" xmlns:e="urn:schemas:calendar:" xmlns:b="urn:uuid:c2f41010-65b3-11d1-a29f-00aa00c14882/" xmlns:c="xml:"><a:set><a:prop><e:exdate b:dt="mv.dateTime.tz"><c:v>2030-04-03T08:00:00.000Z</c:v></e:exdate></a:prop></a:set></a:propertyupdate>';
    assert.equal((await dav(emu.url, 'PROPPATCH', '/exchange/cam/Calendar/weekly.EML', { user: 'booking-svc', body: exdate })).status, 207);
  });
  after(() => emu.close());

  test('SEARCH with a window returns occurrences (instancetype 2) in local time across DST, minus EXDATE', async () => {
    const r = await dav(emu.url, 'SEARCH', '/exchange/cam/Calendar/', {
      user: 'booking-svc',
      body: searchBody(WINDOW_SQL('2030/03/01 00:00:00', '2030/05/01 00:00:00')),
    });
    const found = rows(r.text);
    assert.deepEqual(
      found.map((x) => x.ok.dtstart),
      ['2030-03-20T09:00:00.000Z', '2030-03-27T09:00:00.000Z', '2030-04-10T08:00:00.000Z', '2030-04-17T08:00:00.000Z'],
    );
    assert.ok(found.every((x) => x.ok.instancetype === '2' && x.ok.uid === 'weekly-1'));
    assert.ok(found.every((x) => x.href === `${emu.url}/exchange/cam/Calendar/weekly.EML`));
  });

  test('SEARCH for masters (instancetype = 1) without a window returns the master once', async () => {
    const sql = `SELECT "urn:schemas:calendar:rrule" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/cam/Calendar/"') WHERE "urn:schemas:calendar:instancetype" = 1`;
    const found = rows((await dav(emu.url, 'SEARCH', '/exchange/cam/Calendar/', { user: 'booking-svc', body: searchBody(sql) })).text);
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]!.ok.rrule, ['FREQ=WEEKLY;COUNT=5']);
  });

  test('free/busy shows every occurrence busy and the excluded one free', async () => {
    const fb = async (day: string) => {
      const res = await fetch(`${emu.url}/public/?Cmd=freebusy&start=${day}T07:00:00Z&end=${day}T11:00:00Z&interval=60&u=SMTP:cam@example.com`, {
        headers: { Authorization: basic('booking-svc') },
      });
      return /<a:fbdata>(\d+)<\/a:fbdata><\/a:item><\/a:recipients>/.exec(await res.text())?.[1];
    };
    assert.equal(await fb('2030-03-27'), '0020');
    assert.equal(await fb('2030-04-03'), '0000');
    assert.equal(await fb('2030-04-10'), '0200');
  });

  test('a room declines a request that overlaps an occurrence of a recurring booking', async () => {
    await createMeeting(emu.url, 'booking-svc', 'alice', {
      uid: 'clash-1',
      subject: 'Clash',
      start: '2030-04-17T08:30:00.000Z',
      end: '2030-04-17T09:30:00.000Z',
      to: 'bob@example.com',
      bcc: 'cam@example.com',
    });
    const reply = (await items(emu.url, 'alice', 'inbox')).find((i) => i.props['urn:schemas:calendar:uid'] === 'clash-1');
    assert.equal(reply?.props['http://schemas.microsoft.com/exchange/outlookmessageclass'], 'IPM.Schedule.Meeting.Resp.Neg');
    await createMeeting(emu.url, 'booking-svc', 'alice', {
      uid: 'free-1',
      subject: 'Free',
      start: '2030-04-03T08:00:00.000Z',
      end: '2030-04-03T09:00:00.000Z',
      to: 'bob@example.com',
      bcc: 'cam@example.com',
    });
    const ok = (await items(emu.url, 'alice', 'inbox')).find((i) => i.props['urn:schemas:calendar:uid'] === 'free-1');
    assert.equal(ok?.props['http://schemas.microsoft.com/exchange/outlookmessageclass'], 'IPM.Schedule.Meeting.Resp.Pos', 'the EXDATE frees that week');
  });
});
