import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../index.ts';
import { dav, propfindBody, rows, start } from '../testing/client.ts';

const WELL_KNOWN = '<d:inbox/><d:deleteditems/><d:sentitems/><d:sendmsg/><d:drafts/><d:calendar/><d:tasks/><d:contacts/><d:outbox/>';

describe('PROPFIND', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  test('getWellKnownFolders: PROPFIND on the mailbox root answers every folder URL in one 200 propstat', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/exchange/alice/', { user: 'alice', headers: { Depth: '0', Brief: 't' }, body: propfindBody(WELL_KNOWN) });
    assert.equal(r.status, 207);
    assert.equal(r.headers.get('content-type'), 'text/xml');
    assert.match(r.headers.get('ms-webstorage') ?? '', /^6\.5\./);
    const [row] = rows(r.text);
    assert.equal(row!.href, `${emu.url}/exchange/alice/`);
    assert.equal(row!.ok.calendar, `${emu.url}/exchange/alice/Calendar`);
    assert.equal(row!.ok.inbox, `${emu.url}/exchange/alice/Inbox`);
    assert.equal(row!.ok.sentitems, `${emu.url}/exchange/alice/Sent%20Items`);
    assert.equal(row!.ok.deleteditems, `${emu.url}/exchange/alice/Deleted%20Items`);
    assert.equal(row!.ok.drafts, `${emu.url}/exchange/alice/Drafts`);
    assert.equal(row!.ok.sendmsg, `${emu.url}/exchange/alice/%23%23DavMailSubmissionURI%23%23/`);
    assert.equal(row!.ok.outbox, `${emu.url}/exchange/alice/Outbox`);
  });

  test('getWellKnownFolders: a German mailbox answers localized, %-encoded folder names', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/exchange/klaus/', { user: 'klaus', headers: { Depth: '0' }, body: propfindBody(WELL_KNOWN) });
    const [row] = rows(r.text);
    assert.equal(row!.ok.calendar, `${emu.url}/exchange/klaus/Kalender`);
    assert.equal(row!.ok.inbox, `${emu.url}/exchange/klaus/Posteingang`);
    assert.equal(row!.ok.drafts, `${emu.url}/exchange/klaus/Entw%C3%BCrfe`);
    assert.equal(row!.ok.sentitems, `${emu.url}/exchange/klaus/Gesendete%20Objekte`);
    assert.equal(row!.ok.deleteditems, `${emu.url}/exchange/klaus/Gel%C3%B6schte%20Objekte`);
    const folder = await dav(emu.url, 'PROPFIND', '/exchange/klaus/Entw%C3%BCrfe/', {
      user: 'klaus',
      headers: { Depth: '0' },
      body: propfindBody('<a:displayname/>'),
    });
    assert.equal(rows(folder.text)[0]!.ok.displayname, 'Entwürfe');
  });

  test('PROPFIND uses Exchange prefixes: a: for DAV:, b: datatypes, letters only, typed values', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/exchange/alice/Calendar/', {
      user: 'alice',
      headers: { Depth: '0' },
      body: propfindBody('<f:outlookfolderclass/><a:getlastmodified/><a:isfolder/><a:nosuchprop/>'),
    });
    assert.match(r.text, /^<\?xml version="1.0"\?><a:multistatus xmlns:b="urn:uuid:c2f41010-65b3-11d1-a29f-00aa00c14882\/" xmlns:c="xml:" xmlns:d="[^"]+"/);
    assert.doesNotMatch(r.text, /<[a-z]*[0-9][a-z0-9]*:/);
    const [row] = rows(r.text);
    assert.equal(row!.ok.outlookfolderclass, 'IPF.Appointment');
    assert.equal(row!.types.getlastmodified, 'dateTime.tz');
    assert.match(String(row!.ok.getlastmodified), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(row!.types.isfolder, 'boolean');
    assert.equal(row!.ok.isfolder, '1');
    assert.deepEqual(row!.failed['HTTP/1.1 404 Resource Not Found'], ['nosuchprop']);
  });

  test('PROPFIND with Brief: t leaves out the 404 propstat', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/exchange/alice/Calendar/', {
      user: 'alice',
      headers: { Depth: '0', Brief: 't' },
      body: propfindBody('<a:displayname/><a:nosuchprop/>'),
    });
    assert.deepEqual(rows(r.text)[0]!.failed, {});
  });

  test('PROPFIND Depth 1 lists the folder and its visible subfolders', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/exchange/alice/', { user: 'alice', headers: { Depth: '1' }, body: propfindBody('<a:displayname/>') });
    const names = rows(r.text).map((x) => x.ok.displayname);
    assert.ok(names.includes('alice'));
    assert.ok(names.includes('Calendar'));
    assert.ok(names.includes('Sent Items'));
    assert.ok(!names.includes('NON_IPM_SUBTREE'));
  });

  test('PROPFIND on /public/ answers 207 (DavMail checks public folder access)', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/public/', { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<a:displayname/>') });
    assert.equal(r.status, 207);
    assert.equal(r.headers.get('content-type'), 'text/xml');
  });

  test('PROPFIND answers 404 for an unknown mailbox', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/exchange/nobody/', { user: 'alice', headers: { Depth: '0' } });
    assert.equal(r.status, 404);
  });

  test('PROPFIND answers 404 for a missing folder and for the submission URI', async () => {
    assert.equal((await dav(emu.url, 'PROPFIND', '/exchange/alice/Nope/', { user: 'alice', headers: { Depth: '0' } })).status, 404);
    assert.equal((await dav(emu.url, 'PROPFIND', '/exchange/alice/%23%23DavMailSubmissionURI%23%23/', { user: 'alice', headers: { Depth: '0' } })).status, 404);
  });

  test('PROPFIND answers 403 for another user mailbox without delegation', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/exchange/bob/', { user: 'alice', headers: { Depth: '0' } });
    assert.equal(r.status, 403);
  });

  test('PROPFIND lets the delegate service account open any mailbox', async () => {
    for (const mbx of ['alice', 'thames', 'spree']) {
      const r = await dav(emu.url, 'PROPFIND', `/exchange/${mbx}/`, { user: 'booking-svc', headers: { Depth: '0' }, body: propfindBody('<d:calendar/>') });
      assert.equal(r.status, 207, mbx);
    }
    const spree = await dav(emu.url, 'PROPFIND', '/exchange/spree/', {
      user: 'EXAMPLE\\booking-svc',
      headers: { Depth: '0' },
      body: propfindBody('<d:calendar/>'),
    });
    assert.equal(rows(spree.text)[0]!.ok.calendar, `${emu.url}/exchange/spree/Kalender`);
  });

  test('PROPFIND answers 401 with challenges for a wrong password', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/exchange/alice/', { user: 'alice', password: 'nope', headers: { Depth: '0' } });
    assert.equal(r.status, 401);
    const challenge = r.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /NTLM/);
    assert.match(challenge, /Basic/);
  });

  test('PROPFIND without credentials answers 440 when forms login is on', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/exchange/alice/', { headers: { Depth: '0' } });
    assert.equal(r.status, 440);
  });

  test('PROPFIND answers 400 for a malformed body and leaves the server working', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/exchange/alice/', { user: 'alice', headers: { Depth: '0' }, body: '<a:propfind xmlns:a="DAV:"><a:prop>' });
    assert.equal(r.status, 400);
    const ok = await dav(emu.url, 'PROPFIND', '/exchange/alice/', { user: 'alice', headers: { Depth: '0' } });
    assert.equal(ok.status, 207);
  });
});

describe('startEmulator() with forms off', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ auth: { forms: false } });
  });
  after(() => emu.close());

  test('PROPFIND without credentials answers 401 with Basic and NTLM challenges', async () => {
    const r = await dav(emu.url, 'PROPFIND', '/exchange/alice/', { headers: { Depth: '0' } });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /Basic realm=/);
  });
});
