import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAppointment, dav, propfindBody, proppatchBody, rows, useEmulator } from '../testing/client.ts';

const fields = { subject: 'Sync', start: '2030-11-20T09:00:00.000Z', end: '2030-11-20T10:00:00.000Z' };

describe('MOVE, COPY, DELETE and MKCOL', () => {
  const emu = useEmulator();
  beforeEach(async () => {
    await createAppointment(emu.url, 'alice', '/exchange/alice/Calendar/a.EML', fields);
  });

  const exists = async (path: string) => (await dav(emu.url, 'PROPFIND', path, { user: 'alice', headers: { Depth: '0' } })).status === 207;

  test('MOVE to a new name answers 201 with Location and the permanent URL, and removes the source', async () => {
    const r = await dav(emu.url, 'MOVE', '/exchange/alice/Calendar/a.EML', {
      user: 'alice',
      headers: { Destination: `${emu.url}/exchange/alice/Drafts/b.EML` },
    });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), `${emu.url}/exchange/alice/Drafts/b.EML`);
    assert.match(r.headers.get('ms-exchange-permanent-url') ?? '', /-FlatUrlSpace-/);
    assert.equal(await exists('/exchange/alice/Calendar/a.EML'), false);
    assert.equal(await exists('/exchange/alice/Drafts/b.EML'), true);
  });

  test('COPY keeps the source and gives the copy its own etag', async () => {
    const r = await dav(emu.url, 'COPY', '/exchange/alice/Calendar/a.EML', { user: 'alice', headers: { Destination: '/exchange/alice/Calendar/c.EML' } });
    assert.equal(r.status, 201);
    const etag = async (p: string) =>
      rows((await dav(emu.url, 'PROPFIND', p, { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<a:getetag/>') })).text)[0]!.ok.getetag;
    assert.notEqual(await etag('/exchange/alice/Calendar/a.EML'), await etag('/exchange/alice/Calendar/c.EML'));
  });

  test('MOVE onto an existing item answers 204 with Overwrite: T and 412 with Overwrite: F', async () => {
    await createAppointment(emu.url, 'alice', '/exchange/alice/Calendar/b.EML', fields);
    const refused = await dav(emu.url, 'MOVE', '/exchange/alice/Calendar/a.EML', {
      user: 'alice',
      headers: { Destination: '/exchange/alice/Calendar/b.EML', Overwrite: 'F' },
    });
    assert.equal(refused.status, 412);
    assert.equal(await exists('/exchange/alice/Calendar/a.EML'), true);
    const replaced = await dav(emu.url, 'MOVE', '/exchange/alice/Calendar/a.EML', {
      user: 'alice',
      headers: { Destination: '/exchange/alice/Calendar/b.EML', Overwrite: 'T' },
    });
    assert.equal(replaced.status, 204);
  });

  test('MOVE with Allow-Rename: t renames the destination with a -2 suffix', async () => {
    await createAppointment(emu.url, 'alice', '/exchange/alice/Drafts/a.EML', fields);
    const r = await dav(emu.url, 'MOVE', '/exchange/alice/Calendar/a.EML', {
      user: 'alice',
      headers: { Destination: '/exchange/alice/Drafts/a.EML', Overwrite: 'F', 'Allow-Rename': 't' },
    });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), `${emu.url}/exchange/alice/Drafts/a-2.EML`);
  });

  test('MOVE answers 400 without Destination, 403 onto itself, 409 without a parent, 404 for a missing source', async () => {
    assert.equal((await dav(emu.url, 'MOVE', '/exchange/alice/Calendar/a.EML', { user: 'alice' })).status, 400);
    assert.equal(
      (await dav(emu.url, 'MOVE', '/exchange/alice/Calendar/a.EML', { user: 'alice', headers: { Destination: '/exchange/alice/Calendar/a.EML' } })).status,
      403,
    );
    assert.equal(
      (await dav(emu.url, 'MOVE', '/exchange/alice/Calendar/a.EML', { user: 'alice', headers: { Destination: '/exchange/alice/Nope/a.EML' } })).status,
      409,
    );
    assert.equal(
      (await dav(emu.url, 'MOVE', '/exchange/alice/Calendar/zz.EML', { user: 'alice', headers: { Destination: '/exchange/alice/Drafts/zz.EML' } })).status,
      404,
    );
    assert.equal(
      (await dav(emu.url, 'MOVE', '/exchange/alice/Calendar/a.EML', { user: 'alice', headers: { Destination: '/exchange/bob/Drafts/a.EML' } })).status,
      403,
    );
    assert.equal(await exists('/exchange/alice/Calendar/a.EML'), true);
  });

  test('DELETE answers 200, then the item is gone from PROPFIND; a second DELETE answers 404', async () => {
    const r = await dav(emu.url, 'DELETE', '/exchange/alice/Calendar/a.EML', { user: 'alice' });
    assert.equal(r.status, 200);
    assert.equal(await exists('/exchange/alice/Calendar/a.EML'), false);
    assert.equal((await dav(emu.url, 'DELETE', '/exchange/alice/Calendar/a.EML', { user: 'alice' })).status, 404);
  });

  test('DELETE refuses the well-known folders with 403', async () => {
    assert.equal((await dav(emu.url, 'DELETE', '/exchange/alice/Calendar/', { user: 'alice' })).status, 403);
  });

  test('MKCOL with a property body creates a folder with its class (207, 201 Created inside), 405 when it exists, 409 without a parent', async () => {
    const body = proppatchBody('<f:outlookfolderclass>IPF.Appointment</f:outlookfolderclass>');
    const r = await dav(emu.url, 'MKCOL', '/exchange/alice/davmailtemp', { user: 'alice', body });
    assert.equal(r.status, 207);
    assert.equal(rows(r.text)[0]!.status, 'HTTP/1.1 201 Created');
    assert.match(r.headers.get('ms-exchange-permanent-url') ?? '', /-FlatUrlSpace-/);
    const row = rows(
      (
        await dav(emu.url, 'PROPFIND', '/exchange/alice/davmailtemp/', {
          user: 'alice',
          headers: { Depth: '0' },
          body: propfindBody('<f:outlookfolderclass/><a:isfolder/>'),
        })
      ).text,
    )[0]!;
    assert.equal(row.ok.outlookfolderclass, 'IPF.Appointment');
    assert.equal((await dav(emu.url, 'MKCOL', '/exchange/alice/davmailtemp', { user: 'alice', body })).status, 405);
    assert.equal((await dav(emu.url, 'MKCOL', '/exchange/alice/no/such/', { user: 'alice' })).status, 409);
    assert.equal((await dav(emu.url, 'DELETE', '/exchange/alice/davmailtemp', { user: 'alice' })).status, 200);
  });

  test('MKCOL and item names with non-ASCII characters round-trip through %-encoding', async () => {
    const folder = `/exchange/alice/${encodeURIComponent('Räume & Pläne')}`;
    assert.equal((await dav(emu.url, 'MKCOL', folder, { user: 'alice' })).status, 201);
    const item = `${folder}/${encodeURIComponent('Besprechung #1 für Jürgen.EML')}`;
    assert.equal((await createAppointment(emu.url, 'alice', item, fields)).status, 207);
    const listing = rows(
      (await dav(emu.url, 'PROPFIND', `${folder}/`, { user: 'alice', headers: { Depth: '1' }, body: propfindBody('<a:displayname/>') })).text,
    );
    const hrefs = listing.map((x) => x.href);
    assert.ok(hrefs.includes(`${emu.url}/exchange/alice/R%C3%A4ume%20&%20Pl%C3%A4ne/Besprechung%20%231%20f%C3%BCr%20J%C3%BCrgen.EML`), hrefs.join('\n'));
    assert.ok(listing.some((x) => x.ok.displayname === 'Besprechung #1 für Jürgen.EML'));
  });

  test('MOVE of a folder keeps its items and answers 201', async () => {
    await dav(emu.url, 'MKCOL', '/exchange/alice/Inbox/Old', { user: 'alice' });
    await createAppointment(emu.url, 'alice', '/exchange/alice/Inbox/Old/x.EML', fields);
    const r = await dav(emu.url, 'MOVE', '/exchange/alice/Inbox/Old/', { user: 'alice', headers: { Destination: '/exchange/alice/Archive/' } });
    assert.equal(r.status, 201);
    assert.equal(await exists('/exchange/alice/Archive/x.EML'), true);
  });
});
