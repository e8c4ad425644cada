import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../index.ts';
import { basic, createAppointment, dav, start, useEmulator } from '../testing/client.ts';
import { createMeeting, items, mimeOf, parseCalendar, type MeetingSpec } from '../testing/meetings.ts';

const CLASS = 'http://schemas.microsoft.com/exchange/outlookmessageclass';
const UID = 'urn:schemas:calendar:uid';
const IE = 'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)';

let n = 0;
function meeting(over: Partial<MeetingSpec> = {}): MeetingSpec {
  n += 1;
  return {
    uid: `owa-${n}`,
    subject: `Planning ${n}`,
    start: '2030-11-20T09:00:00.000Z',
    end: '2030-11-20T10:00:00.000Z',
    to: 'bob@example.com',
    cc: 'rita@example.com',
    bcc: 'thames@example.com',
    ...over,
  };
}

function owaForm(fields: [string, string][]): string {
  return fields.map(([k, v]) => `${k}=${v}`).join('\n');
}

describe('OWA commands', () => {
  const emu = useEmulator();

  const owa = (method: string, path: string, body?: string, contentType = 'application/x-www-UTF8-encoded') =>
    fetch(`${emu.url}${path}`, {
      method,
      redirect: 'manual',
      headers: { Authorization: basic('booking-svc'), 'User-Agent': IE, 'Accept-Language': 'en-us', ...(body ? { 'Content-Type': contentType } : {}) },
      body,
    });

  test('Cmd=getcancel drafts a cancellation in Drafts and redirects to it; MOVE sends it and the room frees the slot', async () => {
    const m = meeting();
    const { item } = await createMeeting(emu.url, 'booking-svc', 'alice', m);
    const res = await owa('GET', `${item}?Cmd=getcancel`);
    assert.equal(res.status, 302);
    const draftUrl = new URL(res.headers.get('location')!);
    assert.match(decodeURIComponent(draftUrl.pathname), /^\/exchange\/alice\/Drafts\/Canceled: Planning \d+\.EML$/);
    const [draft] = await items(emu.url, 'alice', 'drafts');
    assert.equal(draft!.props[CLASS], 'IPM.Schedule.Meeting.Canceled');
    assert.equal(String(draft!.props['urn:schemas:calendar:sequence']), '1');
    const move = await dav(emu.url, 'MOVE', draftUrl.pathname, {
      user: 'booking-svc',
      headers: { Destination: '/exchange/alice/%23%23DavMailSubmissionURI%23%23/' },
    });
    assert.equal(move.status, 200);
    assert.equal((await dav(emu.url, 'DELETE', item, { user: 'booking-svc' })).status, 200);
    const cancel = (await items(emu.url, 'bob', 'inbox')).find((i) => i.props[CLASS] === 'IPM.Schedule.Meeting.Canceled');
    const cal = parseCalendar(await mimeOf(emu.url, 'bob', cancel!));
    assert.equal(cal.method, 'CANCEL');
    assert.equal(cal.event.uid, m.uid);
    assert.equal(cal.event.sequence, 1);
    assert.equal((await items(emu.url, 'thames', 'calendar')).length, 0);
    assert.equal((await items(emu.url, 'alice', 'calendar')).length, 0);
  });

  test('Cmd=getcancel on an item that is not a meeting answers that item page, drafting nothing', async () => {
    await createAppointment(emu.url, 'booking-svc', '/exchange/alice/Calendar/solo.EML', {
      subject: 'Dentist',
      start: '2030-11-20T09:00:00.000Z',
      end: '2030-11-20T10:00:00.000Z',
    });
    const res = await owa('GET', '/exchange/alice/Calendar/solo.EML?Cmd=getcancel');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Dentist/);
    assert.equal((await items(emu.url, 'alice', 'drafts')).length, 0);
  });

  test('Cmd=sendappt sends the update with a higher SEQUENCE to everyone and a cancellation to removed attendees', async () => {
    const m = meeting();
    const { item } = await createMeeting(emu.url, 'booking-svc', 'alice', m);
    const body = owaForm([
      ['Cmd', 'sendappt'],
      ['Required', 'bob@example.com'],
      ['Optional', ''],
      ['Resource', 'thames@example.com'],
      ['FormType', 'appointment'],
      ['MsgID', `/Calendar/${m.uid}.EML`],
      ['urn:schemas:httpmail:subject', 'Planning (moved)'],
      ['urn:schemas:calendar:dtstart', '2030-11-20T13:00:00.000Z'],
      ['urn:schemas:calendar:dtend', '2030-11-20T14:00:00.000Z'],
      ['urn:schemas:calendar:location', 'Thames'],
      ['CALENDAR:UID', `/Calendar/${m.uid}.EML`],
      ['urn:schemas:calendar:responserequested', '1'],
      ['http://schemas.microsoft.com/exchange/subject-utf8', 'Planning (moved)'],
    ]);
    const res = await owa('POST', item, body);
    assert.equal(res.status, 302);
    assert.equal(new URL(res.headers.get('location')!).pathname, item);
    const update = (await items(emu.url, 'bob', 'inbox'))
      .filter((i) => i.props[UID] === m.uid)
      .find((i) => String(i.props['urn:schemas:calendar:sequence']) === '1');
    assert.ok(update, 'bob got SEQUENCE 1');
    const cal = parseCalendar(await mimeOf(emu.url, 'bob', update));
    assert.equal(cal.method, 'REQUEST');
    assert.equal(cal.event.summary, 'Planning (moved)');
    const ritaCancel = (await items(emu.url, 'rita', 'inbox')).find((i) => i.props[CLASS] === 'IPM.Schedule.Meeting.Canceled');
    assert.ok(ritaCancel, 'rita, removed, gets a cancellation');
    const [booking] = await items(emu.url, 'thames', 'calendar');
    assert.equal(booking!.props['urn:schemas:calendar:dtstart'], '2030-11-20T13:00:00.000Z');
    assert.ok((await items(emu.url, 'alice', 'sentitems')).some((i) => String(i.props['urn:schemas:calendar:sequence']) === '1'));
  });

  test('Cmd=sendappt with empty attendee fields sends to the attendees already on the item', async () => {
    const m = meeting();
    const { item } = await createMeeting(emu.url, 'booking-svc', 'alice', m);
    await owa(
      'POST',
      item,
      owaForm([
        ['Cmd', 'sendappt'],
        ['Required', ''],
        ['Optional', ''],
        ['Resource', ''],
        ['FormType', 'appointment'],
        ['urn:schemas:calendar:location', 'Severn'],
      ]),
    );
    assert.ok((await items(emu.url, 'rita', 'inbox')).some((i) => String(i.props['urn:schemas:calendar:sequence']) === '1'));
  });

  test('Cmd=sendappt with a malformed body answers 200 with an OWA error page and changes nothing', async () => {
    const m = meeting();
    const { item } = await createMeeting(emu.url, 'booking-svc', 'alice', m);
    for (const body of [
      'garbage without fields',
      owaForm([
        ['Cmd', 'sendappt'],
        ['urn:schemas:calendar:dtstart', 'next tuesday-ish'],
      ]),
      owaForm([
        ['Cmd', 'sendappt'],
        ['FormType', 'note'],
      ]),
    ]) {
      const res = await owa('POST', item, body);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /errMsg/);
    }
    const [own] = await items(emu.url, 'alice', 'calendar');
    assert.equal(own!.props['urn:schemas:calendar:dtstart'], m.start);
    assert.equal((await items(emu.url, 'bob', 'inbox')).length, 1);
  });

  test('Cmd=sendappt on an item that is not an appointment answers the OWA error page', async () => {
    await dav(emu.url, 'PROPPATCH', '/exchange/alice/Drafts/note.EML', {
      user: 'alice',
      body: '<?xml version="1.0"?><a:propertyupdate xmlns:a="DAV:" xmlns:d="urn:schemas:httpmail:"><a:set><a:prop><d:subject>n</d:subject></a:prop></a:set></a:propertyupdate>',
    });
    const res = await owa(
      'POST',
      '/exchange/alice/Drafts/note.EML',
      owaForm([
        ['Cmd', 'sendappt'],
        ['FormType', 'appointment'],
      ]),
    );
    assert.equal(res.status, 200);
    assert.match(await res.text(), /not an appointment/);
  });

  test('Cmd=saveappt answers itemHREF, and that item GETs as MIME with a VTIMEZONE (DavMail loadVtimezone)', async () => {
    assert.equal((await dav(emu.url, 'MKCOL', '/exchange/klaus/davmailtemp', { user: 'klaus' })).status, 201);
    const res = await fetch(`${emu.url}/exchange/klaus/davmailtemp`, {
      method: 'POST',
      headers: { Authorization: basic('klaus'), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'Cmd=saveappt&FORMTYPE=appointment',
    });
    assert.equal(res.status, 200);
    const href = /<span id="itemHREF">([^<]+)<\/span>/.exec(await res.text())?.[1];
    assert.ok(href);
    const mime = await dav(emu.url, 'GET', new URL(href).pathname, { user: 'klaus', headers: { Translate: 'f' } });
    assert.match(mime.text, /BEGIN:VTIMEZONE\r\nTZID:W\. Europe Standard Time[\s\S]*END:VTIMEZONE/);
    assert.equal((await dav(emu.url, 'DELETE', '/exchange/klaus/davmailtemp', { user: 'klaus' })).status, 200);
  });

  test('an unknown Cmd answers an OWA error page with 200', async () => {
    const res = await owa('GET', '/exchange/alice/Inbox/?Cmd=frobnicate');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /not supported/);
  });
});

