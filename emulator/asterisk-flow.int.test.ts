// Asterisk's res_calendar_exchange against the emulator: its exact PROPPATCH (with its odd `dt` namespace)
// and SEARCH (the NOT (… OR …) window), over Basic auth with forms login off, as a neon client needs a 401.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from './index.ts';
import { dav, rows, start } from './testing/client.ts';

const UID = '0f5e6a56-9a34-4b34-8a39-3e0f1f7d2c11';

function writeBody(startAt: string, endAt: string): string {
  return `<?xml version="1.0"?>
<a:propertyupdate
  xmlns:a="DAV:"
  xmlns:e="http://schemas.microsoft.com/exchange/"
  xmlns:mapi="http://schemas.microsoft.com/mapi/"
  xmlns:mapit="http://schemas.microsoft.com/mapi/proptag/"
  xmlns:x="xml:" xmlns:cal="urn:schemas:calendar:"
  xmlns:dt="uuid:${UID}/"
  xmlns:header="urn:schemas:mailheader:"
  xmlns:mail="urn:schemas:httpmail:"
>
    <a:set>
      <a:prop>
        <a:contentclass>urn:content-classes:appointment</a:contentclass>
        <e:outlookmessageclass>IPM.Appointment</e:outlookmessageclass>
        <mail:subject>Conference call</mail:subject>
        <mail:description>Dial in</mail:description>
        <header:to>adam@example.com</header:to>
        <cal:location>Bridge 1</cal:location>
        <cal:dtstart dt:dt="dateTime.tz">${startAt}</cal:dtstart>
        <cal:dtend dt:dt="dateTime.tz">${endAt}</cal:dtend>
        <cal:instancetype dt:dt="int">0</cal:instancetype>
        <cal:busystatus>BUSY</cal:busystatus>
        <cal:meetingstatus>CONFIRMED</cal:meetingstatus>
        <cal:alldayevent dt:dt="boolean">0</cal:alldayevent>
        <cal:responserequested dt:dt="boolean">0</cal:responserequested>
        <mapi:finvited dt:dt="boolean">1</mapi:finvited>
      </a:prop>
    </a:set>
</a:propertyupdate>
`;
}

function searchBody(url: string, from: string, to: string): string {
  return `<?xml version="1.0"?>
<g:searchrequest xmlns:g="DAV:">
        <g:sql> SELECT "urn:schemas:calendar:location", "urn:schemas:httpmail:subject",
                "urn:schemas:calendar:dtstart", "urn:schemas:calendar:dtend",
                "urn:schemas:calendar:busystatus", "urn:schemas:calendar:instancetype",
                "urn:schemas:calendar:uid", "urn:schemas:httpmail:textdescription",
                "urn:schemas:calendar:organizer", "urn:schemas:calendar:reminderoffset"
                FROM Scope('SHALLOW TRAVERSAL OF "${url}/Calendar"')
                WHERE NOT "urn:schemas:calendar:instancetype" = 1
                AND "DAV:contentclass" = 'urn:content-classes:appointment'
                AND NOT ("urn:schemas:calendar:dtend" &lt; '${from}'
                OR "urn:schemas:calendar:dtstart" &gt; '${to}')
                ORDER BY "urn:schemas:calendar:dtstart" ASC
         </g:sql>
</g:searchrequest>
`;
}

describe('an Asterisk res_calendar_exchange session', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ auth: { forms: false } });
  });
  after(() => emu.close());

  test('the first request without credentials gets the 401 challenge neon answers', async () => {
    const r = await dav(emu.url, 'SEARCH', '/exchange/adam', { body: searchBody(`${emu.url}/exchange/adam`, '2030/11/20 00:00:00', '2030/11/21 00:00:00') });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /Basic/);
  });

  test('exchangecal_write_event: PROPPATCH to /Calendar/<uid>.eml stores typed dates despite the odd dt namespace', async () => {
    const r = await dav(emu.url, 'PROPPATCH', `/exchange/adam/Calendar/${UID}.eml`, {
      user: 'adam',
      body: writeBody('2030-11-20T09:00:00.000Z', '2030-11-20T10:00:00.000Z'),
    });
    assert.equal(r.status, 207);
    assert.equal(rows(r.text)[0]!.status, 'HTTP/1.1 201 Created');
  });

  test('exchangecal_get_events_between: the SEARCH finds the event with prefixed elements and .000Z dates', async () => {
    const r = await dav(emu.url, 'SEARCH', '/exchange/adam', {
      user: 'adam',
      body: searchBody(`${emu.url}/exchange/adam`, '2030/11/20 00:00:00', '2030/11/21 00:00:00'),
    });
    assert.equal(r.status, 207);
    const [row] = rows(r.text);
    assert.equal(row!.ok.subject, 'Conference call');
    assert.equal(row!.ok.dtstart, '2030-11-20T09:00:00.000Z');
    assert.equal(row!.ok.busystatus, 'BUSY');
    assert.ok(row!.ok.uid, 'the store filled in a uid');
    assert.match(r.text, /<[a-z]+:subject>Conference call<\/[a-z]+:subject>/);
    const outside = await dav(emu.url, 'SEARCH', '/exchange/adam', {
      user: 'adam',
      body: searchBody(`${emu.url}/exchange/adam`, '2030/11/21 00:00:00', '2030/11/22 00:00:00'),
    });
    assert.deepEqual(rows(outside.text), []);
  });
});
