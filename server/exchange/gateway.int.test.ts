// The gateway against the emulator over real HTTP on 127.0.0.1: each operation, with its effect read back
// through the emulator's control API.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { createExchangeGateway, type ExchangeGateway, type Meeting } from './index.ts';
import { P } from './fixtures/emulator-control.ts';
import { useTestEmulator } from './fixtures/test-emulator.ts';
import { makeMeeting } from './fixtures/meetings.ts';
import { createTransport } from './transport.ts';
import { proppatch } from './dav/proppatch.ts';
import { itemName, itemPath } from './paths.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { cancelMeeting, createMeeting, updateMeeting } from './testing/composites.ts';

const REQUEST = 'IPM.Schedule.Meeting.Request';
const CANCELED = 'IPM.Schedule.Meeting.Canceled';
const log = pino({ level: 'silent' });

let counter = 0;

function meetingAt(hour: number, over: Partial<Meeting> = {}): Meeting {
  const zone = 'Europe/London';
  const day = DateTime.now().setZone(zone).plus({ days: 7 }).startOf('day');
  return makeMeeting({ uid: `rb-int-${++counter}-${Date.now()}@roombook`, start: day.set({ hour }), end: day.set({ hour: hour + 1 }), ...over });
}

function gatewayFor(route: 'owa' | 'webdav', auth: 'basic' | 'ntlm' | 'forms' = 'basic'): ExchangeGateway {
  return createExchangeGateway({ url: suite.url, auth, username: 'booking-svc', password: 'demo', meetingRoute: route }, log);
}

const suite = useTestEmulator();

describe('folders', () => {
  test('discoverFolders() finds the localized folders of a German mailbox', async () => {
    const gw = gatewayFor('owa');
    const folders = await gw.discoverFolders('klaus');
    assert.match(decodeURIComponent(folders.calendar), /\/exchange\/klaus\/Kalender$/);
    assert.match(decodeURIComponent(folders.drafts), /Entwürfe/);
    assert.match(folders.submission, /%23%23DavMailSubmissionURI%23%23/);
    await gw.close();
  });
});

describe('createMeeting', () => {
  test('createMeeting() files the item and delivers a REQUEST with the UID and SEQUENCE 0', async () => {
    const gw = gatewayFor('owa');
    const m = meetingAt(9);
    const ref = await createMeeting(gw, m);
    assert.equal(ref.uid, m.uid);
    const own = await suite.ctl.messages('alice', 'calendar', m.uid);
    assert.equal(own.length, 1);
    const requests = await suite.ctl.messages('bob', 'inbox', m.uid, REQUEST);
    assert.equal(requests.length, 1);
    assert.equal(String(requests[0]!.props[P.sequence]), '0');
    assert.equal(requests[0]!.props[P.dtstart], m.start.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"));
    assert.equal((await suite.ctl.messages('rita', 'inbox', m.uid, REQUEST)).length, 1);
    await gw.close();
  });

  test('createMeeting() books the room, which accepts, and free/busy shows it busy', async () => {
    const gw = gatewayFor('owa');
    const m = meetingAt(10);
    await createMeeting(gw, m);
    assert.equal((await suite.ctl.messages('thames', 'calendar', m.uid)).length, 1);
    const responses = await gw.listResponses('alice', m.uid);
    assert.deepEqual(
      responses.map((r) => [r.email, r.response]),
      [['thames@example.com', 'accepted']],
    );
    const window = { start: m.start.startOf('day'), end: m.start.startOf('day').plus({ days: 1 }) };
    const [thames, severn] = await gw.freeBusy(['thames@example.com', 'severn@example.com'], window, 30);
    assert.deepEqual(
      thames!.busy.map((b) => [b.start.toMillis(), b.end.toMillis(), b.status]),
      [[m.start.toMillis(), m.end.toMillis(), 'busy']],
    );
    assert.equal(severn!.busy.length, 0);
    await gw.close();
  });

  test('createMeeting() for an overlapping slot gets a decline from the room', async () => {
    const gw = gatewayFor('owa');
    await createMeeting(gw, meetingAt(11));
    const second = meetingAt(11, {
      organizer: { alias: 'bob', email: 'bob@example.com', name: 'Bob Baker' },
      requiredAttendees: [{ email: 'alice@example.com' }],
    });
    await createMeeting(gw, second);
    const responses = await gw.listResponses('bob', second.uid);
    assert.deepEqual(
      responses.map((r) => r.response),
      ['declined'],
    );
    await gw.close();
  });

  test('putMeetingItem() and submitMeeting() repeated after success create one item and one request', async () => {
    const gw = gatewayFor('owa');
    const m = meetingAt(12);
    const ref = await gw.putMeetingItem(m);
    assert.deepEqual(await gw.putMeetingItem(m), ref);
    assert.equal((await gw.submitMeeting(ref, m)).outcome, 'submitted');
    assert.equal((await gw.submitMeeting(ref, m, { resumed: true })).outcome, 'already-submitted');
    assert.equal((await suite.ctl.messages('alice', 'calendar', m.uid)).length, 1);
    assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, REQUEST)).length, 1);
    await gw.close();
  });

  test('putMeetingItem() never overwrites another meeting that holds the name', async () => {
    const gw = gatewayFor('owa');
    const m = meetingAt(13);
    const folders = await gw.discoverFolders('alice');
    const transport = createTransport(
      {
        url: suite.url,
        auth: 'basic',
        credentials: { username: 'booking-svc', password: 'demo' },
        connectTimeoutMs: 2000,
        headersTimeoutMs: 5000,
        bodyTimeoutMs: 5000,
        keepAliveTimeoutMs: 1000,
        maxConnections: 1,
        userAgent: 'test',
      },
      log,
    );
    await proppatch(transport, itemPath(folders.calendar, itemName(m.uid)), { subject: 'Someone else', uid: 'someone-else' }, { createOnly: true });
    await assert.rejects(gw.putMeetingItem(m), ConflictError);
    const [item] = await suite.ctl.items('alice', 'calendar');
    assert.equal(item!.props[P.subject], 'Someone else');
    assert.equal(item!.props[P.uid], 'someone-else');
    await transport.close();
    await gw.close();
  });
});

