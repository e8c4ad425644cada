import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../index.ts';
import { createAppointment, dav, propfindBody, rows, start } from '../testing/client.ts';

const fields = { subject: 'Kept', start: '2030-11-20T09:00:00.000Z', end: '2030-11-20T10:00:00.000Z' };

describe('control API', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emu.url}/_emulator${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json().catch(() => null)) as unknown };
  };

  test('GET /_emulator/mailboxes lists the organisation without passwords', async () => {
    const { status, json } = await call('GET', '/mailboxes');
    assert.equal(status, 200);
    const list = json as { alias: string; password?: string; kind: string }[];
    assert.ok(list.some((m) => m.alias === 'thames' && m.kind === 'room'));
    assert.ok(list.every((m) => m.password === undefined));
  });

  test('GET /_emulator/mailboxes/:alias/folders lists localized folders with well-known keys', async () => {
    const { json } = await call('GET', '/mailboxes/spree/folders');
    const calendar = (json as { name: string; wellKnown: string | null; folderClass: string }[]).find((f) => f.wellKnown === 'calendar');
    assert.equal(calendar?.name, 'Kalender');
    assert.equal(calendar?.folderClass, 'IPF.Appointment');
  });

  test('GET /_emulator/mailboxes/:alias/items?folder=calendar shows items with their properties', async () => {
    await createAppointment(emu.url, 'alice', '/exchange/alice/Calendar/x.EML', fields);
    const { json } = await call('GET', '/mailboxes/alice/items?folder=calendar');
    const [item] = json as { id: string; name: string; etag: string; props: Record<string, string> }[];
    assert.equal(item!.name, 'x.EML');
    assert.equal(item!.props['urn:schemas:httpmail:subject'], 'Kept');
    assert.equal(item!.props['urn:schemas:calendar:dtstart'], '2030-11-20T09:00:00.000Z');
    const one = await call('GET', `/mailboxes/alice/items/${item!.id}`);
    assert.match((one.json as { mime: string }).mime, /BEGIN:VCALENDAR/);
  });

  test('POST /_emulator/reset empties every mailbox', async () => {
    await createAppointment(emu.url, 'alice', '/exchange/alice/Calendar/y.EML', fields);
    assert.equal((await call('POST', '/reset')).status, 200);
    assert.deepEqual((await call('GET', '/mailboxes/alice/items?folder=calendar')).json, []);
  });

  test('PUT /_emulator/org loads another organisation and refuses an invalid one with 400', async () => {
    const org = { mailboxes: [{ alias: 'zoe', smtp: 'zoe@example.org', displayName: 'Zoe', password: 'pw', locale: 'de' }] };
    assert.equal((await call('PUT', '/org', { mailboxes: [] })).status, 400);
    assert.equal((await call('PUT', '/org', org)).status, 200);
    const r = await dav(emu.url, 'PROPFIND', '/exchange/zoe/', { user: 'zoe', password: 'pw', headers: { Depth: '0' }, body: propfindBody('<d:inbox/>') });
    assert.equal(rows(r.text)[0]!.ok.inbox, `${emu.url}/exchange/zoe/Posteingang`);
    assert.equal((await dav(emu.url, 'PROPFIND', '/exchange/alice/', { user: 'alice', headers: { Depth: '0' } })).status, 401);
  });
});

describe('startEmulator() defaults', () => {
  test('the control API is off unless controlApi is true', async () => {
    const emu = await startEmulator();
    try {
      assert.equal((await fetch(`${emu.url}/_emulator/mailboxes`)).status, 404);
      assert.equal((await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' })).status, 404);
    } finally {
      await emu.close();
    }
  });

  test('startEmulator() with persistPath keeps mailboxes across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-'));
    const file = join(dir, 'store.json');
    try {
      const first = await startEmulator({ persistPath: file });
      await createAppointment(first.url, 'alice', '/exchange/alice/Calendar/kept.EML', fields);
      const etag = rows((await dav(first.url, 'PROPFIND', '/exchange/alice/Calendar/kept.EML', { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<a:getetag/>') })).text)[0]!.ok.getetag;
      await first.close();
      assert.ok(existsSync(file));
      const second = await startEmulator({ persistPath: file });
      try {
        const r = await dav(second.url, 'PROPFIND', '/exchange/alice/Calendar/kept.EML', { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<a:getetag/><d:subject/>') });
        assert.equal(r.status, 207);
        const row = rows(r.text)[0]!;
        assert.equal(row.ok.subject, 'Kept');
        assert.equal(row.ok.getetag, etag);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
