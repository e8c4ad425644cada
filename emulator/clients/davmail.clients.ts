// DavMail 6 (Debian's package) in WebDav mode against the emulator, on each side it speaks: CalDAV (create,
// read, update with If-Match, delete and 404 after, REPORT with a time range, free/busy), IMAP (LOGIN, LIST
// with localized folders, SELECT INBOX, FETCH flags and headers of a delivered meeting request, APPEND) and
// LDAP (the directory search for "bob"). Run with `npm run test:clients`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../index.ts';
import { ensurePackages, Imap, run, startDavmail, type Davmail } from './support.ts';

let emu: RunningEmulator;
let dm: Davmail;

before(async () => {
  ensurePackages();
  // Forms login on, as DavMail 6.0.1 needs (its Basic/NTLM branch fails on a cookieless 401, §17.1).
  emu = await startEmulator({ controlApi: true });
  dm = await startDavmail(`${emu.url}/exchange/`);
});

after(async () => {
  await dm?.stop();
  await emu?.close();
});

const auth = (user: string) => `Basic ${Buffer.from(`${user}:demo`).toString('base64')}`;

function caldav(method: string, path: string, headers: Record<string, string> = {}, body?: string, user = 'alice') {
  return fetch(`http://127.0.0.1:${dm.caldav}${path}`, { method, headers: { Authorization: auth(user), ...headers }, body });
}

function event(uid: string, summary: string, start: string, end: string): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//roombook//clients test//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20300101T000000Z',
    `DTSTART:${start}`,
    `DTEND:${end}`,
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

async function items(alias: string, folder: string): Promise<{ name: string; props: Record<string, unknown> }[]> {
  const r = await fetch(`${emu.url}/_emulator/mailboxes/${alias}/items?folder=${folder}`);
  return (await r.json()) as { name: string; props: Record<string, unknown> }[];
}

describe('DavMail CalDAV', () => {
  const cal = '/users/alice@example.com/calendar/';

  test('create, read, update with If-Match, REPORT a time range, delete and 404 after it', async () => {
    const path = `${cal}clients-1.ics`;
    const created = await caldav(
      'PUT',
      path,
      { 'Content-Type': 'text/calendar', 'If-None-Match': '*' },
      event('clients-1', 'Planning', '20300610T090000Z', '20300610T100000Z'),
    );
    assert.equal(created.status, 201, await created.text());
    const etag = created.headers.get('etag');
    assert.ok(etag, 'DavMail passes on the emulator etag');
    assert.equal((await items('alice', 'calendar')).filter((i) => i.name === 'clients-1.ics').length, 1);

    const got = await caldav('GET', path);
    assert.equal(got.status, 200);
    const body = await got.text();
    assert.match(body, /UID:clients-1/);
    assert.match(body, /SUMMARY:Planning/);

    const stale = await caldav(
      'PUT',
      path,
      { 'Content-Type': 'text/calendar', 'If-Match': '"not-the-etag"' },
      event('clients-1', 'Stale', '20300610T090000Z', '20300610T100000Z'),
    );
    assert.equal(stale.status, 412);
    const updated = await caldav(
      'PUT',
      path,
      { 'Content-Type': 'text/calendar', 'If-Match': etag },
      event('clients-1', 'Planning v2', '20300610T093000Z', '20300610T103000Z'),
    );
    assert.ok([200, 201, 204].includes(updated.status), `update answered ${updated.status}`);
    assert.match(await (await caldav('GET', path)).text(), /SUMMARY:Planning v2/);

    const report = await caldav(
      'REPORT',
      cal,
      { 'Content-Type': 'text/xml', Depth: '1' },
      '<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>' +
        '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20300601T000000Z" end="20300701T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>',
    );
    assert.equal(report.status, 207);
    const reportText = await report.text();
    assert.match(reportText, /clients-1\.ics/);
    const outside = await caldav(
      'REPORT',
      cal,
      { 'Content-Type': 'text/xml', Depth: '1' },
      '<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>' +
        '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20310101T000000Z" end="20310201T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>',
    );
    assert.doesNotMatch(await outside.text(), /clients-1\.ics/);

    const del = await caldav('DELETE', path);
    assert.ok([200, 204].includes(del.status), `DELETE answered ${del.status}`);
    // Issue 11 item 1: the emulator's 404 page must not parse as XML, or DavMail turns this into a 503.
    assert.equal((await caldav('GET', path)).status, 404);
    assert.equal((await items('alice', 'calendar')).filter((i) => i.name === 'clients-1.ics').length, 0);
  });

  test('free/busy through the outbox shows a booked slot busy', async () => {
    const booked = await caldav(
      'PUT',
      `${cal}clients-fb.ics`,
      { 'Content-Type': 'text/calendar', 'If-None-Match': '*' },
      event('clients-fb', 'Busy time', '20300611T090000Z', '20300611T100000Z'),
    );
    assert.equal(booked.status, 201);
    const request = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//roombook//clients test//EN',
      'METHOD:REQUEST',
      'BEGIN:VFREEBUSY',
      'UID:fb-1',
      'DTSTAMP:20300101T000000Z',
      'DTSTART:20300611T000000Z',
      'DTEND:20300612T000000Z',
      'ORGANIZER:mailto:bob@example.com',
      'ATTENDEE:mailto:alice@example.com',
      'END:VFREEBUSY',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const r = await caldav(
      'POST',
      '/users/bob@example.com/outbox/',
      { 'Content-Type': 'text/calendar', Originator: 'mailto:bob@example.com', Recipient: 'mailto:alice@example.com' },
      request,
      'bob',
    );
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.match(text, /BEGIN:VFREEBUSY/);
    assert.match(text, /FREEBUSY;FBTYPE=BUSY[^:]*:20300611T090000Z\/20300611T100000Z/);
  });
});