describe('listCalendar', () => {
  test('listCalendar() returns the meeting with times, attendees by role and the room response', async () => {
    const gw = gatewayFor('owa');
    const m = meetingAt(14);
    await createMeeting(gw, m);
    const window = { start: m.start.minus({ hours: 1 }), end: m.end.plus({ hours: 1 }) };
    const [mine] = await gw.listCalendar('alice', window);
    assert.equal(mine?.uid, m.uid);
    assert.equal(+mine!.start, +m.start);
    assert.deepEqual(
      mine!.attendees.map((a) => [a.email, a.role]),
      [
        ['bob@example.com', 'required'],
        ['rita@example.com', 'optional'],
        ['thames@example.com', 'resource'],
      ],
    );
    const [room] = await gw.listCalendar('thames', window);
    assert.equal(room?.uid, m.uid);
    assert.equal(room!.busyStatus, 'busy');
    assert.deepEqual(await gw.listCalendar('thames', { start: m.end, end: m.end.plus({ hours: 1 }) }), []);
    await gw.close();
  });
});

for (const route of ['owa', 'webdav'] as const) {
  describe(`route ${route}`, () => {
    test(`updateMeeting() on the ${route} route delivers the new time with a higher SEQUENCE and moves the room booking`, async () => {
      const gw = gatewayFor(route);
      const m = meetingAt(9, { requiredAttendees: [{ email: 'bob@example.com' }, { email: 'adam@example.com' }] });
      const ref = await createMeeting(gw, m);
      const moved = { ...m, sequence: 1, start: m.start.plus({ hours: 6 }), end: m.end.plus({ hours: 6 }), requiredAttendees: [{ email: 'bob@example.com' }] };
      const result = await updateMeeting(gw, ref, moved, {
        previousRecipients: ['bob@example.com', 'adam@example.com', 'rita@example.com', 'thames@example.com'],
      });
      assert.equal(result.route, route);
      const requests = await suite.ctl.messages('bob', 'inbox', m.uid, REQUEST);
      const latest = requests.find((r) => String(r.props[P.sequence]) === '1');
      assert.ok(latest, `bob has SEQUENCE 1 among ${requests.map((r) => r.props[P.sequence]).join(',')}`);
      assert.equal(Date.parse(String(latest.props[P.dtstart])), moved.start.toMillis());
      assert.equal((await suite.ctl.messages('adam', 'inbox', m.uid, CANCELED)).length, 1, 'removed attendee gets a cancellation');
      assert.equal((await suite.ctl.messages('rita', 'inbox', m.uid, CANCELED)).length, 0, 'kept attendee gets none');
      assert.equal((await suite.ctl.messages('rita', 'inbox', m.uid, REQUEST)).length, 2, 'kept attendee gets the update');
      const [room] = await suite.ctl.messages('thames', 'calendar', m.uid);
      assert.equal(Date.parse(String(room!.props[P.dtstart])), moved.start.toMillis());
      await gw.close();
    });

    test(`updateMeeting() on the ${route} route cancels for attendees removed by emptying a list`, async () => {
      const gw = gatewayFor(route);
      const m = meetingAt(12);
      const ref = await createMeeting(gw, m);
      await updateMeeting(
        gw,
        ref,
        { ...m, sequence: 1, optionalAttendees: [] },
        { previousRecipients: ['bob@example.com', 'rita@example.com', 'thames@example.com'] },
      );
      assert.equal((await suite.ctl.messages('rita', 'inbox', m.uid, CANCELED)).length, 1);
      const [item] = await suite.ctl.messages('alice', 'calendar', m.uid);
      assert.equal(item!.props['urn:schemas:mailheader:cc'] ?? '', '');
      await gw.close();
    });

    test(`updateMeeting() on the ${route} route moves the meeting to another room and frees the old one`, async () => {
      const gw = gatewayFor(route);
      const m = meetingAt(13);
      const ref = await createMeeting(gw, m);
      const result = await updateMeeting(gw, ref, {
        ...m,
        sequence: 1,
        room: { alias: 'severn', email: 'severn@example.com', name: 'Severn' },
        location: 'Severn',
      });
      assert.equal(result.route, route);
      assert.equal((await suite.ctl.messages('thames', 'calendar', m.uid)).length, 0, 'old room freed');
      assert.equal((await suite.ctl.messages('severn', 'calendar', m.uid)).length, 1, 'new room booked');
      assert.equal((await suite.ctl.messages('rita', 'inbox', m.uid, CANCELED)).length, 0, 'kept attendees get no cancellation');
      const [item] = await suite.ctl.messages('alice', 'calendar', m.uid);
      assert.match(String(item!.props['urn:schemas:mailheader:bcc']), /severn@example.com/);
      await gw.close();
    });

    test(`cancelMeeting() on the ${route} route sends a CANCEL, frees the room and deletes the organizer's item`, async () => {
      const gw = gatewayFor(route);
      const m = meetingAt(10);
      const ref = await createMeeting(gw, m);
      const result = await cancelMeeting(gw, ref, { ...m, sequence: 1 });
      assert.equal(result.route, route);
      assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, CANCELED)).length, 1);
      assert.equal((await suite.ctl.messages('alice', 'calendar', m.uid)).length, 0);
      const window = { start: m.start, end: m.end };
      const [thames] = await gw.freeBusy(['thames@example.com'], window, 30);
      assert.deepEqual(thames!.busy, []);
      await gw.close();
    });
  });
}

