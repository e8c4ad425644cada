// Outlook 2003's "Propose New Time" and an iCalendar client's METHOD:COUNTER: the organizer's Inbox gets a
// Resp.Tent / Resp.Neg with the counter properties (PSETID_Appointment 0x8257, 0x8250, 0x8251), readable by SEARCH.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../index.ts';
import { dav, rows, searchBody, start } from '../testing/client.ts';

const APPT = 'http://schemas.microsoft.com/mapi/id/{00062002-0000-0000-C000-000000000046}/';

function request(uid: string): string {
  return [
    'Content-class: urn:content-classes:calendarmessage',
    'To: bob@example.com',
    'Subject: Plan',
    'Content-Type: text/calendar; method=REQUEST',
    '',
    'BEGIN:VCALENDAR',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTART:20301121T090000Z',
    'DTEND:20301121T100000Z',
    'SUMMARY:Plan',
    'ORGANIZER:MAILTO:alice@example.com',
    'ATTENDEE;ROLE=REQ-PARTICIPANT:MAILTO:bob@example.com',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describe('counter proposals', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  const post = (path: string, body: unknown) => fetch(`${emu.url}/_emulator${path}`, { method: 'POST', body: JSON.stringify(body) });
  async function responsesOf(uid: string) {
    const sql =
      `SELECT "DAV:href", "http://schemas.microsoft.com/exchange/outlookmessageclass", "urn:schemas:httpmail:subject", ` +
      `"${APPT}0x8257" AS counter, "${APPT}0x8250" AS proposedstart, "${APPT}0x8251" AS proposedend ` +
      `FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/alice/Inbox/"') WHERE "urn:schemas:calendar:uid" = '${uid}' ` +
      `AND "http://schemas.microsoft.com/exchange/outlookmessageclass" LIKE 'IPM.Schedule.Meeting.Resp.%'`;
    const r = await dav(emu.url, 'SEARCH', '/exchange/alice/Inbox/', { user: 'alice', body: searchBody(sql) });
    assert.equal(r.status, 207, r.text);
    return rows(r.text);
  }

  test('the control API makes bob propose a new time: alice gets "New Time Proposed: " as Resp.Tent with the proposal', async () => {
    assert.equal((await post('/mailboxes/alice/submit', { mime: request('counter-1') })).status, 200);
    const res = await post('/mailboxes/bob/respond', {
      uid: 'counter-1',
      response: 'tentative',
      proposedStart: '2030-11-21T13:00:00Z',
      proposedEnd: '2030-11-21T14:30:00Z',
    });
    assert.equal(res.status, 200, await res.text());
    const [row, ...rest] = await responsesOf('counter-1');
    assert.equal(rest.length, 0);
    assert.equal(row!.ok.outlookmessageclass, 'IPM.Schedule.Meeting.Resp.Tent');
    assert.equal(row!.ok.subject, 'New Time Proposed: Plan');
    assert.equal(String(row!.ok.counter), '1');
    assert.equal(row!.ok.proposedstart, '2030-11-21T13:00:00.000Z');
    assert.equal(row!.ok.proposedend, '2030-11-21T14:30:00.000Z');
    // Bob still holds the meeting tentatively at its own time, as Outlook does while a proposal is open.
    const cal = (await (await fetch(`${emu.url}/_emulator/mailboxes/bob/items?folder=calendar`)).json()) as { props: Record<string, string> }[];
    const held = cal.find((i) => i.props['urn:schemas:calendar:uid'] === 'counter-1');
    assert.equal(held?.props['urn:schemas:calendar:dtstart'], '2030-11-21T09:00:00.000Z');
  });

  test('a plain answer through the control API carries no counter properties', async () => {
    await post('/mailboxes/alice/submit', { mime: request('counter-2') });
    assert.equal((await post('/mailboxes/bob/respond', { uid: 'counter-2', response: 'accept' })).status, 200);
    const [row] = await responsesOf('counter-2');
    assert.equal(row!.ok.outlookmessageclass, 'IPM.Schedule.Meeting.Resp.Pos');
    assert.equal(row!.ok.counter, undefined);
  });

  test('METHOD:COUNTER submitted by bob with PARTSTAT=DECLINED arrives as Resp.Neg with the proposed DTSTART/DTEND', async () => {
    await post('/mailboxes/alice/submit', { mime: request('counter-3') });
    const counter = [
      'To: alice@example.com',
      'Subject: New Time Proposed: Plan',
      'Content-Type: text/calendar; method=COUNTER',
      '',
      'BEGIN:VCALENDAR',
      'METHOD:COUNTER',
      'BEGIN:VEVENT',
      'UID:counter-3',
      'DTSTART:20301122T080000Z',
      'DTEND:20301122T090000Z',
      'SUMMARY:Plan',
      'ORGANIZER:MAILTO:alice@example.com',
      'ATTENDEE;PARTSTAT=DECLINED:MAILTO:bob@example.com',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    assert.equal((await post('/mailboxes/bob/submit', { mime: counter })).status, 200);
    const [row] = await responsesOf('counter-3');
    assert.equal(row!.ok.outlookmessageclass, 'IPM.Schedule.Meeting.Resp.Neg');
    assert.equal(String(row!.ok.counter), '1');
    assert.equal(row!.ok.proposedstart, '2030-11-22T08:00:00.000Z');
    assert.equal(row!.ok.proposedend, '2030-11-22T09:00:00.000Z');
  });

  test('the control API refuses a half or backwards proposal and an unknown request', async () => {
    await post('/mailboxes/alice/submit', { mime: request('counter-4') });
    const half = await post('/mailboxes/bob/respond', { uid: 'counter-4', response: 'tentative', proposedStart: '2030-11-21T13:00:00Z' });
    assert.equal(half.status, 400);
    const back = { uid: 'counter-4', response: 'tentative', proposedStart: '2030-11-21T13:00:00Z', proposedEnd: '2030-11-21T12:00:00Z' };
    assert.equal((await post('/mailboxes/bob/respond', back)).status, 400);
    assert.equal((await post('/mailboxes/bob/respond', { uid: 'nope', response: 'accept' })).status, 404);
    assert.equal((await responsesOf('counter-4')).length, 0);
  });
});
