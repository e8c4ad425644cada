import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import type { RunningEmulator } from '../index.ts';
import { dav, propfindBody, rows, searchBody, start } from '../testing/client.ts';

// DavMail writes TZID and a Z on the same value (§12); the VTIMEZONE says W. Europe.
function eventMime(opts: { uid: string; summary: string; start: string; end: string; sequence?: number }): string {
  return [
    'Content-Transfer-Encoding: 7bit',
    'Content-class: urn:content-classes:appointment',
    'Subject: ' + opts.summary,
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="----=_NextPart_X"',
    '',
    '------=_NextPart_X',
    'Content-class: urn:content-classes:appointment',
    'Content-Type: text/calendar; method=PUBLISH; charset="utf-8"',
    'Content-Transfer-Encoding: 8bit',
    '',
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${opts.uid}`,
    `SEQUENCE:${opts.sequence ?? 0}`,
    `DTSTART;TZID=W. Europe Standard Time:${opts.start}`,
    `DTEND;TZID=W. Europe Standard Time:${opts.end}`,
    `SUMMARY:${opts.summary}`,
    'LOCATION:Spree',
    'ORGANIZER;CN=Klaus:MAILTO:klaus@example.com',
    'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:MAILTO:alice@example.com',
    'ATTENDEE;ROLE=OPT-PARTICIPANT:MAILTO:bob@example.com',
    'ATTENDEE;CUTYPE=RESOURCE;ROLE=NON-PARTICIPANT:MAILTO:spree@example.com',
    'END:VEVENT',
    'END:VCALENDAR',
    '------=_NextPart_X--',
    '',
  ].join('\r\n');
}

const PATH = '/exchange/klaus/Kalender/abc-123.ics';

function calendarPart(mime: string): string {
  const m = /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(mime);
  assert.ok(m, 'MIME holds a VCALENDAR');
  return m[0];
}

describe('PUT and GET with Translate: f', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ maxBodyBytes: 64 * 1024 });
  });
  after(() => emu.close());
  beforeEach(async () => {
    await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' });
  });

  const put = (body: string, headers: Record<string, string> = {}) =>
    dav(emu.url, 'PUT', PATH, { user: 'klaus', headers: { 'Content-Type': 'message/rfc822', Translate: 'f', Overwrite: 'f', ...headers }, body });

  test('PUT creates a calendar item (201) that SEARCH lists as an appointment in UTC', async () => {
    const r = await put(eventMime({ uid: 'abc-123', summary: 'Planung', start: '20301120T100000', end: '20301120T110000' }), { 'If-None-Match': '*' });
    assert.equal(r.status, 201);
    assert.match(r.headers.get('etag') ?? '', /^"/);
    const sql = `SELECT "urn:schemas:calendar:dtstart", "urn:schemas:calendar:dtend", "http://schemas.microsoft.com/exchange/outlookmessageclass", "urn:schemas:calendar:instancetype", "http://schemas.microsoft.com/mapi/proptag/x10f3001f", "DAV:getetag", "urn:schemas:calendar:uid", "urn:schemas:mailheader:to", "urn:schemas:mailheader:cc", "urn:schemas:mailheader:bcc" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/klaus/Kalender/"') WHERE "DAV:contentclass" = 'urn:content-classes:appointment'`;
    const [row] = rows((await dav(emu.url, 'SEARCH', '/exchange/klaus/Kalender/', { user: 'klaus', body: searchBody(sql) })).text);
    assert.equal(row!.ok.outlookmessageclass, 'IPM.Appointment');
    assert.equal(row!.ok.instancetype, '0');
    assert.equal(row!.ok.dtstart, '2030-11-20T09:00:00.000Z');
    assert.equal(row!.ok.dtend, '2030-11-20T10:00:00.000Z');
    assert.equal(row!.ok.x10f3001f, 'abc-123.ics');
    assert.equal(row!.ok.uid, 'abc-123');
    assert.equal(row!.ok.to, 'alice@example.com');
    assert.equal(row!.ok.cc, 'bob@example.com');
    assert.equal(row!.ok.bcc, 'spree@example.com');
    assert.equal(row!.ok.getetag, r.headers.get('etag'));
  });

  test('GET with Translate: f returns message/rfc822 whose calendar ical.js parses back', async () => {
    await put(eventMime({ uid: 'abc-123', summary: 'Planung', start: '20301120T100000', end: '20301120T110000' }));
    const r = await dav(emu.url, 'GET', PATH, { user: 'klaus', headers: { Translate: 'f' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'message/rfc822');
    const cal = new ICAL.Component(ICAL.parse(calendarPart(r.text)) as unknown[]);
    const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
    assert.equal(event.uid, 'abc-123');
    assert.equal(event.summary, 'Planung');
  });

  test('GET rebuilds the calendar from properties after a PROPPATCH, with a VTIMEZONE and UTC-correct times', async () => {
    await put(eventMime({ uid: 'abc-123', summary: 'Planung', start: '20301120T100000', end: '20301120T110000' }));
    const body = `<?xml version="1.0"?><a:propertyupdate xmlns:a="DAV:" xmlns:e="urn:schemas:calendar:" xmlns:b="urn:uuid:c2f41010-65b3-11d1-a29f-00aa00c14882/"><a:set><a:prop><e:dtstart b:dt="dateTime.tz">2030-11-20T12:00:00.000Z</e:dtstart><e:dtend b:dt="dateTime.tz">2030-11-20T13:30:00.000Z</e:dtend></a:prop></a:set></a:propertyupdate>`;
    assert.equal((await dav(emu.url, 'PROPPATCH', PATH, { user: 'klaus', body })).status, 207);
    const r = await dav(emu.url, 'GET', PATH, { user: 'klaus', headers: { Translate: 'f' } });
    const text = calendarPart(r.text);
    assert.match(text, /BEGIN:VTIMEZONE[\s\S]*TZID:W\. Europe Standard Time[\s\S]*END:VTIMEZONE/);
    const cal = new ICAL.Component(ICAL.parse(text) as unknown[]);
    const tz = new ICAL.Timezone(cal.getFirstSubcomponent('vtimezone')!);
    const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
    const startTime = event.startDate;
    const offset = tz.utcOffset(startTime);
    const utc = Date.UTC(startTime.year, startTime.month - 1, startTime.day, startTime.hour, startTime.minute) - offset * 1000;
    assert.equal(new Date(utc).toISOString(), '2030-11-20T12:00:00.000Z');
    assert.equal(startTime.hour, 13, 'local Berlin time');
    const roles = event.attendees.map((a) => [String(a.getFirstValue()).toLowerCase(), a.getParameter('role')]);
    assert.deepEqual(roles, [
      ['mailto:alice@example.com', 'REQ-PARTICIPANT'],
      ['mailto:bob@example.com', 'OPT-PARTICIPANT'],
      ['mailto:spree@example.com', 'NON-PARTICIPANT'],
    ]);
  });

  test('PUT replaces an item with 200 when If-Match carries its etag, and answers 412 otherwise', async () => {
    const created = await put(eventMime({ uid: 'abc-123', summary: 'v1', start: '20301120T100000', end: '20301120T110000' }));
    const etag = created.headers.get('etag')!;
    assert.equal(
      (await put(eventMime({ uid: 'abc-123', summary: 'v2', start: '20301120T100000', end: '20301120T110000' }), { 'If-None-Match': '*' })).status,
      412,
    );
    assert.equal(
      (await put(eventMime({ uid: 'abc-123', summary: 'v2', start: '20301120T100000', end: '20301120T110000' }), { 'If-Match': '"nope"' })).status,
      412,
    );
    const replaced = await put(eventMime({ uid: 'abc-123', summary: 'v2', start: '20301120T100000', end: '20301120T110000', sequence: 1 }), {
      'If-Match': etag,
    });
    assert.equal(replaced.status, 200);
    assert.notEqual(replaced.headers.get('etag'), etag);
    const row = rows(
      (await dav(emu.url, 'PROPFIND', PATH, { user: 'klaus', headers: { Depth: '0' }, body: propfindBody('<d:subject xmlns:d="urn:schemas:httpmail:"/>') }))
        .text,
    )[0]!;
    assert.equal(row.ok.subject, 'v2');
  });

  test('PUT answers 413 for a body over the limit and keeps serving', async () => {
    const r = await put('X'.repeat(80 * 1024));
    assert.equal(r.status, 413);
    const ok = await dav(emu.url, 'PROPFIND', '/exchange/klaus/', { user: 'klaus', headers: { Depth: '0' } });
    assert.equal(ok.status, 207);
  });

  test('PUT answers 400 for an unreadable calendar part and 409 into a missing folder', async () => {
    const bad = 'Content-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n';
    assert.equal((await put(bad)).status, 400);
    assert.equal(
      (await dav(emu.url, 'PUT', '/exchange/klaus/Nope/x.ics', { user: 'klaus', headers: { 'Content-Type': 'message/rfc822' }, body: 'Subject: x\r\n\r\nhi' }))
        .status,
      409,
    );
  });

  test('DELETE of the PUT item answers 200 and GET then answers 404', async () => {
    await put(eventMime({ uid: 'abc-123', summary: 'x', start: '20301120T100000', end: '20301120T110000' }));
    assert.equal((await dav(emu.url, 'DELETE', PATH, { user: 'klaus' })).status, 200);
    assert.equal((await dav(emu.url, 'GET', PATH, { user: 'klaus', headers: { Translate: 'f' } })).status, 404);
  });
});