const MEETING_REQUEST = [
  'From: Bob Baker <bob@example.com>',
  'To: alice@example.com',
  'Subject: Quarterly planning',
  'MIME-Version: 1.0',
  'Content-Type: text/calendar; method=REQUEST; charset=utf-8',
  '',
  'BEGIN:VCALENDAR',
  'METHOD:REQUEST',
  'VERSION:2.0',
  'PRODID:-//roombook//clients test//EN',
  'BEGIN:VEVENT',
  'UID:clients-imap-1',
  'DTSTAMP:20300101T000000Z',
  'DTSTART:20301010T090000Z',
  'DTEND:20301010T100000Z',
  'SUMMARY:Quarterly planning',
  'ORGANIZER:mailto:bob@example.com',
  'ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:alice@example.com',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('DavMail IMAP', () => {
  test('LOGIN, LIST (localized folders), SELECT INBOX, FETCH flags and headers of a delivered meeting request, APPEND', async () => {
    const sent = await fetch(`${emu.url}/_emulator/mailboxes/bob/submit`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ mime: MEETING_REQUEST }),
    });
    assert.equal(sent.status, 200);

    const { imap, greeting } = await Imap.open(dm.imap);
    try {
      assert.match(greeting, /^\* OK/);
      assert.ok((await imap.command('LOGIN alice demo')).ok);
      const list = await imap.command('LIST "" "*"');
      assert.ok(list.ok);
      assert.match(list.text, /"INBOX"/);
      assert.match(list.text, /\\Drafts/);
      assert.match(list.text, /\\Sent/);
      const select = await imap.command('SELECT INBOX');
      assert.ok(select.ok, select.text);
      assert.match(select.text, /\* 1 EXISTS/);
      const fetched = await imap.command('FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT FROM CONTENT-TYPE)])');
      assert.ok(fetched.ok, fetched.text);
      assert.match(fetched.text, /FLAGS \(/);
      assert.match(fetched.text, /Subject: Quarterly planning/);
      assert.match(fetched.text, /From: Bob Baker <bob@example\.com>/);
      assert.match(fetched.text, /Content-Type: text\/calendar; method=REQUEST/);

      const appended = await imap.append('INBOX', 'From: alice@example.com\r\nTo: alice@example.com\r\nSubject: Appended by IMAP\r\n\r\nhello\r\n');
      assert.ok(appended.ok, appended.text);
      const inbox = await items('alice', 'inbox');
      assert.ok(inbox.some((i) => String(i.props['urn:schemas:httpmail:subject']) === 'Appended by IMAP'));
      await imap.command('LOGOUT');
    } finally {
      imap.close();
    }

    // A German mailbox: DavMail finds the localized special folders through the root's httpmail URLs.
    const { imap: de } = await Imap.open(dm.imap);
    try {
      assert.ok((await de.command('LOGIN klaus demo')).ok);
      const list = await de.command('LIST "" "*"');
      assert.ok(list.ok);
      assert.match(list.text, /\\Drafts[^\r\n]*"Drafts"/);
      assert.match(list.text, /\\Trash[^\r\n]*"Trash"/);
      assert.ok((await de.command('SELECT INBOX')).ok);
      await de.command('LOGOUT');
    } finally {
      de.close();
    }
  });
});

