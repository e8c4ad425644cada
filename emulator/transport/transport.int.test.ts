import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../index.ts';
import { dav, start, useEmulator } from '../testing/client.ts';
import { createMeeting, items, mimeOf, parseCalendar, sendRequest, utcOf, type MeetingSpec } from '../testing/meetings.ts';

const CLASS = 'http://schemas.microsoft.com/exchange/outlookmessageclass';
const UID = 'urn:schemas:calendar:uid';

let n = 0;
function meeting(over: Partial<MeetingSpec> = {}): MeetingSpec {
  n += 1;
  return {
    uid: `uid-${n}`,
    subject: `Review ${n}`,
    start: '2030-11-20T09:00:00.000Z',
    end: '2030-11-20T10:00:00.000Z',
    to: 'bob@example.com',
    cc: 'rita@example.com',
    bcc: 'thames@example.com',
    ...over,
  };
}

describe('transport', () => {
  const emu = useEmulator();

  test('MOVE to the submission URI delivers an IPM.Schedule.Meeting.Request to every recipient Inbox', async () => {
    const m = meeting();
    const { move } = await createMeeting(emu.url, 'booking-svc', 'alice', m);
    assert.equal(move.status, 200);
    for (const alias of ['bob', 'rita', 'thames']) {
      const inbox = await items(emu.url, alias, 'inbox');
      const request = inbox.find((i) => i.props[UID] === m.uid);
      assert.ok(request, alias);
      assert.equal(request.props[CLASS], 'IPM.Schedule.Meeting.Request');
      assert.equal(request.props['DAV:contentclass'], 'urn:content-classes:calendarmessage');
      assert.equal(request.name, `${m.subject}.EML`);
    }
    assert.equal((await items(emu.url, 'alice', 'drafts')).length, 0, 'the submitted draft is consumed');
  });

  test('the delivered iCalendar carries METHOD:REQUEST, UID, SEQUENCE, ORGANIZER, attendee roles and zoned times', async () => {
    const m = meeting({ location: 'Thames room' });
    await createMeeting(emu.url, 'booking-svc', 'alice', m);
    const [request] = (await items(emu.url, 'bob', 'inbox')).filter((i) => i.props[UID] === m.uid);
    const cal = parseCalendar(await mimeOf(emu.url, 'bob', request!));
    assert.equal(cal.method, 'REQUEST');
    assert.equal(cal.event.uid, m.uid);
    assert.equal(cal.event.sequence, 0);
    assert.equal(String(cal.event.organizer).toLowerCase(), 'mailto:alice@example.com');
    assert.equal(cal.event.location, 'Thames room');
    const roles = Object.fromEntries(cal.event.attendees.map((a) => [String(a.getFirstValue()).toLowerCase().replace('mailto:', ''), a.getParameter('role')]));
    assert.deepEqual(roles, { 'bob@example.com': 'REQ-PARTICIPANT', 'rita@example.com': 'OPT-PARTICIPANT', 'thames@example.com': 'NON-PARTICIPANT' });
    assert.equal(cal.vevent.getFirstProperty('dtstart')!.getParameter('tzid'), 'GMT Standard Time');
    assert.equal(utcOf(cal.event.startDate, cal.zone), m.start);
    assert.equal(utcOf(cal.event.endDate, cal.zone), m.end);
  });

  test('a copy lands in the sender Sent Items unless Saveinsent: f', async () => {
    const m = meeting();
    await createMeeting(emu.url, 'booking-svc', 'alice', m);
    assert.equal((await items(emu.url, 'alice', 'sentitems')).filter((i) => i.props[UID] === m.uid).length, 1);
    const quiet = meeting();
    await createMeeting(emu.url, 'booking-svc', 'alice', quiet, { Saveinsent: 'f' });
    assert.equal((await items(emu.url, 'alice', 'sentitems')).filter((i) => i.props[UID] === quiet.uid).length, 0);
  });

  test('recipients outside the organisation go to the outbound queue', async () => {
    const m = meeting({ to: 'bob@example.com, partner@elsewhere.test' });
    await createMeeting(emu.url, 'booking-svc', 'alice', m);
    const queue = (await (await fetch(`${emu.url}/_emulator/outbound`)).json()) as { to: string[]; messageClass: string; mime: string }[];
    assert.equal(queue.length, 1);
    assert.deepEqual(queue[0]!.to, ['partner@elsewhere.test']);
    assert.equal(queue[0]!.messageClass, 'IPM.Schedule.Meeting.Request');
    assert.equal(parseCalendar(queue[0]!.mime).event.uid, m.uid);
  });

  test('a free room accepts: the meeting is in its calendar and the organizer item records the acceptance', async () => {
    const m = meeting();
    await createMeeting(emu.url, 'booking-svc', 'alice', m);
    const booked = (await items(emu.url, 'thames', 'calendar')).filter((i) => i.props[UID] === m.uid);
    assert.equal(booked.length, 1);
    assert.equal(booked[0]!.props[CLASS], 'IPM.Appointment');
    assert.equal(booked[0]!.props['urn:schemas:calendar:busystatus'], 'BUSY');
    const reply = (await items(emu.url, 'alice', 'inbox')).find((i) => i.props[UID] === m.uid);
    assert.equal(reply?.props[CLASS], 'IPM.Schedule.Meeting.Resp.Pos');
    assert.equal(reply?.props['urn:schemas:httpmail:subject'], `Accepted: ${m.subject}`);
    const replyCal = parseCalendar(await mimeOf(emu.url, 'alice', reply!));
    assert.equal(replyCal.method, 'REPLY');
    assert.equal(replyCal.event.attendees[0]!.getParameter('partstat'), 'ACCEPTED');
    const [own] = (await items(emu.url, 'alice', 'calendar')).filter((i) => i.props[UID] === m.uid);
    assert.deepEqual(
      own!.responses.map((r) => [r.address, r.partstat]),
      [['thames@example.com', 'ACCEPTED']],
    );
    const ownCal = parseCalendar(await mimeOf(emu.url, 'alice', own!));
    const thames = ownCal.event.attendees.find((a) => String(a.getFirstValue()).toLowerCase() === 'mailto:thames@example.com');
    assert.equal(thames?.getParameter('partstat'), 'ACCEPTED');
  });

  test('a room declines an overlapping request and keeps its calendar unchanged', async () => {
    const first = meeting();
    await createMeeting(emu.url, 'booking-svc', 'alice', first);
    const clash = meeting({ start: '2030-11-20T09:30:00.000Z', end: '2030-11-20T10:30:00.000Z', to: 'alice@example.com' });
    await createMeeting(emu.url, 'booking-svc', 'bob', clash);
    assert.equal((await items(emu.url, 'thames', 'calendar')).length, 1);
    const reply = (await items(emu.url, 'bob', 'inbox')).find((i) => i.props[UID] === clash.uid);
    assert.equal(reply?.props[CLASS], 'IPM.Schedule.Meeting.Resp.Neg');
    const [own] = (await items(emu.url, 'bob', 'calendar')).filter((i) => i.props[UID] === clash.uid);
    assert.deepEqual(
      own!.responses.map((r) => r.partstat),
      ['DECLINED'],
    );
  });

  test('a German room answers with a German subject prefix', async () => {
    const m = meeting({ bcc: 'spree@example.com', cc: undefined });
    await createMeeting(emu.url, 'booking-svc', 'klaus', m);
    const reply = (await items(emu.url, 'klaus', 'inbox')).find((i) => i.props[UID] === m.uid);
    assert.equal(reply?.props['urn:schemas:httpmail:subject'], `Zugesagt: ${m.subject}`);
    assert.equal((await items(emu.url, 'spree', 'calendar')).length, 1);
  });

  test('an update with a higher SEQUENCE moves the room booking; a cancellation removes it', async () => {
    const m = meeting();
    await createMeeting(emu.url, 'booking-svc', 'alice', m);
    const moved = { ...m, sequence: 1, start: '2030-11-20T14:00:00.000Z', end: '2030-11-20T15:00:00.000Z' };
    assert.equal((await sendRequest(emu.url, 'booking-svc', 'alice', moved)).status, 200);
    const [booking] = await items(emu.url, 'thames', 'calendar');
    assert.equal(booking!.props['urn:schemas:calendar:dtstart'], moved.start);
    assert.equal(String(booking!.props['urn:schemas:calendar:sequence']), '1');
    const bobRequests = (await items(emu.url, 'bob', 'inbox'))
      .filter((i) => i.props[UID] === m.uid)
      .map((i) => String(i.props['urn:schemas:calendar:sequence']));
    assert.deepEqual(bobRequests.sort(), ['0', '1']);
    const cancel = { ...moved, sequence: 2 };
    assert.equal((await sendRequest(emu.url, 'booking-svc', 'alice', cancel, {}, 'IPM.Schedule.Meeting.Canceled')).status, 200);
    assert.equal((await items(emu.url, 'thames', 'calendar')).length, 0);
    const bobCancel = (await items(emu.url, 'bob', 'inbox')).find((i) => i.props[CLASS] === 'IPM.Schedule.Meeting.Canceled');
    const cal = parseCalendar(await mimeOf(emu.url, 'bob', bobCancel!));
    assert.equal(cal.method, 'CANCEL');
    assert.equal(cal.event.uid, m.uid);
    assert.equal(cal.event.sequence, 2);
  });

  test('an outdated request (lower SEQUENCE) does not move the room booking', async () => {
    const m = meeting({ sequence: 3 });
    await createMeeting(emu.url, 'booking-svc', 'alice', m);
    await sendRequest(emu.url, 'booking-svc', 'alice', { ...m, sequence: 1, start: '2030-11-20T16:00:00.000Z', end: '2030-11-20T17:00:00.000Z' });
    const [booking] = await items(emu.url, 'thames', 'calendar');
    assert.equal(booking!.props['urn:schemas:calendar:dtstart'], m.start);
  });

  test('DavMail route: PUT of MIME with METHOD:REQUEST into Drafts then MOVE delivers the same calendar', async () => {
    const mime = [
      'Content-class: urn:content-classes:calendarmessage',
      'To: bob@example.com',
      'Subject: From DavMail',
      'MIME-Version: 1.0',
      'Content-Type: text/calendar; method=REQUEST; charset="utf-8"',
      '',
      'BEGIN:VCALENDAR',
      'METHOD:REQUEST',
      'BEGIN:VEVENT',
      'UID:davmail-1',
      'SEQUENCE:0',
      'DTSTART:20301121T090000Z',
      'DTEND:20301121T100000Z',
      'SUMMARY:From DavMail',
      'ORGANIZER:MAILTO:alice@example.com',
      'ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:MAILTO:bob@example.com',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const put = await dav(emu.url, 'PUT', '/exchange/alice/Drafts/dm.EML', {
      user: 'alice',
      headers: { 'Content-Type': 'message/rfc822', Translate: 'f' },
      body: mime,
    });
    assert.equal(put.status, 201);
    const move = await dav(emu.url, 'MOVE', '/exchange/alice/Drafts/dm.EML', {
      user: 'alice',
      headers: { Destination: '/exchange/alice/%23%23DavMailSubmissionURI%23%23', Overwrite: 'F' },
    });
    assert.equal(move.status, 200);
    const request = (await items(emu.url, 'bob', 'inbox')).find((i) => i.props[UID] === 'davmail-1');
    assert.equal(request?.props[CLASS], 'IPM.Schedule.Meeting.Request');
    assert.equal(parseCalendar(await mimeOf(emu.url, 'bob', request!)).event.summary, 'From DavMail');
  });

  test('MOVE of an item to another user submission URI is refused with 403 without delegation', async () => {
    await dav(emu.url, 'PROPPATCH', '/exchange/bob/Drafts/x.EML', {
      user: 'bob',
      body: '<?xml version="1.0"?><a:propertyupdate xmlns:a="DAV:" xmlns:d="urn:schemas:httpmail:"><a:set><a:prop><d:subject>x</d:subject></a:prop></a:set></a:propertyupdate>',
    });
    const r = await dav(emu.url, 'MOVE', '/exchange/bob/Drafts/x.EML', {
      user: 'bob',
      headers: { Destination: '/exchange/alice/%23%23DavMailSubmissionURI%23%23/' },
    });
    assert.equal(r.status, 403);
  });
});

describe('transport Savedestination', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  test('Savedestination keeps the sent copy in the named folder instead of Sent Items', async () => {
    await dav(emu.url, 'MKCOL', '/exchange/alice/Booked', { user: 'alice' });
    const m = meeting();
    await createMeeting(emu.url, 'booking-svc', 'alice', m, { Savedestination: '/exchange/alice/Booked/' });
    assert.equal((await items(emu.url, 'alice', 'Booked')).filter((i) => i.props[UID] === m.uid).length, 1);
    assert.equal((await items(emu.url, 'alice', 'sentitems')).length, 0);
  });
});
