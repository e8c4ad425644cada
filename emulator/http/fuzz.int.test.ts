// Garbage in, never a 500 out: seeded random bodies and headers against every write method.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../index.ts';
import { createAppointment, dav, start } from '../testing/client.ts';

function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

const FRAGMENTS = [
  '<?xml version="1.0"?>',
  '<a:propertyupdate xmlns:a="DAV:">',
  '<a:set>',
  '<a:prop>',
  '</a:prop>',
  '</a:set>',
  '</a:propertyupdate>',
  '<a:propfind xmlns:a="DAV:">',
  '<a:searchrequest xmlns:a="DAV:"><a:sql>',
  'SELECT "DAV:href" FROM SCOPE(\'SHALLOW TRAVERSAL OF "/exchange/alice/Calendar/"\')',
  ' WHERE ',
  '"urn:schemas:calendar:dtstart" > \'2030/01/01 00:00:00\'',
  ' AND (',
  ')',
  '</a:sql></a:searchrequest>',
  '<e:dtstart xmlns:e="urn:schemas:calendar:" xmlns:b="urn:uuid:c2f41010-65b3-11d1-a29f-00aa00c14882/" b:dt="dateTime.tz">',
  '</e:dtstart>',
  'BEGIN:VCALENDAR\r\n',
  'BEGIN:VEVENT\r\n',
  'DTSTART:2030',
  'RRULE:FREQ=SECONDLY\r\n',
  'END:VEVENT\r\n',
  'END:VCALENDAR\r\n',
  'Content-Type: multipart/alternative; boundary="x"\r\n\r\n--x\r\n',
  '&amp;',
  '&#0;',
  '<!--',
  ']]>',
  '\u0000',
  'ü',
  '%',
  "'",
  '"',
];

describe('fuzzing', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
    await createAppointment(emu.url, 'alice', '/exchange/alice/Calendar/fuzz.EML', {
      subject: 'Fuzz',
      start: '2030-01-01T09:00:00Z',
      end: '2030-01-01T10:00:00Z',
    });
  });
  after(() => emu.close());

  test('random bodies for PROPPATCH, PROPFIND, SEARCH, PUT, MKCOL and POST never get a 5xx', async () => {
    const random = prng(42);
    const methods: [string, string][] = [
      ['PROPPATCH', '/exchange/alice/Calendar/fuzz.EML'],
      ['PROPFIND', '/exchange/alice/Calendar/'],
      ['SEARCH', '/exchange/alice/Calendar/'],
      ['PUT', '/exchange/alice/Calendar/fuzz-put.EML'],
      ['MKCOL', '/exchange/alice/Fuzz'],
      ['POST', '/exchange/alice/Calendar/fuzz.EML'],
    ];
    for (let round = 0; round < 40; round++) {
      for (const [method, path] of methods) {
        const parts = Array.from({ length: 1 + Math.floor(random() * 12) }, () => FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]!);
        const headers: Record<string, string> = {
          Depth: ['0', '1', 'infinity', 'x'][Math.floor(random() * 4)]!,
          Range: ['rows=0-1', 'rows=-', 'rows=9-1', 'bogus'][Math.floor(random() * 4)]!,
        };
        if (method === 'POST') headers['Content-Type'] = random() < 0.5 ? 'application/x-www-UTF8-encoded' : 'application/x-www-form-urlencoded';
        if (method === 'PUT') headers['Content-Type'] = 'message/rfc822';
        const r = await dav(emu.url, method, path, { user: 'alice', headers, body: parts.join('') });
        assert.ok(r.status < 500, `${method} ${JSON.stringify(parts.join(''))} → ${r.status}`);
      }
    }
    assert.equal((await dav(emu.url, 'PROPFIND', '/exchange/alice/Calendar/fuzz.EML', { user: 'alice', headers: { Depth: '0' } })).status, 207);
  });
});
