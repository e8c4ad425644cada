import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import type { RunningEmulator } from '../index.ts';
import { basic, createAppointment, start, useEmulator } from '../testing/client.ts';
import { createMeeting } from '../testing/meetings.ts';

const IE = 'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)';

interface FbItem {
  displayname: string;
  email?: string;
  type: string;
  fbdata: string;
}

function parse(xml: string): FbItem[] {
  const doc = new XMLParser({ removeNSPrefix: true, parseTagValue: false, isArray: (n) => n === 'item' }).parse(xml) as {
    response: { recipients: { item: FbItem[] } };
  };
  return doc.response.recipients.item.map((i) => ({ ...i, fbdata: String(i.fbdata ?? '') }));
}

describe('Cmd=freebusy', () => {
  const emu = useEmulator();

  const freebusy = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${emu.url}/public/?Cmd=freebusy&${query}`, {
      headers: { Authorization: basic('booking-svc'), 'User-Agent': IE, 'Accept-Language': 'en-us', ...headers },
    });

  test('Cmd=freebusy answers XML with All Attendees first, then one item per u= with fbdata per interval', async () => {
    await createMeeting(emu.url, 'booking-svc', 'alice', {
      uid: 'fb-1',
      subject: 'x',
      start: '2030-11-20T09:00:00.000Z',
      end: '2030-11-20T10:00:00.000Z',
      to: 'bob@example.com',
      bcc: 'thames@example.com',
    });
    await createAppointment(emu.url, 'booking-svc', '/exchange/severn/Calendar/t.EML', {
      subject: 'maybe',
      start: '2030-11-20T10:00:00.000Z',
      end: '2030-11-20T10:30:00.000Z',
      extra: '',
    });
    await fetch(`${emu.url}/exchange/severn/Calendar/t.EML`, {
      method: 'PROPPATCH',
      headers: { Authorization: basic('booking-svc'), 'Content-Type': 'text/xml' },
      body: '<?xml version="1.0"?><a:propertyupdate xmlns:a="DAV:" xmlns:e="urn:schemas:calendar:"><a:set><a:prop><e:busystatus>TENTATIVE</e:busystatus></a:prop></a:set></a:propertyupdate>',
    });
    const res = await freebusy(
      'start=2030-11-20T08:00:00Z&end=2030-11-20T12:00:00Z&interval=30&u=SMTP:thames@example.com&u=SMTP:severn@example.com&u=alice@example.com',
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/xml');
    const xml = await res.text();
    assert.match(xml, /^<\?xml version="1.0"\?><a:response xmlns:a="WM"><a:recipients><a:item><a:displayname>All Attendees<\/a:displayname>/);
    assert.match(xml, /<a:email type="SMTP">thames@example\.com<\/a:email>/);
    const [all, thames, severn, alice] = parse(xml);
    assert.equal(all!.displayname, 'All Attendees');
    assert.equal(all!.email, undefined);
    assert.equal(thames!.displayname, 'Thames');
    assert.equal(thames!.type, '1');
    assert.equal(thames!.fbdata, '00220000');
    assert.equal(severn!.fbdata, '00001000');
    assert.equal(alice!.fbdata, '00220000', 'the organizer calendar is busy too');
    assert.equal(all!.fbdata, '00221000');
  });

  test('Cmd=freebusy answers 4s for an unknown mailbox', async () => {
    const [, unknown] = parse(await (await freebusy('start=2030-11-20T08:00:00Z&end=2030-11-20T10:00:00Z&interval=60&u=SMTP:ghost@example.com')).text());
    assert.equal(unknown!.fbdata, '44');
  });

  test('Cmd=freebusy names the aggregate in the language of Accept-Language (hu, de; English otherwise)', async () => {
    const q = 'start=2030-11-20T00:00:00Z&end=2030-11-21T00:00:00Z&interval=60&u=SMTP:duna@example.com';
    const names: string[] = [];
    for (const lang of ['hu', 'hu-HU,en;q=0.5', 'de', 'en-us', 'fr'])
      names.push(parse(await (await freebusy(q, { 'Accept-Language': lang })).text())[0]!.displayname);
    assert.deepEqual(names, ['Minden résztvevő', 'Minden résztvevő', 'Alle Teilnehmer', 'All Attendees', 'All Attendees']);
  });

  test('Cmd=freebusy accepts offsets in start/end and lower-case cmd', async () => {
    await createAppointment(emu.url, 'booking-svc', '/exchange/spree/Kalender/a.EML', {
      subject: 'x',
      start: '2030-11-20T09:00:00.000Z',
      end: '2030-11-20T10:00:00.000Z',
    });
    const res = await fetch(
      `${emu.url}/public/?cmd=freebusy&start=2030-11-20T09:00:00%2B01:00&end=2030-11-20T12:00:00%2B01:00&interval=60&u=SMTP:spree@example.com`,
      { headers: { Authorization: basic('booking-svc') } },
    );
    assert.equal(parse(await res.text())[1]!.fbdata, '020');
  });

  test('Cmd=freebusy with a reversed window or a bad date answers OWA error page with 200', async () => {
    for (const q of [
      'start=2030-11-20T12:00:00Z&end=2030-11-20T08:00:00Z&interval=30&u=SMTP:thames@example.com',
      'start=yesterday&end=2030-11-20T08:00:00Z&interval=30&u=SMTP:thames@example.com',
      'start=2030-11-20T08:00:00Z&end=2030-11-20T09:00:00Z&interval=0&u=SMTP:thames@example.com',
    ]) {
      const res = await freebusy(q);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await res.text(), /errMsg/);
    }
  });

  test('Cmd=freebusy hides changes younger than the publication delay', async () => {
    assert.equal((await fetch(`${emu.url}/_emulator/freebusy-delay`, { method: 'PUT', body: JSON.stringify({ ms: 3_600_000 }) })).status, 200);
    await createAppointment(emu.url, 'booking-svc', '/exchange/tyne/Calendar/a.EML', {
      subject: 'x',
      start: '2030-11-20T09:00:00.000Z',
      end: '2030-11-20T10:00:00.000Z',
    });
    const q = 'start=2030-11-20T09:00:00Z&end=2030-11-20T10:00:00Z&interval=60&u=SMTP:tyne@example.com';
    assert.equal(parse(await (await freebusy(q)).text())[1]!.fbdata, '0');
    await fetch(`${emu.url}/_emulator/freebusy-delay`, { method: 'PUT', body: JSON.stringify({ ms: 0 }) });
    assert.equal(parse(await (await freebusy(q)).text())[1]!.fbdata, '2');
  });

  test('Cmd=freebusy follows writes to a calendar (moved into the window, then deleted) and a newly loaded organisation', async () => {
    const q = 'start=2030-11-20T08:00:00Z&end=2030-11-20T10:00:00Z&interval=60&u=SMTP:thames@example.com';
    const fbOf = async (query: string) =>
      parse(await (await fetch(`${emu.url}/public/?Cmd=freebusy&${query}`, { headers: { Authorization: basic('booking-svc') } })).text())[1]!;
    await createAppointment(emu.url, 'booking-svc', '/exchange/thames/Calendar/m.EML', {
      subject: 'later',
      start: '2030-12-20T09:00:00.000Z',
      end: '2030-12-20T10:00:00.000Z',
    });
    assert.equal((await fbOf(q)).fbdata, '00');
    await fetch(`${emu.url}/exchange/thames/Calendar/m.EML`, {
      method: 'PROPPATCH',
      headers: { Authorization: basic('booking-svc'), 'Content-Type': 'text/xml' },
      body: '<?xml version="1.0"?><a:propertyupdate xmlns:a="DAV:" xmlns:e="urn:schemas:calendar:"><a:set><a:prop><e:dtstart>2030-11-20T09:00:00.000Z</e:dtstart><e:dtend>2030-11-20T10:00:00.000Z</e:dtend></a:prop></a:set></a:propertyupdate>',
    });
    assert.equal((await fbOf(q)).fbdata, '02', 'moved into the window');
    await fetch(`${emu.url}/exchange/thames/Calendar/m.EML`, { method: 'DELETE', headers: { Authorization: basic('booking-svc') } });
    assert.equal((await fbOf(q)).fbdata, '00', 'deleted');
    // Short bookings before the window must not hide a long one that started days earlier and still runs.
    await createAppointment(emu.url, 'booking-svc', '/exchange/thames/Calendar/week.EML', {
      subject: 'week',
      start: '2030-11-17T09:00:00.000Z',
      end: '2030-11-22T10:00:00.000Z',
    });
    await createAppointment(emu.url, 'booking-svc', '/exchange/thames/Calendar/short.EML', {
      subject: 'short',
      start: '2030-11-19T09:00:00.000Z',
      end: '2030-11-19T10:00:00.000Z',
    });
    assert.equal((await fbOf(q)).fbdata, '22', 'a long appointment begun before the window');

    const original: unknown = await (await fetch(`${emu.url}/_emulator/org`)).json();
    try {
      const org = original as { mailboxes: { alias: string; displayName?: string }[] };
      const renamed = org.mailboxes.map((m) => (m.alias === 'thames' ? { ...m, displayName: 'Thames & Co' } : m));
      const next = { ...org, mailboxes: [...renamed, { alias: 'Wear', smtp: 'Wear.Room@example.com', displayName: 'Wear', kind: 'room' }] };
      assert.equal((await fetch(`${emu.url}/_emulator/org`, { method: 'PUT', body: JSON.stringify(next) })).status, 200);
      // The answer written for a window is kept, but never under an old name.
      assert.equal((await fbOf(q)).displayname, 'Thames & Co', 'a renamed mailbox answers with its new name');
      const wear = await fbOf('start=2030-11-20T08:00:00Z&end=2030-11-20T10:00:00Z&interval=60&u=SMTP:wear.room@EXAMPLE.com');
      assert.equal(wear.fbdata, '00', 'a mailbox added by a new organisation is found by its address, in any case');
      assert.equal(wear.email, 'Wear.Room@example.com');
    } finally {
      await fetch(`${emu.url}/_emulator/org`, { method: 'PUT', body: JSON.stringify(original) });
    }
    assert.equal(
      (await fbOf('start=2030-11-20T08:00:00Z&end=2030-11-20T10:00:00Z&interval=60&u=SMTP:wear.room@example.com')).fbdata,
      '44',
      'gone with the organisation',
    );
  });
});

describe('Cmd=freebusy downlevel', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  test('a downlevel fault makes Cmd=freebusy answer the colour-coded HTML table', async () => {
    await createAppointment(emu.url, 'booking-svc', '/exchange/avon/Calendar/a.EML', {
      subject: 'x',
      start: '2030-11-20T09:00:00.000Z',
      end: '2030-11-20T10:00:00.000Z',
    });
    await fetch(`${emu.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ kind: 'downlevel', path: '/public', count: 1 }) });
    const res = await fetch(`${emu.url}/public/?Cmd=freebusy&start=2030-11-20T08:00:00Z&end=2030-11-20T10:00:00Z&interval=60&u=SMTP:avon@example.com`, {
      headers: { Authorization: basic('booking-svc') },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /<td nowrap>Avon<\/td><td bgcolor="#FFFFFF">&nbsp;<\/td><td bgcolor="#0000FF">/);
  });
});

