import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../index.ts';
import { createAppointment, dav, propfindBody, rows, searchBody, start } from '../testing/client.ts';

const SELECT = `SELECT "DAV:href", "http://schemas.microsoft.com/exchange/permanenturl", "urn:schemas:httpmail:subject", "urn:schemas:calendar:dtstart", "DAV:getetag", "urn:schemas:calendar:instancetype"`;

describe('SEARCH', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
    const days = ['2030-11-18', '2030-11-19', '2030-11-20', '2030-11-21', '2030-11-25'];
    for (const [i, day] of days.entries()) {
      await createAppointment(emu.url, 'booking-svc', `/exchange/thames/Calendar/m${i}.EML`, {
        subject: `Meeting ${i}`,
        start: `${day}T09:00:00.000Z`,
        end: `${day}T10:00:00.000Z`,
      });
    }
  });
  after(() => emu.close());

  const window = (from: string, to: string, order = 'ASC') =>
    `${SELECT} FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/thames/Calendar/"') WHERE "DAV:isfolder" = false AND "DAV:ishidden" = false AND "DAV:contentclass" = 'urn:content-classes:appointment' AND NOT "urn:schemas:calendar:instancetype" = 1 AND "urn:schemas:calendar:dtend" > '${from}' AND "urn:schemas:calendar:dtstart" < '${to}' ORDER BY "urn:schemas:calendar:dtstart" ${order}`;

  test('SEARCH filters a date window and orders by dtstart', async () => {
    const r = await dav(emu.url, 'SEARCH', '/exchange/thames/Calendar/', {
      user: 'booking-svc',
      body: searchBody(window('2030/11/19 00:00:00', '2030/11/22 00:00:00', 'DESC')),
    });
    assert.equal(r.status, 207);
    assert.equal(r.headers.get('content-type'), 'text/xml');
    const found = rows(r.text);
    assert.deepEqual(
      found.map((x) => x.ok.subject),
      ['Meeting 3', 'Meeting 2', 'Meeting 1'],
    );
    assert.equal(found[0]!.href, `${emu.url}/exchange/thames/Calendar/m3.EML`);
    assert.equal(found[0]!.types.dtstart, 'dateTime.tz');
  });

  test('SEARCH accepts DavMail casing, parentheses, CAST dates and LIKE', async () => {
    const sql = `Select "urn:schemas:httpmail:subject" FROM Scope('Shallow TRAVERSAL of "${emu.url}/exchange/thames/Calendar/"') Where ("DAV:contentclass" = 'urn:content-classes:appointment' And (Not "urn:schemas:calendar:instancetype" = 1)) AND "urn:schemas:calendar:dtstart" >= CAST("2030-11-21T00:00:00Z" as 'dateTime') AND "urn:schemas:httpmail:subject" like 'meeting%'`;
    const r = await dav(emu.url, 'SEARCH', '/exchange/thames/Calendar/', { user: 'booking-svc', body: searchBody(sql) });
    assert.deepEqual(
      rows(r.text)
        .map((x) => x.ok.subject)
        .sort(),
      ['Meeting 3', 'Meeting 4'],
    );
  });

  test('SEARCH answers the same getetag as PROPFIND', async () => {
    const s = rows(
      (
        await dav(emu.url, 'SEARCH', '/exchange/thames/Calendar/', {
          user: 'booking-svc',
          body: searchBody(window('2030/11/20 00:00:00', '2030/11/21 00:00:00')),
        })
      ).text,
    );
    const p = rows(
      (await dav(emu.url, 'PROPFIND', '/exchange/thames/Calendar/m2.EML', { user: 'booking-svc', headers: { Depth: '0' }, body: propfindBody('<a:getetag/>') }))
        .text,
    );
    assert.equal(s[0]!.ok.getetag, p[0]!.ok.getetag);
  });

  test('SEARCH pages with Range: rows= and answers Content-Range', async () => {
    const r = await dav(emu.url, 'SEARCH', '/exchange/thames/Calendar/', {
      user: 'booking-svc',
      headers: { Range: 'rows=1-2' },
      body: searchBody(window('2030/01/01 00:00:00', '2031/01/01 00:00:00')),
    });
    assert.equal(r.status, 207);
    assert.equal(r.headers.get('content-range'), 'rows 1-2; total=5');
    assert.deepEqual(
      rows(r.text).map((x) => x.ok.subject),
      ['Meeting 1', 'Meeting 2'],
    );
    const last = await dav(emu.url, 'SEARCH', '/exchange/thames/Calendar/', {
      user: 'booking-svc',
      headers: { Range: 'rows=-2' },
      body: searchBody(window('2030/01/01 00:00:00', '2031/01/01 00:00:00')),
    });
    assert.deepEqual(
      rows(last.text).map((x) => x.ok.subject),
      ['Meeting 3', 'Meeting 4'],
    );
  });

  test('SEARCH answers 416 for a range past the end', async () => {
    const r = await dav(emu.url, 'SEARCH', '/exchange/thames/Calendar/', {
      user: 'booking-svc',
      headers: { Range: 'rows=10-20' },
      body: searchBody(window('2030/01/01 00:00:00', '2031/01/01 00:00:00')),
    });
    assert.equal(r.status, 416);
  });

  test('SEARCH with no match answers an empty 207', async () => {
    const r = await dav(emu.url, 'SEARCH', '/exchange/thames/Calendar/', {
      user: 'booking-svc',
      headers: { Range: 'rows=0-99' },
      body: searchBody(window('2040/01/01 00:00:00', '2040/01/02 00:00:00')),
    });
    assert.equal(r.status, 207);
    assert.equal(r.headers.get('content-type'), 'text/xml');
    assert.deepEqual(rows(r.text), []);
    assert.match(r.text, /<a:multistatus[^>]*\/>$/);
  });

  test('SEARCH finds an item by PR_URL_COMP_NAME as DavMail does after a 404', async () => {
    const sql = `SELECT "DAV:getetag" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/thames/Calendar/"') WHERE "http://schemas.microsoft.com/mapi/proptag/x10f3001f" = 'm4.EML'`;
    const r = await dav(emu.url, 'SEARCH', '/exchange/thames/Calendar/', { user: 'booking-svc', headers: { Range: 'rows=0-0' }, body: searchBody(sql) });
    assert.equal(rows(r.text).length, 1);
  });

  test('SEARCH matches MAPI views of item properties: PR_MESSAGE_CLASS and PR_MESSAGE_DELIVERY_TIME', async () => {
    const sql = `SELECT "http://schemas.microsoft.com/mapi/proptag/x0e060040", "http://schemas.microsoft.com/mapi/proptag/x0e080003" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/thames/Calendar/"') WHERE "http://schemas.microsoft.com/mapi/proptag/x001a001f" = 'IPM.Appointment'`;
    const found = rows((await dav(emu.url, 'SEARCH', '/exchange/thames/Calendar/', { user: 'booking-svc', body: searchBody(sql) })).text);
    assert.equal(found.length, 5);
    assert.equal(found[0]!.types.x0e060040, 'dateTime.tz');
    assert.equal(found[0]!.types.x0e080003, 'int');
  });

  test('SEARCH answers 400 for a syntax error', async () => {
    for (const sql of [
      'SELECT FROM nowhere',
      `SELECT "DAV:href" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/thames/Calendar/"') WHERE "DAV:isfolder" ==`,
      'DROP TABLE items',
    ]) {
      const r = await dav(emu.url, 'SEARCH', '/exchange/thames/Calendar/', { user: 'booking-svc', body: searchBody(sql) });
      assert.equal(r.status, 400, sql);
    }
  });

  test('SEARCH answers 403 for a scope in a mailbox the caller may not open', async () => {
    const sql = `SELECT "DAV:href" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/bob/Calendar/"')`;
    const r = await dav(emu.url, 'SEARCH', '/exchange/alice/Calendar/', { user: 'alice', body: searchBody(sql) });
    assert.equal(r.status, 403);
  });

  test('SEARCH on NON_IPM_SUBTREE for OWA user options answers an empty 207', async () => {
    const sql = `SELECT "DAV:href" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/alice/NON_IPM_SUBTREE/"') WHERE "http://schemas.microsoft.com/exchange/outlookmessageclass" = 'IPM.Configuration.OWA.UserOptions'`;
    const r = await dav(emu.url, 'SEARCH', '/exchange/alice/NON_IPM_SUBTREE/', { user: 'alice', body: searchBody(sql) });
    assert.equal(r.status, 207);
    assert.deepEqual(rows(r.text), []);
  });
});