describe('gone items', () => {
  test('updateMeeting() on an item deleted in Outlook fails as NotFoundError and never re-creates it', async () => {
    const gw = gatewayFor('owa');
    const m = meetingAt(15);
    const ref = await createMeeting(gw, m);
    await gw.removeMeetingItem(ref);
    await assert.rejects(updateMeeting(gw, ref, { ...m, sequence: 1 }), NotFoundError);
    assert.equal((await suite.ctl.messages('alice', 'calendar', m.uid)).length, 0);
    await gw.close();
  });

  test('removeMeetingItem() counts an item that is already gone as removed', async () => {
    const gw = gatewayFor('owa');
    const m = meetingAt(16);
    const ref = await createMeeting(gw, m);
    await gw.removeMeetingItem(ref);
    await gw.removeMeetingItem(ref);
    assert.equal(gw.health().operations.removeMeetingItem?.ok, 2);
    await gw.close();
  });

  test('freeBusy() of 100 rooms costs one request', async () => {
    const gw = gatewayFor('owa');
    await gw.discoverFolders('alice');
    const before = gw.health().requests;
    const rooms = Array.from({ length: 100 }, (_, i) => `room${i}@example.com`);
    const day = DateTime.utc(2030, 3, 4);
    const result = await gw.freeBusy(rooms, { start: day, end: day.plus({ days: 1 }) }, 15);
    assert.equal(result.length, 100);
    assert.equal(gw.health().requests - before, 1);
    assert.ok(
      result.every((r) => !r.known),
      'unknown rooms are not reported as free',
    );
    await gw.close();
  });

  test('freeBusy() tells each batch as it is read, before the call settles, and the result holds them all in order', async () => {
    const gw = createExchangeGateway({ url: suite.url, auth: 'basic', username: 'booking-svc', password: 'demo', freeBusyBatchSize: 2 }, log);
    const rooms = ['thames@example.com', 'nobody@example.com', 'severn@example.com', 'ghost@example.com', 'thames@example.com'];
    const told: string[][] = [];
    const window = { start: DateTime.utc(2030, 3, 4, 8), end: DateTime.utc(2030, 3, 4, 12) };
    const result = await gw.freeBusy(rooms, window, 30, { onBatch: (answers) => told.push(answers.map((a) => a.email)) });
    assert.equal(told.length, 3, 'three batches of at most two');
    assert.deepEqual(told.flat().sort(), [...rooms].sort());
    assert.deepEqual(
      result.map((r) => r.email),
      rooms,
    );
    await gw.close();
  });
});

