import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../index.ts';
import { createAppointment, dav, propfindBody, proppatchBody, rows, searchBody, start } from '../testing/client.ts';

describe('concurrency', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  test('200 parallel PROPPATCH, MOVE and SEARCH requests leave the store consistent', async () => {
    const fields = (i: number) => ({
      subject: `Item ${i}`,
      start: `2030-11-20T${String(8 + (i % 10)).padStart(2, '0')}:00:00.000Z`,
      end: `2030-11-20T${String(9 + (i % 10)).padStart(2, '0')}:00:00.000Z`,
    });
    for (let i = 0; i < 50; i++) await createAppointment(emu.url, 'booking-svc', `/exchange/tyne/Drafts/move-${i}.EML`, fields(i));
    await createAppointment(emu.url, 'booking-svc', '/exchange/tyne/Calendar/shared.EML', fields(0));
    const sql = `SELECT "DAV:getetag", "urn:schemas:httpmail:subject" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/tyne/Calendar/"') WHERE "DAV:isfolder" = false`;

    const jobs: Promise<number>[] = [];
    for (let i = 0; i < 70; i++) jobs.push(createAppointment(emu.url, 'booking-svc', `/exchange/tyne/Calendar/new-${i}.EML`, fields(i)).then((r) => r.status));
    for (let i = 0; i < 30; i++)
      jobs.push(
        dav(emu.url, 'PROPPATCH', '/exchange/tyne/Calendar/shared.EML', {
          user: 'booking-svc',
          body: proppatchBody(`<e:location>Room ${i}</e:location>`),
        }).then((r) => r.status),
      );
    for (let i = 0; i < 50; i++)
      jobs.push(
        dav(emu.url, 'MOVE', `/exchange/tyne/Drafts/move-${i}.EML`, {
          user: 'booking-svc',
          headers: { Destination: `/exchange/tyne/Calendar/moved-${i}.EML`, Overwrite: 'F' },
        }).then((r) => r.status),
      );
    for (let i = 0; i < 50; i++)
      jobs.push(dav(emu.url, 'SEARCH', '/exchange/tyne/Calendar/', { user: 'booking-svc', body: searchBody(sql) }).then((r) => r.status));
    assert.equal(jobs.length, 200);
    const statuses = await Promise.all(jobs);
    assert.deepEqual(
      statuses.slice(0, 100).filter((s) => s !== 207),
      [],
    );
    assert.deepEqual(
      statuses.slice(100, 150).filter((s) => s !== 201),
      [],
    );
    assert.deepEqual(
      statuses.slice(150).filter((s) => s !== 207),
      [],
    );

    const search = rows((await dav(emu.url, 'SEARCH', '/exchange/tyne/Calendar/', { user: 'booking-svc', body: searchBody(sql) })).text);
    const listing = rows(
      (await dav(emu.url, 'PROPFIND', '/exchange/tyne/Calendar/', { user: 'booking-svc', headers: { Depth: '1,noroot' }, body: propfindBody('<a:getetag/>') }))
        .text,
    );
    const control = (await (await fetch(`${emu.url}/_emulator/mailboxes/tyne/items?folder=calendar`)).json()) as { name: string; etag: string; id: string }[];
    assert.equal(search.length, 121);
    assert.equal(listing.length, 121);
    assert.equal(control.length, 121);
    assert.equal(new Set(control.map((i) => i.id)).size, 121, 'ids are unique');
    assert.equal(new Set(control.map((i) => i.etag)).size, 121, 'etags are unique');
    const etagsBySearch = new Map(search.map((r) => [r.href, r.ok.getetag]));
    for (const r of listing) assert.equal(etagsBySearch.get(r.href), r.ok.getetag, r.href);
    const drafts = (await (await fetch(`${emu.url}/_emulator/mailboxes/tyne/items?folder=drafts`)).json()) as unknown[];
    assert.equal(drafts.length, 0, 'every moved item left its source');
    const folders = (await (await fetch(`${emu.url}/_emulator/mailboxes/tyne/folders`)).json()) as { wellKnown: string | null; itemCount: number }[];
    assert.equal(folders.find((f) => f.wellKnown === 'calendar')?.itemCount, 121);
  });
});
