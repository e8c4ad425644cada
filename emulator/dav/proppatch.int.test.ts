import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAppointment, dav, propfindBody, proppatchBody, rows, useEmulator } from '../testing/client.ts';

const ITEM = '/exchange/alice/Calendar/bk-42.EML';
const fields = { subject: 'Budget review', start: '2030-11-20T09:00:00.000Z', end: '2030-11-20T10:00:00.000Z' };

describe('PROPPATCH', () => {
  const emu = useEmulator();

  test('PROPPATCH creates a missing item and marks the response 201 Created before the propstats', async () => {
    const r = await createAppointment(emu.url, 'alice', ITEM, fields);
    assert.equal(r.status, 207);
    assert.equal(r.headers.get('content-type'), 'text/xml');
    assert.match(r.text, /<a:href>[^<]+<\/a:href><a:status>HTTP\/1\.1 201 Created<\/a:status><a:propstat>/);
    const [row] = rows(r.text);
    assert.equal(row!.href, `${emu.url}${ITEM}`);
    assert.equal(row!.status, 'HTTP/1.1 201 Created');
    assert.ok('subject' in row!.ok);
  });

  test('PROPPATCH stores typed values that PROPFIND returns in Exchange form', async () => {
    await createAppointment(emu.url, 'alice', ITEM, {
      ...fields,
      start: '2030-11-20T10:00:00+01:00',
      extra: '<e:alldayevent b:dt="boolean">0</e:alldayevent><e:reminderoffset b:dt="int">900</e:reminderoffset>',
    });
    const r = await dav(emu.url, 'PROPFIND', ITEM, {
      user: 'alice',
      headers: { Depth: '0' },
      body: propfindBody(
        '<e:dtstart/><e:alldayevent/><e:reminderoffset/><e:uid/><e:instancetype/><a:contentclass/><g:x10f3001f/><f:permanenturl/><a:getetag/>',
      ),
    });
    const [row] = rows(r.text);
    assert.equal(row!.ok.dtstart, '2030-11-20T09:00:00.000Z');
    assert.equal(row!.types.dtstart, 'dateTime.tz');
    assert.equal(row!.ok.alldayevent, '0');
    assert.equal(row!.types.alldayevent, 'boolean');
    assert.equal(row!.ok.reminderoffset, '900');
    assert.equal(row!.types.reminderoffset, 'int');
    assert.equal(row!.ok.instancetype, '0');
    assert.equal(row!.ok.contentclass, 'urn:content-classes:appointment');
    assert.equal(row!.ok.x10f3001f, 'bk-42.EML');
    assert.match(String(row!.ok.uid), /^\{[0-9A-F-]{36}\}$/, 'the store fills in a uid for calendar items');
    assert.match(String(row!.ok.permanenturl), /\/exchange\/alice\/-FlatUrlSpace-\/[0-9a-f-]+\/[0-9a-f-]+$/);
    assert.match(String(row!.ok.getetag), /^"[^"]+"$/);
  });

  test('PROPPATCH changes the etag on every write and answers an existing item without 201', async () => {
    await createAppointment(emu.url, 'alice', ITEM, fields);
    const etag = async () =>
      rows((await dav(emu.url, 'PROPFIND', ITEM, { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<a:getetag/>') })).text)[0]!.ok.getetag;
    const first = await etag();
    const r = await dav(emu.url, 'PROPPATCH', ITEM, { user: 'alice', body: proppatchBody('<e:location>Thames</e:location>') });
    assert.equal(rows(r.text)[0]!.status, undefined);
    const second = await etag();
    assert.notEqual(first, second);
    await dav(emu.url, 'PROPPATCH', ITEM, { user: 'alice', body: proppatchBody('<e:location>Thames</e:location>') });
    assert.notEqual(await etag(), second);
  });

  test('PROPPATCH with If-None-Match: * answers 412 when the item exists', async () => {
    await createAppointment(emu.url, 'alice', ITEM, fields);
    const r = await dav(emu.url, 'PROPPATCH', ITEM, { user: 'alice', headers: { 'If-None-Match': '*' }, body: proppatchBody('<d:subject>x</d:subject>') });
    assert.equal(r.status, 412);
  });

  test('PROPPATCH with If-Match answers 412 for a stale etag or a missing item and applies a current one', async () => {
    assert.equal(
      (await dav(emu.url, 'PROPPATCH', ITEM, { user: 'alice', headers: { 'If-Match': '*' }, body: proppatchBody('<d:subject>x</d:subject>') })).status,
      412,
    );
    await createAppointment(emu.url, 'alice', ITEM, fields);
    const etag = String(
      rows((await dav(emu.url, 'PROPFIND', ITEM, { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<a:getetag/>') })).text)[0]!.ok.getetag,
    );
    assert.equal(
      (await dav(emu.url, 'PROPPATCH', ITEM, { user: 'alice', headers: { 'If-Match': '"stale"' }, body: proppatchBody('<d:subject>x</d:subject>') })).status,
      412,
    );
    assert.equal(
      (await dav(emu.url, 'PROPPATCH', ITEM, { user: 'alice', headers: { 'If-Match': etag }, body: proppatchBody('<d:subject>y</d:subject>') })).status,
      207,
    );
  });

  test('PROPPATCH answers 403 for a protected property and 409 for a bad value, changing nothing', async () => {
    await createAppointment(emu.url, 'alice', ITEM, fields);
    const r = await dav(emu.url, 'PROPPATCH', ITEM, {
      user: 'alice',
      body: proppatchBody('<a:getetag>"mine"</a:getetag><e:dtstart b:dt="dateTime.tz">not a date</e:dtstart><d:subject>changed</d:subject>'),
    });
    assert.equal(r.status, 207);
    const [row] = rows(r.text);
    assert.deepEqual(row!.failed['HTTP/1.1 403 Forbidden'], ['getetag']);
    assert.deepEqual(row!.failed['HTTP/1.1 409 Conflict'], ['dtstart']);
    assert.deepEqual(row!.failed['HTTP/1.1 424 Failed Dependency'], ['subject']);
    const after = rows((await dav(emu.url, 'PROPFIND', ITEM, { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<d:subject/>') })).text)[0]!;
    assert.equal(after.ok.subject, 'Budget review');
  });

  test('PROPPATCH remove deletes a property', async () => {
    await createAppointment(emu.url, 'alice', ITEM, { ...fields, extra: '<e:location>Thames</e:location>' });
    await dav(emu.url, 'PROPPATCH', ITEM, { user: 'alice', body: proppatchBody('<d:subject>x</d:subject>', '<e:location/>') });
    const row = rows((await dav(emu.url, 'PROPFIND', ITEM, { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<e:location/>') })).text)[0]!;
    assert.equal(row.ok.location, undefined);
  });

  test('PROPPATCH stores multivalued properties as mv.string lists', async () => {
    await createAppointment(emu.url, 'alice', ITEM, { ...fields, extra: '<f:keywords-utf8 b:dt="mv.string"><c:v>red</c:v><c:v>blue</c:v></f:keywords-utf8>' });
    const r = await dav(emu.url, 'PROPFIND', ITEM, { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<f:keywords-utf8/>') });
    assert.match(r.text, /b:dt="mv.string"><c:v>red<\/c:v><c:v>blue<\/c:v>/);
  });

  test('PROPPATCH answers 409 when the folder is missing and 400 for malformed XML', async () => {
    assert.equal((await createAppointment(emu.url, 'alice', '/exchange/alice/Nope/x.EML', fields)).status, 409);
    assert.equal((await dav(emu.url, 'PROPPATCH', ITEM, { user: 'alice', body: '<a:propertyupdate xmlns:a="DAV:"><a:set>' })).status, 400);
    assert.equal(
      (
        await dav(emu.url, 'PROPPATCH', ITEM, {
          user: 'alice',
          body: '<x:propertyupdate xmlns:x="DAV:"><x:set><x:prop><q:subject>x</q:subject></x:prop></x:set></x:propertyupdate>',
        })
      ).status,
      400,
    );
  });

  test('permanenturl answers PROPFIND and GET like the item URL', async () => {
    await createAppointment(emu.url, 'alice', ITEM, fields);
    const row = rows(
      (await dav(emu.url, 'PROPFIND', ITEM, { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<f:permanenturl/><a:getetag/>') })).text,
    )[0]!;
    const path = new URL(String(row.ok.permanenturl)).pathname;
    const viaPermanent = rows(
      (await dav(emu.url, 'PROPFIND', path, { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<a:getetag/><d:subject/>') })).text,
    )[0]!;
    assert.equal(viaPermanent.ok.getetag, row.ok.getetag);
    assert.equal(viaPermanent.ok.subject, 'Budget review');
    const get = await dav(emu.url, 'GET', path, { user: 'alice', headers: { Translate: 'f' } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('content-type'), 'message/rfc822');
    assert.match(get.text, /BEGIN:VEVENT/);
    // Rename-proof: still answers after a MOVE.
    await dav(emu.url, 'MOVE', ITEM, { user: 'alice', headers: { Destination: '/exchange/alice/Calendar/renamed.EML' } });
    assert.equal((await dav(emu.url, 'GET', path, { user: 'alice', headers: { Translate: 'f' } })).status, 200);
  });
});
