import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
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
      const etag = rows(
        (await dav(first.url, 'PROPFIND', '/exchange/alice/Calendar/kept.EML', { user: 'alice', headers: { Depth: '0' }, body: propfindBody('<a:getetag/>') }))
          .text,
      )[0]!.ok.getetag;
      await first.close();
      assert.ok(existsSync(file));
      const second = await startEmulator({ persistPath: file });
      try {
        const r = await dav(second.url, 'PROPFIND', '/exchange/alice/Calendar/kept.EML', {
          user: 'alice',
          headers: { Depth: '0' },
          body: propfindBody('<a:getetag/><d:subject/>'),
        });
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

describe('startEmulator() with an unreadable data file', () => {
  test('startEmulator() sets an unreadable persistence file aside and starts empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-'));
    const file = join(dir, 'store.json');
    writeFileSync(file, '{ not json');
    try {
      const emu = await startEmulator({ persistPath: file });
      try {
        assert.equal((await dav(emu.url, 'PROPFIND', '/exchange/alice/', { user: 'alice', headers: { Depth: '0' } })).status, 207);
      } finally {
        await emu.close();
      }
      assert.ok(readdirSync(dir).some((f) => f.startsWith('store.json.unreadable-')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('control API seeding', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  test('POST /_emulator/mailboxes/:alias/items seeds an item that WebDAV then sees; DELETE removes it', async () => {
    const res = await fetch(`${emu.url}/_emulator/mailboxes/severn/items`, {
      method: 'POST',
      body: JSON.stringify({
        folder: 'calendar',
        name: 'outlook-booking.EML',
        props: {
          'DAV:contentclass': 'urn:content-classes:appointment',
          'http://schemas.microsoft.com/exchange/outlookmessageclass': 'IPM.Appointment',
          'urn:schemas:httpmail:subject': 'Booked in Outlook',
          'urn:schemas:calendar:dtstart': '2030-11-20T09:00:00Z',
          'urn:schemas:calendar:dtend': '2030-11-20T10:00:00Z',
          'urn:schemas:calendar:busystatus': 'BUSY',
        },
      }),
    });
    assert.equal(res.status, 201);
    const item = (await res.json()) as { id: string; props: Record<string, string> };
    assert.equal(item.props['urn:schemas:calendar:dtstart'], '2030-11-20T09:00:00.000Z');
    assert.ok(item.props['urn:schemas:calendar:uid']);
    const r = await dav(emu.url, 'PROPFIND', '/exchange/severn/Calendar/outlook-booking.EML', {
      user: 'booking-svc',
      headers: { Depth: '0' },
      body: propfindBody('<d:subject/>'),
    });
    assert.equal(rows(r.text)[0]!.ok.subject, 'Booked in Outlook');
    assert.equal((await fetch(`${emu.url}/_emulator/mailboxes/severn/items/${item.id}`, { method: 'DELETE' })).status, 200);
    assert.equal(
      (await dav(emu.url, 'PROPFIND', '/exchange/severn/Calendar/outlook-booking.EML', { user: 'booking-svc', headers: { Depth: '0' } })).status,
      404,
    );
  });

  test('POST /_emulator/mailboxes/:alias/items refuses a bad value with 400', async () => {
    const res = await fetch(`${emu.url}/_emulator/mailboxes/severn/items`, {
      method: 'POST',
      body: JSON.stringify({ folder: 'calendar', props: { 'urn:schemas:calendar:dtstart': 'soon' } }),
    });
    assert.equal(res.status, 400);
  });

  test('POST /_emulator/mailboxes/:alias/submit sends MIME as that mailbox; the room accepts it', async () => {
    const mime = [
      'Content-class: urn:content-classes:calendarmessage',
      'To: alice@example.com',
      'Subject: From Outlook',
      'Content-Type: text/calendar; method=REQUEST',
      '',
      'BEGIN:VCALENDAR',
      'METHOD:REQUEST',
      'BEGIN:VEVENT',
      'UID:outlook-1',
      'DTSTART:20301121T090000Z',
      'DTEND:20301121T100000Z',
      'SUMMARY:From Outlook',
      'ORGANIZER:MAILTO:bob@example.com',
      'ATTENDEE;ROLE=REQ-PARTICIPANT:MAILTO:alice@example.com',
      'ATTENDEE;CUTYPE=RESOURCE;ROLE=NON-PARTICIPANT:MAILTO:wye@example.com',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const res = await fetch(`${emu.url}/_emulator/mailboxes/bob/submit`, { method: 'POST', body: JSON.stringify({ mime }) });
    assert.equal(res.status, 200);
    const wye = (await (await fetch(`${emu.url}/_emulator/mailboxes/wye/items?folder=calendar`)).json()) as { props: Record<string, string> }[];
    assert.equal(wye.length, 1);
    assert.equal(wye[0]!.props['urn:schemas:calendar:uid'], 'outlook-1');
  });
});