describe('OWA meeting answers', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  const get = (user: string, href: string) => fetch(href, { redirect: 'manual', headers: { Authorization: basic(user), 'User-Agent': IE } });

  test('Cmd=accept files the meeting in the attendee calendar and the organizer item records it; Cmd=decline removes it', async () => {
    const m = meeting({ cc: undefined, bcc: undefined });
    await createMeeting(emu.url, 'booking-svc', 'alice', m);
    const [request] = (await items(emu.url, 'bob', 'inbox')).filter((i) => i.props[UID] === m.uid);
    const accepted = await get('bob', `${request!.href}?Cmd=accept`);
    assert.equal(accepted.status, 302);
    assert.equal(new URL(accepted.headers.get('location')!).pathname, '/exchange/bob/Inbox/');
    const [booked] = await items(emu.url, 'bob', 'calendar');
    assert.equal(booked!.props[UID], m.uid);
    assert.equal(String(booked!.props['http://schemas.microsoft.com/mapi/responsestatus']), '3');
    const reply = (await items(emu.url, 'alice', 'inbox')).find((i) => i.props[UID] === m.uid);
    assert.equal(reply?.props[CLASS], 'IPM.Schedule.Meeting.Resp.Pos');
    const [own] = await items(emu.url, 'alice', 'calendar');
    assert.deepEqual(
      own!.responses.map((r) => [r.address, r.partstat]),
      [['bob@example.com', 'ACCEPTED']],
    );
    await get('bob', `${request!.href}?Cmd=decline`);
    assert.equal((await items(emu.url, 'bob', 'calendar')).length, 0);
    const [after] = await items(emu.url, 'alice', 'calendar');
    assert.deepEqual(
      after!.responses.map((r) => r.partstat),
      ['DECLINED'],
    );
  });

  test('Cmd=tentative files the meeting as tentative', async () => {
    const m = meeting({ cc: undefined, bcc: undefined });
    await createMeeting(emu.url, 'booking-svc', 'alice', m);
    const [request] = (await items(emu.url, 'bob', 'inbox')).filter((i) => i.props[UID] === m.uid);
    await get('bob', `${request!.href}?Cmd=tentative`);
    const booked = (await items(emu.url, 'bob', 'calendar')).find((i) => i.props[UID] === m.uid);
    assert.equal(booked?.props['urn:schemas:calendar:busystatus'], 'TENTATIVE');
  });

  test('Cmd=accept on something that is not a meeting request answers the OWA error page', async () => {
    await createAppointment(emu.url, 'bob', '/exchange/bob/Calendar/own.EML', {
      subject: 'Own',
      start: '2030-11-20T09:00:00.000Z',
      end: '2030-11-20T10:00:00.000Z',
    });
    const res = await get('bob', `${emu.url}/exchange/bob/Calendar/own.EML?Cmd=accept`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /errMsg/);
  });
});