describe('Cmd=freebusy with a publication delay', () => {
  let emu: RunningEmulator;
  let now = Date.UTC(2030, 10, 1, 8, 0);
  before(async () => {
    emu = await start({ clock: () => new Date(now) });
  });
  after(() => emu.close());

  const fbdata = async (alias: string) => {
    const res = await fetch(`${emu.url}/public/?Cmd=freebusy&start=2030-11-20T09:00:00Z&end=2030-11-20T11:00:00Z&interval=60&u=SMTP:${alias}@example.com`, {
      headers: { Authorization: basic('booking-svc') },
    });
    return parse(await res.text())[1]!.fbdata;
  };

  test('a delayed free/busy still shows a meeting cancelled or moved within the delay where it was', async () => {
    await createAppointment(emu.url, 'booking-svc', '/exchange/ouse/Calendar/a.EML', {
      subject: 'x',
      start: '2030-11-20T09:00:00.000Z',
      end: '2030-11-20T10:00:00.000Z',
    });
    await createAppointment(emu.url, 'booking-svc', '/exchange/tees/Calendar/b.EML', {
      subject: 'y',
      start: '2030-11-20T09:00:00.000Z',
      end: '2030-11-20T10:00:00.000Z',
    });
    now += 2 * 3_600_000;
    await fetch(`${emu.url}/_emulator/freebusy-delay`, { method: 'PUT', body: JSON.stringify({ ms: 3_600_000 }) });
    assert.equal(
      await (
        await fetch(`${emu.url}/exchange/ouse/Calendar/a.EML`, { method: 'DELETE', headers: { Authorization: basic('booking-svc') } })
      ).status,
      200,
    );
    await fetch(`${emu.url}/exchange/tees/Calendar/b.EML`, {
      method: 'PROPPATCH',
      headers: { Authorization: basic('booking-svc'), 'Content-Type': 'text/xml' },
      body: '<?xml version="1.0"?><a:propertyupdate xmlns:a="DAV:" xmlns:e="urn:schemas:calendar:"><a:set><a:prop><e:dtstart>2030-11-20T10:00:00Z</e:dtstart><e:dtend>2030-11-20T11:00:00Z</e:dtend></a:prop></a:set></a:propertyupdate>',
    });
    assert.equal(await fbdata('ouse'), '20', 'the cancelled meeting is still published');
    assert.equal(await fbdata('tees'), '20', 'the moved meeting is still published at its old time');
    now += 2 * 3_600_000;
    assert.equal(await fbdata('ouse'), '00');
    assert.equal(await fbdata('tees'), '02');
  });
});
