// A Hungarian mailbox end to end (issue 17): the gateway discovers folders named in Hungarian ("Naptár",
// "Piszkozatok", "Elküldött elemek", …), %-encoded on the wire as Exchange 2003 does, and books, changes, cancels
// and reads free/busy for a Hungarian user (eszter) and room (duna) with the organizer's language in
// Accept-Language. A recording proxy between the gateway and the emulator shows what went over the wire.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { createExchangeGateway, InvalidMeetingError, type ExchangeGatewayConfig, type Meeting } from './index.ts';
import { P } from './fixtures/emulator-control.ts';
import { useTestEmulator } from './fixtures/test-emulator.ts';
import { makeMeeting } from './fixtures/meetings.ts';
import { cancelMeeting, createMeeting, updateMeeting } from './testing/composites.ts';

const REQUEST = 'IPM.Schedule.Meeting.Request';
const CANCELED = 'IPM.Schedule.Meeting.Canceled';
const log = pino({ level: 'silent' });
const suite = useTestEmulator();

// The names as Exchange 2003 writes them in hrefs: UTF-8, %-encoded, a space as %20.
const ROOT = '/exchange/eszter/';
const CALENDAR = `${ROOT}Napt%C3%A1r`;
const DRAFTS = `${ROOT}Piszkozatok`;
const SENT = `${ROOT}Elk%C3%BCld%C3%B6tt%20elemek`;
const INBOX = `${ROOT}Be%C3%A9rkezett%20%C3%BCzenetek`;
const DELETED = `${ROOT}T%C3%B6r%C3%B6lt%20elemek`;

interface Recorded {
  method: string;
  /** The request target exactly as sent (path and query, still %-encoded). */
  url: string;
  acceptLanguage: string | undefined;
  destination: string | undefined;
  body: string;
}

let proxy: Server;
let proxyUrl = '';
const wire: Recorded[] = [];