describe('DavMail in a Hungarian mailbox', () => {
  test('CalDAV writes into Naptár and reads it back; IMAP lists the Hungarian special folders and selects the Inbox', async () => {
    const path = '/users/eszter@example.com/calendar/clients-hu.ics';
    const created = await caldav(
      'PUT',
      path,
      { 'Content-Type': 'text/calendar', 'If-None-Match': '*' },
      event('clients-hu', 'Tervezés', '20300612T090000Z', '20300612T100000Z'),
      'eszter',
    );
    assert.equal(created.status, 201, await created.text());
    const stored = await fetch(`${emu.url}/_emulator/mailboxes/eszter/items?folder=${encodeURIComponent('Naptár')}`);
    assert.ok(
      ((await stored.json()) as { name: string }[]).some((i) => i.name === 'clients-hu.ics'),
      'the event is in Naptár',
    );
    assert.match(await (await caldav('GET', path, {}, undefined, 'eszter')).text(), /SUMMARY:Tervezés/);
    assert.ok([200, 204].includes((await caldav('DELETE', path, {}, undefined, 'eszter')).status));

    const { imap } = await Imap.open(dm.imap);
    try {
      assert.ok((await imap.command('LOGIN eszter demo')).ok);
      const list = await imap.command('LIST "" "*"');
      assert.ok(list.ok, list.text);
      assert.match(list.text, /\\Drafts[^\r\n]*"Drafts"/);
      assert.match(list.text, /\\Sent[^\r\n]*"Sent"/);
      assert.match(list.text, /\\Trash[^\r\n]*"Trash"/);
      assert.ok((await imap.command('SELECT INBOX')).ok);
      await imap.command('LOGOUT');
    } finally {
      imap.close();
    }
  });
});

describe('DavMail LDAP', () => {
  test('a directory search for "bob" finds Bob with his address (galfind + gallookup)', async () => {
    const r = await run(
      '/usr/bin/ldapsearch',
      ['-x', '-LLL', '-H', `ldap://127.0.0.1:${dm.ldap}`, '-D', 'alice', '-w', 'demo', '-b', 'ou=people', '(|(cn=*bob*)(uid=bob))'],
      { timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^dn: uid=bob, ?ou=people/m);
    assert.match(r.stdout, /^mail: bob@example\.com/m);
    assert.match(r.stdout, /^cn: Bob Baker/m);
    // Only Cmd=gallookup's <person> answer carries these (galfind has no first/last name fields).
    assert.match(r.stdout, /^givenName: Bob/m);
    assert.match(r.stdout, /^sn: Baker/m);
  });
});
