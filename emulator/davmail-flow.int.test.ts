// DavMail's Exchange 2003 (WebDav mode) session, request by request as the protocol reference §17 lists it,
// over one forms-authenticated cookie jar. Each test is named after the DavMail method it satisfies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from './index.ts';
import { propfindBody, proppatchBody, rows, searchBody, start } from './testing/client.ts';

const EDGE = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0';

describe('a DavMail 6 session in WebDav mode', () => {
  let emu: RunningEmulator;
  const jar = new Map<string, string>([['PBack', '0']]);
  let mailPath = '';
  const folders: Record<string, string> = {};
  let eventEtag = '';
  let permanentUrl = '';

  const http = async (method: string, url: string, opts: { headers?: Record<string, string>; body?: string } = {}) => {
    const res = await fetch(new URL(url, emu.url), {
      method,
      redirect: 'manual',
      headers: { 'User-Agent': EDGE, Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...opts.headers },
      body: opts.body,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const value = pair!.slice(i + 1);
      if (value) jar.set(pair!.slice(0, i), value);
      else jar.delete(pair!.slice(0, i));
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  test('ExchangeFormAuthenticator.authenticate follows the redirect to the logon form and posts it', async () => {
    let r = await http('GET', '/exchange/');
    assert.equal(r.status, 302);
    let url = new URL(r.headers.get('location')!, emu.url).toString();
    for (let hops = 0; r.status === 302 && hops < 10; hops++) {
      r = await http('GET', url);
      if (r.status === 302) url = new URL(r.headers.get('location')!, emu.url).toString();
    }
    assert.equal(r.status, 200);
    const action = /<form action="([^"]+)"/.exec(r.text)?.[1];
    const destination = /name="destination" value="([^"]+)"/.exec(r.text)?.[1];
    assert.equal(action, '/exchweb/bin/auth/owaauth.dll');
    const post = await http('POST', action!, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ destination: destination!, forcedownlevel: '0', username: 'klaus', password: 'demo', trusted: '4', flags: '4' }).toString(),
    });
    assert.equal(post.status, 302);
    assert.doesNotMatch(post.headers.get('location')!, /reason=[24]/);
  });

  test('ExchangeFormAuthenticator.isAuthenticated sees sessionid and cadata cookies', () => {
    assert.ok(jar.has('sessionid'));
    assert.ok(jar.has('cadata'));
  });

  test('getMailpathFromWelcomePage reads <base href> from the start page, twice', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await http('GET', '/exchange/');
      assert.equal(r.status, 200);
      const line = r.text.split('\n').find((l) => l.toLowerCase().includes('<base href="'))!;
      const start = line.toLowerCase().indexOf('<base href="') + 12;
      mailPath = new URL(line.slice(start, line.indexOf('"', start))).pathname;
    }
    assert.equal(mailPath, '/exchange/klaus/');
  });

  test('getWellKnownFolders: public folder check, galfind, then the folder URLs', async () => {
    const pub = await http('PROPFIND', '/public/', { headers: { Depth: '0', 'Content-Type': 'text/xml' }, body: propfindBody('<a:displayname/>') });
    assert.equal(pub.status, 207);
    const gal = await http('GET', `${mailPath}?Cmd=galfind&AN=klaus`);
    assert.match(gal.text, /<a:AN>klaus<\/a:AN><a:EM>klaus@example\.com<\/a:EM>/);
    const r = await http('PROPFIND', mailPath, {
      headers: { Depth: '0', 'Content-Type': 'text/xml' },
      body: propfindBody('<d:inbox/><d:deleteditems/><d:sentitems/><d:sendmsg/><d:drafts/><d:calendar/><d:tasks/><d:contacts/><d:outbox/>'),
    });
    assert.equal(r.headers.get('content-type'), 'text/xml');
    const [row] = rows(r.text);
    for (const key of ['inbox', 'deleteditems', 'sentitems', 'sendmsg', 'drafts', 'calendar', 'tasks', 'contacts', 'outbox']) {
      assert.ok(row!.ok[key], key);
      folders[key] = decodeURIComponent(new URL(String(row!.ok[key])).pathname);
    }
    assert.equal(folders.calendar, '/exchange/klaus/Kalender');
    assert.equal(folders.drafts, '/exchange/klaus/Entwürfe');
  });

  test('getFolder reads the folder properties of the root, Calendar and Tasks', async () => {
    const props =
      '<a:displayname/><f:outlookfolderclass/><a:hassubs/><a:nosubs/><d:unreadcount/><j:contenttag xmlns:j="http://schemas.microsoft.com/repl/"/><a:getlastmodified/>';
    for (const path of [mailPath, folders.calendar!, folders.tasks!]) {
      const r = await http('PROPFIND', encodeURI(path), { headers: { Depth: '0', 'Content-Type': 'text/xml' }, body: propfindBody(props) });
      assert.equal(r.status, 207, path);
      assert.equal(rows(r.text).length, 1);
    }
    const cal = rows((await http('PROPFIND', encodeURI(folders.calendar!), { headers: { Depth: '0' }, body: propfindBody(props) })).text)[0]!;
    assert.equal(cal.ok.outlookfolderclass, 'IPF.Appointment');
    assert.ok(cal.ok.contenttag);
  });

  test('loadVtimezone: MKCOL davmailtemp, Cmd=saveappt, GET the fake event, DELETE the folder', async () => {
    const tmp = `${mailPath}davmailtemp`;
    const mk = await http('MKCOL', tmp, {
      headers: { 'Content-Type': 'text/xml' },
      body: proppatchBody('<f:outlookfolderclass>IPF.Appointment</f:outlookfolderclass>'),
    });
    assert.ok(mk.status === 207 || mk.status === 405);
    const post = await http('POST', tmp, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'Cmd=saveappt&FORMTYPE=appointment' });
    assert.equal(post.status, 200);
    const href = post.text.split('<span id="itemHREF">')[1]!.split('</span>')[0]!;
    const get = await http('GET', href, { headers: { Translate: 'f' } });
    const vtz = 'BEGIN:VTIMEZONE' + get.text.split('BEGIN:VTIMEZONE')[1]!.split('END:VTIMEZONE')[0] + 'END:VTIMEZONE\r\n';
    assert.equal(vtz.split('TZID:')[1]!.split('\r\n')[0], 'W. Europe Standard Time');
    assert.equal((await http('DELETE', tmp)).status, 200);
  });

  test('Event.createOrUpdate: PUT an .ics item with If-None-Match: *, then 412 on a second create', async () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'PRODID:-//davmail.sf.net/NONSGML DavMail Calendar V1.1//EN',
      'VERSION:2.0',
      'METHOD:PUBLISH',
      'BEGIN:VEVENT',
      'UID:dm-event-1',
      'DTSTAMP:20301101T000000Z',
      'DTSTART;TZID=W. Europe Standard Time:20301115T100000Z',
      'DTEND;TZID=W. Europe Standard Time:20301115T110000Z',
      'SUMMARY:Jour fixe',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const mime = `Content-Transfer-Encoding: 8bit\r\nContent-class: urn:content-classes:appointment\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n\tboundary="----=_Part_0"\r\n\r\n------=_Part_0\r\nContent-Type: text/calendar;charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${ics}\r\n------=_Part_0--\r\n`;
    const path = `${encodeURI(folders.calendar!)}/dm-event-1.ics`;
    const headers = { Translate: 'f', Overwrite: 'f', 'If-None-Match': '*', 'Content-Type': 'message/rfc822' };
    const put = await http('PUT', path, { headers, body: mime });
    assert.equal(put.status, 201);
    eventEtag = put.headers.get('getetag')!;
    assert.ok(eventEtag);
    assert.equal((await http('PUT', path, { headers, body: mime })).status, 412);
  });

  test('getEventMessages: SEARCH the calendar the DavMail way and find the event with the PUT etag', async () => {
    const sql =
      `SELECT "http://schemas.microsoft.com/exchange/permanenturl","urn:schemas:httpmail:subject","DAV:contentclass","DAV:displayname","http://schemas.microsoft.com/mapi/proptag/x10f3001f","urn:schemas:calendar:instancetype","DAV:getetag"` +
      ` FROM SCOPE('Shallow TRAVERSAL OF "${folders.calendar}"') WHERE ("DAV:isfolder" = false And "DAV:ishidden" = false And (("http://schemas.microsoft.com/exchange/outlookmessageclass" = 'IPM.Appointment' Or "http://schemas.microsoft.com/exchange/outlookmessageclass" = 'IPM.Appointment.MeetingEvent') And ("urn:schemas:calendar:instancetype" = 1 Or ("urn:schemas:calendar:instancetype" = 0 And "urn:schemas:calendar:dtend" > '2030/11/01 00:00:00' And "urn:schemas:calendar:dtstart" < '2030/12/01 00:00:00'))))` +
      ` ORDER BY "http://schemas.microsoft.com/mapi/proptag/x0e230003" DESC`;
    const r = await http('SEARCH', encodeURI(folders.calendar!), { headers: { 'Content-Type': 'text/xml' }, body: searchBody(sql) });
    assert.equal(r.headers.get('content-type'), 'text/xml');
    const [row] = rows(r.text);
    assert.equal(row!.ok.x10f3001f, 'dm-event-1.ics');
    assert.equal(row!.ok.instancetype, '0');
    assert.equal(row!.ok.getetag, eventEtag);
    permanentUrl = String(row!.ok.permanenturl);
  });

  test('Event.getBody: PROPFIND the permanent URL for PR_INTERNET_CONTENT, then GET it with Translate: f', async () => {
    const pf = await http('PROPFIND', permanentUrl, { headers: { Depth: '0' }, body: propfindBody('<g:x66590102/>') });
    assert.equal(pf.status, 207);
    const get = await http('GET', permanentUrl, { headers: { Translate: 'f', 'Content-Type': 'text/xml; charset=utf-8' } });
    assert.equal(get.status, 200);
    assert.match(get.text, /BEGIN:VEVENT[\s\S]*UID:dm-event-1[\s\S]*END:VEVENT/);
  });

  test('sendEvent: PUT a calendarmessage into Drafts (201) and MOVE it to sendmsg (200)', async () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'METHOD:REQUEST',
      'BEGIN:VEVENT',
      'UID:dm-event-1',
      'SEQUENCE:1',
      'DTSTART:20301115T100000Z',
      'DTEND:20301115T110000Z',
      'SUMMARY:Jour fixe',
      'ORGANIZER:MAILTO:klaus@example.com',
      'ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:MAILTO:alice@example.com',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const mime = `Content-class: urn:content-classes:calendarmessage\r\nTo: alice@example.com\r\nSubject: Jour fixe\r\nMIME-Version: 1.0\r\nContent-Type: text/calendar; method=REQUEST; charset="utf-8"\r\n\r\n${ics}`;
    const draft = `${encodeURI(folders.drafts!)}/${crypto.randomUUID()}.EML`;
    assert.equal((await http('PUT', draft, { headers: { Translate: 'f', 'Content-Type': 'message/rfc822' }, body: mime })).status, 201);
    const move = await http('MOVE', draft, { headers: { Destination: encodeURI(folders.sendmsg!).replace(/#/g, '%23'), Overwrite: 'T' } });
    assert.equal(move.status, 200);
    const inbox = (await (await fetch(`${emu.url}/_emulator/mailboxes/alice/items?folder=inbox`)).json()) as { props: Record<string, string> }[];
    assert.ok(inbox.some((i) => i.props['urn:schemas:calendar:uid'] === 'dm-event-1'));
  });

  test('processItem: PROPPATCH processed and read on a received message; deleteItem: DELETE answers 200', async () => {
    const path = `${encodeURI(folders.calendar!)}/dm-event-1.ics`;
    const r = await http('PROPPATCH', path, {
      headers: { 'Content-Type': 'text/xml' },
      body: proppatchBody('<g:x65e8000b>true</g:x65e8000b><d:read>1</d:read>'),
    });
    assert.equal(r.status, 207);
    assert.equal((await http('DELETE', path)).status, 200);
    assert.equal((await http('GET', path, { headers: { Translate: 'f' } })).status, 404);
  });

  test('getFreebusy: lower-case cmd, one u=, Edge UA, and the last <a:fbdata> read literally', async () => {
    await fetch(`${emu.url}/exchange/alice/Calendar/x.EML`, {
      method: 'PROPPATCH',
      headers: { Authorization: `Basic ${Buffer.from('alice:demo').toString('base64')}`, 'Content-Type': 'text/xml' },
      body: proppatchBody(
        '<a:contentclass>urn:content-classes:appointment</a:contentclass><e:dtstart b:dt="dateTime.tz">2030-11-15T10:00:00.000Z</e:dtstart><e:dtend b:dt="dateTime.tz">2030-11-15T10:30:00.000Z</e:dtend><e:busystatus>BUSY</e:busystatus>',
      ),
    });
    const r = await http('GET', '/public/?cmd=freebusy&start=2030-11-15T09:00:00Z&end=2030-11-15T11:00:00Z&interval=15&u=SMTP:alice@example.com', {
      headers: { 'Content-Type': 'text/xml' },
    });
    assert.equal(r.status, 200);
    const start = r.text.lastIndexOf('<a:fbdata>');
    assert.equal(r.text.slice(start + 10, r.text.indexOf('</a:fbdata>', start)), '00002200');
  });
});