before(async () => {
  const target = new URL(suite.url);
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const h = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
      wire.push({
        method: req.method ?? '',
        url: req.url ?? '',
        acceptLanguage: h('accept-language'),
        destination: h('destination'),
        body: body.toString('utf8'),
      });
      const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

function gateway(over: Partial<ExchangeGatewayConfig> = {}) {
  return createExchangeGateway({ url: proxyUrl, auth: 'basic', username: 'booking-svc', password: 'demo', meetingRoute: 'owa', ...over }, log);
}

/** Requests sent since `mark` (an index into the wire log). */
const since = (mark: number) => wire.slice(mark);

function hungarianMeeting(over: Partial<Meeting> = {}): Meeting {
  const zone = 'Europe/Budapest';
  const day = DateTime.now().setZone(zone).plus({ days: 8 }).startOf('day');
  return makeMeeting({
    uid: `rb-hu-${Date.now()}@roombook`,
    organizer: { alias: 'eszter', email: 'eszter@example.com', name: 'Kovács Eszter' },
    subject: 'Költségvetés – első negyedév',
    textBody: 'Napirend:\n1. Számok, ő és ű',
    timeZone: zone,
    start: day.set({ hour: 10 }),
    end: day.set({ hour: 11 }),
    requiredAttendees: [{ email: 'alice@example.com', name: 'Alice Anderson' }],
    optionalAttendees: [{ email: 'bob@example.com' }],
    room: { alias: 'duna', email: 'duna@example.com', name: 'Duna' },
    language: 'hu',
    ...over,
  });
}

describe('a Hungarian mailbox', () => {
  test('discoverFolders() reads the Hungarian folder names from the mailbox root, %-encoded, once per mailbox', async () => {
    const gw = gateway();
    const mark = wire.length;
    const folders = await gw.discoverFolders('eszter');
    assert.deepEqual(
      { calendar: folders.calendar, drafts: folders.drafts, sentItems: folders.sentItems, inbox: folders.inbox, deletedItems: folders.deletedItems },
      { calendar: CALENDAR, drafts: DRAFTS, sentItems: SENT, inbox: INBOX, deletedItems: DELETED },
    );
    assert.equal(decodeURIComponent(folders.sentItems), '/exchange/eszter/Elküldött elemek');
    assert.equal(folders.submission, `${ROOT}%23%23DavMailSubmissionURI%23%23/`);
    const room = await gw.discoverFolders('duna');
    assert.equal(room.calendar, '/exchange/duna/Napt%C3%A1r');
    await gw.discoverFolders('eszter');
    const roots = since(mark).filter((r) => r.method === 'PROPFIND');
    assert.deepEqual(
      roots.map((r) => r.url),
      [ROOT, '/exchange/duna/'],
      'one root PROPFIND per mailbox, then the cache',
    );
    for (const prop of ['calendar', 'drafts', 'sentitems', 'inbox', 'deleteditems', 'sendmsg'])
      assert.match(roots[0]!.body, new RegExp(`<[a-z]+:${prop}/>`), prop);
    await gw.close();
  });

  test('books, changes and cancels a meeting of a Hungarian organizer in a Hungarian room, asking OWA for Hungarian', async () => {
    const gw = gateway();
    const m = hungarianMeeting();
    const item = `${CALENDAR}/${encodeURIComponent(m.uid)}.EML`;

    // Create: PROPPATCH of the item in Naptár, PROPPATCH of the draft in Piszkozatok, MOVE to the submission URI.
    let mark = wire.length;
    const ref = await createMeeting(gw, m);
    assert.equal(ref.path, item);
    const created = since(mark).filter((r) => r.method !== 'PROPFIND');
    assert.deepEqual(
      created.map((r) => r.method),
      ['PROPPATCH', 'PROPPATCH', 'MOVE'],
    );
    assert.equal(created[0]!.url, item);
    assert.ok(created[1]!.url.startsWith(`${DRAFTS}/`), created[1]!.url);
    assert.match(created[2]!.destination ?? '', /\/exchange\/eszter\/%23%23DavMailSubmissionURI%23%23\/?$/);
    const [own] = await suite.ctl.messages('eszter', 'calendar', m.uid);
    assert.equal(own?.props[P.subject], m.subject);
    assert.equal((await suite.ctl.messages('alice', 'inbox', m.uid, REQUEST)).length, 1);
    assert.equal((await suite.ctl.messages('duna', 'calendar', m.uid)).length, 1, 'the room accepted into its Naptár');

    // Read back: SEARCH of the Hungarian calendars (organizer and room).
    const window = { start: m.start.minus({ hours: 1 }), end: m.end.plus({ hours: 1 }) };
    mark = wire.length;
    const [mine] = await gw.listCalendar('eszter', window);
    assert.equal(mine?.uid, m.uid);
    assert.equal(mine?.subject, m.subject);
    const [roomCopy] = await gw.listCalendar('duna', window);
    assert.equal(roomCopy?.responseStatus, 'accepted');
    assert.deepEqual(
      since(mark)
        .filter((r) => r.method === 'SEARCH')
        .map((r) => r.url),
      [CALENDAR, '/exchange/duna/Napt%C3%A1r'],
    );

    // Free/busy of the room, asked in Hungarian.
    mark = wire.length;
    const [fb] = await gw.freeBusy(['duna@example.com'], { start: m.start.startOf('day'), end: m.start.startOf('day').plus({ days: 1 }) }, 15, {
      language: 'hu',
    });
    assert.equal(fb?.known, true);
    assert.deepEqual(
      fb?.busy.map((b) => [b.start.toMillis(), b.end.toMillis()]),
      [[m.start.toMillis(), m.end.toMillis()]],
    );
    const [fbRequest] = since(mark);
    assert.match(fbRequest!.url, /^\/public\/\?Cmd=freebusy&/i);
    assert.equal(fbRequest!.acceptLanguage, 'hu');

    // Change: PROPPATCH of the item, then OWA Cmd=sendappt with MsgID naming Naptár, in Hungarian.
    const moved = { ...m, sequence: 1, start: m.start.plus({ hours: 2 }), end: m.end.plus({ hours: 2 }) };
    mark = wire.length;
    assert.equal((await updateMeeting(gw, ref, moved)).route, 'owa');
    const sendappt = since(mark).find((r) => r.method === 'POST');
    assert.equal(sendappt?.url, item);
    assert.equal(sendappt?.acceptLanguage, 'hu');
    assert.match(sendappt?.body ?? '', /^Cmd=sendappt$/m);
    assert.match(sendappt?.body ?? '', new RegExp(`^MsgID=/Naptár/${m.uid.replace(/[.]/g, '\\.')}\\.EML$`, 'm'));
    const updates = await suite.ctl.messages('alice', 'inbox', m.uid, REQUEST);
    assert.equal(updates.length, 2);
    const [roomMoved] = await suite.ctl.messages('duna', 'calendar', m.uid);
    assert.equal(roomMoved?.props[P.dtstart], moved.start.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"));

    // Cancel: OWA Cmd=getcancel drafts the cancellation in Piszkozatok, the MOVE submits it, the item is deleted.
    mark = wire.length;
    assert.equal((await cancelMeeting(gw, ref, { ...moved, sequence: 2 })).route, 'owa');
    const cancel = since(mark);
    const getcancel = cancel.find((r) => r.method === 'GET');
    assert.equal(getcancel?.url, `${item}?Cmd=getcancel`);
    assert.equal(getcancel?.acceptLanguage, 'hu');
    const move = cancel.find((r) => r.method === 'MOVE');
    assert.ok(move?.url.startsWith(`${DRAFTS}/`), move?.url);
    assert.match(decodeURIComponent(move!.url), /\/Piszkozatok\/Lemondva: /, 'OWA words the draft in the mailbox language');
    assert.deepEqual(
      cancel.filter((r) => r.method === 'DELETE').map((r) => r.url),
      [item],
    );
    const [cancellation] = await suite.ctl.messages('alice', 'inbox', m.uid, CANCELED);
    assert.ok(cancellation);
    assert.equal((await suite.ctl.messages('eszter', 'calendar', m.uid)).length, 0);
    assert.equal((await suite.ctl.messages('duna', 'calendar', m.uid)).length, 0);
    assert.equal((await suite.ctl.messages('eszter', 'sentitems', m.uid)).length >= 3, true, 'request, update and cancellation are in Elküldött elemek');
    await gw.close();
  });

  test('a resumed send finds its earlier submission in Elküldött elemek and sends nothing twice', async () => {
    const gw = gateway();
    const m = hungarianMeeting({ uid: `rb-hu-resume-${Date.now()}@roombook` });
    const ref = await createMeeting(gw, m);
    assert.equal((await gw.submitMeeting(ref, m, { resumed: true })).outcome, 'already-submitted');
    const moved = { ...m, sequence: 1, start: m.start.plus({ hours: 1 }), end: m.end.plus({ hours: 1 }) };
    await updateMeeting(gw, ref, moved);
    const mark = wire.length;
    assert.equal((await gw.sendMeetingUpdate(ref, moved, { resumed: true })).outcome, 'already-submitted');
    assert.ok(
      since(mark).some((r) => r.method === 'SEARCH' && r.url.replace(/\/$/, '') === SENT),
      'the resume check searched Elküldött elemek',
    );
    assert.equal((await suite.ctl.messages('alice', 'inbox', m.uid, REQUEST)).length, 2);
    await gw.close();
  });
});

describe('Accept-Language of OWA commands', () => {
  test('without a language the gateway asks for its defaultLanguage (DEFAULT_LOCALE), en unless configured', async () => {
    const window = { start: DateTime.utc().plus({ days: 3 }).startOf('day'), end: DateTime.utc().plus({ days: 4 }).startOf('day') };
    const english = gateway();
    let mark = wire.length;
    await english.freeBusy(['duna@example.com'], window, 30);
    assert.equal(since(mark)[0]?.acceptLanguage, 'en');
    await english.close();

    const hungarian = gateway({ defaultLanguage: 'hu' });
    mark = wire.length;
    await hungarian.freeBusy(['duna@example.com'], window, 30);
    assert.equal(since(mark)[0]?.acceptLanguage, 'hu');
    mark = wire.length;
    await hungarian.freeBusy(['duna@example.com'], window, 30, { language: 'en-GB' });
    assert.equal(since(mark)[0]?.acceptLanguage, 'en-gb', 'the caller’s language wins over the default');
    await hungarian.close();
  });

  test('a language that is no BCP-47 tag is refused before anything is sent (no header injection)', async () => {
    const gw = gateway();
    const mark = wire.length;
    await assert.rejects(
      gw.putMeetingItem(hungarianMeeting({ language: 'hu\r\nX-Evil: 1' })),
      (e: unknown) => e instanceof InvalidMeetingError && 'language' in e.fields,
    );
    await assert.rejects(
      gw.freeBusy(['duna@example.com'], { start: DateTime.utc(), end: DateTime.utc().plus({ hours: 1 }) }, 15, { language: 'not a tag' }),
      InvalidMeetingError,
    );
    assert.equal(since(mark).length, 0);
    assert.throws(() => gateway({ defaultLanguage: 'x y' }), /defaultLanguage/);
    await gw.close();
  });
});
