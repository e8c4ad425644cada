// Conformance details real clients (DavMail 6 WebDav mode, cadaver, litmus) depend on — issue 11 items 1–5
// and 7, each over HTTP: non-XML 404 bodies, SEARCH `AS alias`, ISO getlastmodified, PR_SENSITIVITY,
// DAV:resourcetype / getcontentlength, MKCOL 415, Repl-UID, Cmd=gallookup.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createAppointment, dav, propfindBody, proppatchBody, rows, searchBody, useEmulator } from '../testing/client.ts';

const SENSITIVITY = 'http://schemas.microsoft.com/mapi/proptag/x00360003';

function ics(cls: string | undefined, uid: string): string {
  return [
    'Content-Type: text/calendar; charset=utf-8',
    '',
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20300101T000000Z',
    'DTSTART:20300105T090000Z',
    'DTEND:20300105T100000Z',
    'SUMMARY:Private thing',
    ...(cls ? [`CLASS:${cls}`] : []),
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describe('conformance details real Exchange 2003 clients depend on', () => {
  const emu = useEmulator();

  test('404 answers carry an HTML body that is not well-formed XML (IIS 6 page), for PROPFIND, GET and DELETE', async () => {
    for (const method of ['PROPFIND', 'GET', 'DELETE']) {
      const r = await dav(emu.url, method, '/exchange/alice/Calendar/gone.ics', { user: 'alice', headers: { Translate: 'f', Depth: '0' } });
      assert.equal(r.status, 404, method);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(r.text, /<!DOCTYPE HTML PUBLIC/);
      assert.notEqual(XMLValidator.validate(r.text), true, `${method} 404 body must not parse as XML`);
    }
  });

  test('SEARCH takes `AS alias` columns and answers each under its alias (no namespace)', async () => {
    await createAppointment(emu.url, 'alice', '/exchange/alice/Calendar/a.EML', { subject: 'A', start: '2030-01-01T09:00:00Z', end: '2030-01-01T10:00:00Z' });
    const sql =
      'SELECT "http://schemas.microsoft.com/exchange/permanenturl", "http://schemas.microsoft.com/mapi/id/{00062008-0000-0000-C000-000000000046}/0x8570" AS deleted, ' +
      '"urn:schemas:httpmail:subject" AS Subj, "DAV:getlastmodified" AS lastmodified ' +
      `FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/alice/Calendar/"') WHERE "DAV:isfolder" = False`;
    const r = await dav(emu.url, 'SEARCH', '/exchange/alice/Calendar/', { user: 'alice', body: searchBody(sql) });
    assert.equal(r.status, 207);
    assert.match(r.text, /<Subj>A<\/Subj>/);
    assert.match(r.text, /<lastmodified b:dt="dateTime.tz">\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z<\/lastmodified>/);
    assert.match(r.text, /<deleted\/>/); // unset: in the 404 propstat, under its alias
    const [row] = rows(r.text);
    assert.ok(String(row!.ok.permanenturl).includes('-FlatUrlSpace-'));
  });

  test('SEARCH with a malformed alias is still a 400', async () => {
    const r = await dav(emu.url, 'SEARCH', '/exchange/alice/Calendar/', {
      user: 'alice',
      body: searchBody(`SELECT "DAV:href" AS FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/alice/Calendar/"')`),
    });
    assert.equal(r.status, 400);
  });

  test('DAV:getlastmodified is dateTime.tz ISO in PROPFIND and SEARCH', async () => {
    await createAppointment(emu.url, 'alice', '/exchange/alice/Calendar/m.EML', { subject: 'M', start: '2030-01-01T09:00:00Z', end: '2030-01-01T10:00:00Z' });
    const pf = rows(
      (await dav(emu.url, 'PROPFIND', '/exchange/alice/Calendar/m.EML', { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<a:getlastmodified/>') }))
        .text,
    )[0]!;
    const sr = rows(
      (
        await dav(emu.url, 'SEARCH', '/exchange/alice/Calendar/', {
          user: 'alice',
          body: searchBody(`SELECT "DAV:getlastmodified" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/alice/Calendar/"')`),
        })
      ).text,
    )[0]!;
    for (const row of [pf, sr]) {
      assert.equal(row.types.getlastmodified, 'dateTime.tz');
      assert.match(String(row.ok.getlastmodified), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });

  test('PR_SENSITIVITY: 0 by default, from iCalendar CLASS on PUT, from PROPPATCH, and searchable', async () => {
    const put = (name: string, cls: string | undefined) =>
      dav(emu.url, 'PUT', `/exchange/alice/Calendar/${name}`, {
        user: 'alice',
        headers: { 'Content-Type': 'message/rfc822', Translate: 'f' },
        body: ics(cls, name),
      });
    assert.equal((await put('pub.ics', undefined)).status, 201);
    assert.equal((await put('priv.ics', 'PRIVATE')).status, 201);
    assert.equal((await put('conf.ics', 'CONFIDENTIAL')).status, 201);
    await createAppointment(emu.url, 'alice', '/exchange/alice/Calendar/pp.EML', {
      subject: 'P',
      start: '2030-01-02T09:00:00Z',
      end: '2030-01-02T10:00:00Z',
      extra: '<g:x00360003 b:dt="int">2</g:x00360003>',
    });
    const value = async (name: string) =>
      rows(
        (await dav(emu.url, 'PROPFIND', `/exchange/alice/Calendar/${name}`, { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<g:x00360003/>') }))
          .text,
      )[0]!;
    const pub = await value('pub.ics');
    assert.equal(pub.ok.x00360003, '0');
    assert.equal(pub.types.x00360003, 'int');
    assert.equal((await value('priv.ics')).ok.x00360003, '2');
    assert.equal((await value('conf.ics')).ok.x00360003, '3');
    assert.equal((await value('pp.EML')).ok.x00360003, '2');
    // The SDK's name for it (what the gateway writes) is the same property.
    await dav(emu.url, 'PROPPATCH', '/exchange/alice/Calendar/pub.ics', { user: 'alice', body: proppatchBody('<f:sensitivity b:dt="int">3</f:sensitivity>') });
    assert.equal((await value('pub.ics')).ok.x00360003, '3');
    await dav(emu.url, 'PROPPATCH', '/exchange/alice/Calendar/pub.ics', { user: 'alice', body: proppatchBody('<g:x00360003 b:dt="int">0</g:x00360003>') });
    // A plain message in the Inbox carries it too.
    await dav(emu.url, 'PUT', '/exchange/alice/Inbox/note.EML', {
      user: 'alice',
      headers: { 'Content-Type': 'message/rfc822', Translate: 'f' },
      body: 'Subject: hi\r\n\r\nbody\r\n',
    });
    assert.equal(
      rows(
        (await dav(emu.url, 'PROPFIND', '/exchange/alice/Inbox/note.EML', { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<g:x00360003/>') }))
          .text,
      )[0]!.ok.x00360003,
      '0',
    );
    // DavMail's shared-calendar filter.
    const sql = `SELECT "DAV:displayname" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/alice/Calendar/"') WHERE "${SENSITIVITY}" = 0`;
    const names = rows((await dav(emu.url, 'SEARCH', '/exchange/alice/Calendar/', { user: 'alice', body: searchBody(sql) })).text).map((r) => r.ok.displayname);
    assert.deepEqual(names, ['pub.ics']);
    // GET Translate: f of a PROPPATCHed private item says CLASS:PRIVATE.
    const mime = await dav(emu.url, 'GET', '/exchange/alice/Calendar/pp.EML', { user: 'alice', headers: { Translate: 'f' } });
    assert.match(mime.text, /CLASS:PRIVATE/);
  });

  test('DAV:resourcetype is <collection/> on folders and empty on items; items have getcontentlength', async () => {
    await dav(emu.url, 'PUT', '/exchange/alice/Inbox/n.EML', {
      user: 'alice',
      headers: { 'Content-Type': 'message/rfc822', Translate: 'f' },
      body: 'Subject: n\r\n\r\nhello\r\n',
    });
    const r = await dav(emu.url, 'PROPFIND', '/exchange/alice/Inbox/', {
      user: 'alice',
      headers: { Depth: '1' },
      body: propfindBody('<a:resourcetype/><a:getcontentlength/>'),
    });
    assert.equal(r.status, 207);
    const doc = new XMLParser({ removeNSPrefix: true, parseTagValue: false, isArray: (n) => ['response', 'propstat'].includes(n) }).parse(r.text) as {
      multistatus: { response: { href: string; propstat: { status: string; prop: Record<string, unknown> }[] }[] };
    };
    const folder = doc.multistatus.response.find((x) => x.href.endsWith('/Inbox/'))!;
    const item = doc.multistatus.response.find((x) => x.href.endsWith('/n.EML'))!;
    const ok = (resp: typeof folder) => resp.propstat.find((p) => p.status === 'HTTP/1.1 200 OK')!.prop;
    assert.deepEqual(ok(folder).resourcetype, { collection: '' });
    assert.equal(ok(item).resourcetype, '');
    assert.equal(ok(item).getcontentlength, String(Buffer.byteLength('Subject: n\r\n\r\nhello\r\n')));
    assert.match(r.text, /<a:resourcetype><a:collection\/><\/a:resourcetype>/);
    // PROPPATCH cannot change it.
    const pp = await dav(emu.url, 'PROPPATCH', '/exchange/alice/Inbox/n.EML', { user: 'alice', body: proppatchBody('<a:resourcetype/>') });
    assert.equal(rows(pp.text)[0]!.failed['HTTP/1.1 403 Forbidden']?.[0], 'resourcetype');
  });

  test('MKCOL with a body that is not a propertyupdate answers 415; DavMail’s propertyupdate still works', async () => {
    const bad = await dav(emu.url, 'MKCOL', '/exchange/alice/Inbox/x', { user: 'alice', headers: { 'Content-Type': 'xzy-foo/bar-512' }, body: 'afafafaf' });
    assert.equal(bad.status, 415);
    const other = await dav(emu.url, 'MKCOL', '/exchange/alice/Inbox/y', { user: 'alice', body: '<?xml version="1.0"?><a:foo xmlns:a="DAV:"/>' });
    assert.equal(other.status, 415);
    const ok = await dav(emu.url, 'MKCOL', '/exchange/alice/Inbox/z', {
      user: 'alice',
      body: proppatchBody('<f:outlookfolderclass>IPF.Note</f:outlookfolderclass>'),
    });
    assert.equal(ok.status, 207);
    assert.equal((await dav(emu.url, 'PROPFIND', '/exchange/alice/Inbox/x', { user: 'alice', headers: { Depth: '0' } })).status, 404);
  });

  test('PROPPATCH creating an item answers Repl-UID (and PUT does too)', async () => {
    const pp = await createAppointment(emu.url, 'alice', '/exchange/alice/Calendar/r.EML', {
      subject: 'R',
      start: '2030-01-01T09:00:00Z',
      end: '2030-01-01T10:00:00Z',
    });
    assert.match(pp.headers.get('repl-uid') ?? '', /^<rid:[0-9a-f]+>$/);
    const put = await dav(emu.url, 'PUT', '/exchange/alice/Inbox/p.EML', {
      user: 'alice',
      headers: { 'Content-Type': 'message/rfc822', Translate: 'f' },
      body: 'Subject: p\r\n\r\nx\r\n',
    });
    assert.match(put.headers.get('repl-uid') ?? '', /^<rid:[0-9a-f]+>$/);
    // An update is not a creation: no Repl-UID.
    const upd = await dav(emu.url, 'PROPPATCH', '/exchange/alice/Calendar/r.EML', { user: 'alice', body: proppatchBody('<d:subject>R2</d:subject>') });
    assert.equal(upd.headers.get('repl-uid'), null);
  });

  test('Cmd=gallookup answers <person> entries keyed by <alias>, as DavMail reads them', async () => {
    for (const path of ['/exchange/alice/', '/public/']) {
      const r = await dav(emu.url, 'GET', `${path}?Cmd=gallookup&ADDR=bob@example.com`, { user: 'alice' });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'text/xml');
      const doc = new XMLParser({ removeNSPrefix: true, isArray: (n) => n === 'person' }).parse(r.text) as { response: { person: Record<string, string>[] } };
      assert.equal(doc.response.person.length, 1);
      const p = doc.response.person[0]!;
      assert.equal(p.alias, 'bob');
      assert.equal(p.email, 'bob@example.com');
      assert.ok(p.displayname);
      assert.ok('first' in p && 'last' in p && 'office' in p);
    }
    const none = await dav(emu.url, 'GET', '/exchange/alice/?Cmd=gallookup&ADDR=nobody@example.com', { user: 'alice' });
    assert.doesNotMatch(none.text, /person/);
  });
});