describe('paging and resumed steps', () => {
  test('listCalendar() pages through more items than one SEARCH returns', async () => {
    const gw = gatewayFor('webdav');
    const day = DateTime.utc(2030, 5, 6);
    const count = 230;
    for (let i = 0; i < count; i++) {
      await gw.putMeetingItem(makeMeeting({ uid: `rb-page-${i}@roombook`, start: day.plus({ minutes: i * 10 }), end: day.plus({ minutes: i * 10 + 5 }) }));
    }
    const items = await gw.listCalendar('alice', { start: day, end: day.plus({ days: 2 }) });
    assert.equal(items.length, count);
    assert.equal(new Set(items.map((i) => i.uid)).size, count);
    await gw.close();
  });

  test('sendCancellation() resumed after it went through reports already-submitted on the owa route', async () => {
    const gw = gatewayFor('owa');
    const m = meetingAt(17);
    const ref = await createMeeting(gw, m);
    const cancel = { ...m, sequence: 1 };
    assert.equal((await gw.sendCancellation(ref, cancel)).outcome, 'submitted');
    assert.equal((await gw.sendCancellation(ref, cancel, { resumed: true })).outcome, 'already-submitted');
    assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, CANCELED)).length, 1);
    await gw.close();
  });

  test('sendMeetingUpdate() resumed after it went through reports already-submitted on both routes', async () => {
    for (const route of ['owa', 'webdav'] as const) {
      const gw = gatewayFor(route);
      const m = meetingAt(18);
      const ref = await createMeeting(gw, m);
      const moved = { ...m, sequence: 1, start: m.start.plus({ hours: 1 }), end: m.end.plus({ hours: 1 }) };
      await updateMeeting(gw, ref, moved);
      assert.equal((await gw.sendMeetingUpdate(ref, moved, { resumed: true })).outcome, 'already-submitted', route);
      assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, REQUEST)).length, 2, route);
      await gw.close();
      await suite.ctl.reset();
    }
  });
});

describe('localized mailbox', () => {
  for (const route of ['owa', 'webdav'] as const) {
    test(`createMeeting(), updateMeeting() and cancelMeeting() work in a German mailbox on the ${route} route`, async () => {
      const gw = gatewayFor(route);
      const zone = 'Europe/Berlin';
      const day = DateTime.now().setZone(zone).plus({ days: 9 }).startOf('day');
      const m = makeMeeting({
        uid: `rb-de-${route}@roombook`,
        organizer: { alias: 'klaus', email: 'klaus@example.com', name: 'Klaus Keller' },
        subject: 'Planung Größe',
        timeZone: zone,
        start: day.set({ hour: 9 }),
        end: day.set({ hour: 10 }),
        room: { alias: 'spree', email: 'spree@example.com', name: 'Spree' },
        requiredAttendees: [{ email: 'alice@example.com' }],
        optionalAttendees: [],
      });
      const ref = await createMeeting(gw, m);
      assert.match(decodeURIComponent(ref.path), /\/Kalender\//);
      assert.equal((await suite.ctl.messages('spree', 'calendar', m.uid)).length, 1);
      assert.equal((await updateMeeting(gw, ref, { ...m, sequence: 1, start: m.start.plus({ hours: 1 }), end: m.end.plus({ hours: 1 }) })).route, route);
      const result = await cancelMeeting(gw, ref, { ...m, sequence: 2 });
      assert.equal(result.route, route);
      assert.equal((await suite.ctl.messages('alice', 'inbox', m.uid, CANCELED)).length, 1);
      assert.equal((await suite.ctl.messages('klaus', 'calendar', m.uid)).length, 0);
      assert.equal((await suite.ctl.messages('spree', 'calendar', m.uid)).length, 0);
      await gw.close();
    });
  }
});
