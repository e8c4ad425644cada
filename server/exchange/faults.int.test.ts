// Fault tests against the emulator: slow answers, 500s, dropped connections, 440 mid-session, OWA error pages
// served with 200, and a mailbox without delegation. Each maps to the right typed error, and a retried or
// resumed operation never submits a meeting request twice.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { createExchangeGateway, ForbiddenError, RejectedError, TransientError, type ExchangeGatewayConfig, type Meeting } from './index.ts';
import { useTestEmulator } from './fixtures/test-emulator.ts';
import { makeMeeting } from './fixtures/meetings.ts';
import { cancelMeeting, createMeeting, updateMeeting } from './testing/composites.ts';

const REQUEST = 'IPM.Schedule.Meeting.Request';
const CANCELED = 'IPM.Schedule.Meeting.Canceled';
const log = pino({ level: 'silent' });
let n = 0;

const day = DateTime.utc(2030, 2, 4, 0);
function meeting(hour: number): Meeting {
  return makeMeeting({ uid: `rb-fault-${++n}@roombook`, start: day.plus({ hours: hour }), end: day.plus({ hours: hour + 1 }) });
}
function gateway(over: Partial<ExchangeGatewayConfig> = {}) {
  return createExchangeGateway({ url: suite.url, auth: 'basic', username: 'booking-svc', password: 'demo', ...over }, log);
}
/** Waits for an effect the emulator shows (a state, not a time: the deadline only bounds how long we look). */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) assert.fail(`the emulator never showed ${what}`);
    await sleep(25);
  }
}

const suite = useTestEmulator();
/** A client that gives up sooner than the slowed answer comes, with room for a slow machine's ordinary answers. */
const SHORT_TIMEOUT_MS = 1500;
const SLOW_MOVE_MS = 4000;

describe('slow and failing server', () => {
  test('submitMeeting() times out as TransientError and, resumed, reports already-submitted without a second request', async () => {
    const gw = gateway();
    const m = meeting(9);
    const ref = await gw.putMeetingItem(m);
    // Only the step under test is impatient, and only the slowed MOVE outlasts its timeout: with every request
    // under a short timeout, any answer slowed by a loaded machine failed the test at the wrong step.
    const impatient = gateway({ headersTimeoutMs: SHORT_TIMEOUT_MS });
    await impatient.discoverFolders('alice');
    await suite.ctl.addFault({ kind: 'latency', method: 'MOVE', latencyMs: SLOW_MOVE_MS, count: 1 });
    await assert.rejects(impatient.submitMeeting(ref, m), TransientError);
    await impatient.close();
    // The emulator finishes the slow MOVE after the client gave up: wait until the request is delivered.
    await waitFor('the timed-out submission to be delivered', async () => (await suite.ctl.messages('bob', 'inbox', m.uid, REQUEST)).length > 0);
    assert.equal((await gw.submitMeeting(ref, m, { resumed: true })).outcome, 'already-submitted');
    assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, REQUEST)).length, 1);
    await gw.close();
  });

  test('createMeeting() fails as TransientError on a 500 and succeeds once on retry', async () => {
    const gw = gateway();
    const m = meeting(10);
    await suite.ctl.addFault({ kind: 'status', status: 500, method: 'PROPPATCH', count: 1 });
    await assert.rejects(createMeeting(gw, m), (e: unknown) => e instanceof TransientError && e.status === 500 && e.method === 'PROPPATCH');
    await createMeeting(gw, m);
    assert.equal((await suite.ctl.messages('alice', 'calendar', m.uid)).length, 1);
    assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, REQUEST)).length, 1);
    assert.equal(gw.health().reachable, true);
    await gw.close();
  });

  test('submitMeeting() fails as TransientError when the connection drops and, resumed, submits exactly once', async () => {
    const gw = gateway();
    const m = meeting(11);
    const ref = await gw.putMeetingItem(m);
    await suite.ctl.addFault({ kind: 'drop', method: 'MOVE', count: 1 });
    await assert.rejects(gw.submitMeeting(ref, m), (e: unknown) => e instanceof TransientError && e.status === 0);
    assert.equal(gw.health().reachable, false);
    assert.equal((await gw.submitMeeting(ref, m, { resumed: true })).outcome, 'submitted');
    assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, REQUEST)).length, 1);
    await gw.close();
  });

  test('listCalendar() fails as TransientError when the connection drops in the middle of the answer', async () => {
    const gw = gateway();
    await gw.discoverFolders('thames');
    await suite.ctl.addFault({ kind: 'truncate', method: 'SEARCH', count: 1 });
    await assert.rejects(gw.listCalendar('thames', { start: day, end: day.plus({ days: 1 }) }), TransientError);
    assert.ok(Array.isArray(await gw.listCalendar('thames', { start: day, end: day.plus({ days: 1 }) })), 'the next read works');
    await gw.close();
  });

  test('freeBusy() fails as TransientError on a 503', async () => {
    const gw = gateway();
    await suite.ctl.addFault({ kind: 'status', status: 503, path: 'Cmd=freebusy', count: 1 });
    await assert.rejects(gw.freeBusy(['thames@example.com'], { start: day, end: day.plus({ days: 1 }) }, 30), TransientError);
    await gw.close();
  });
});

describe('OWA error pages served with 200', () => {
  test('cancelMeeting() falls back to the WebDAV route when getcancel answers an error page', async () => {
    const gw = gateway({ meetingRoute: 'owa' });
    const m = meeting(12);
    const ref = await createMeeting(gw, m);
    await suite.ctl.addFault({ kind: 'owa-error', path: 'Cmd=getcancel', count: 1 });
    const result = await cancelMeeting(gw, ref, { ...m, sequence: 1 });
    assert.equal(result.route, 'webdav');
    assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, CANCELED)).length, 1);
    assert.equal((await suite.ctl.messages('alice', 'calendar', m.uid)).length, 0);
    await gw.close();
  });

  test('sendCancellation() without fallback fails as RejectedError on an error page and sends nothing', async () => {
    const gw = gateway({ meetingRoute: 'owa', autoFallback: false });
    const m = meeting(13);
    const ref = await createMeeting(gw, m);
    await suite.ctl.addFault({ kind: 'owa-error', path: 'Cmd=getcancel', count: 1 });
    await assert.rejects(
      gw.sendCancellation(ref, { ...m, sequence: 1 }),
      (e: unknown) => e instanceof RejectedError && e.reason === 'owa-error-page' && e.status === 200,
    );
    assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, CANCELED)).length, 0);
    await gw.close();
  });

  test('updateMeeting() falls back to the WebDAV route when sendappt answers an error page', async () => {
    const gw = gateway({ meetingRoute: 'owa' });
    const m = meeting(14);
    const ref = await createMeeting(gw, m);
    await suite.ctl.addFault({ kind: 'owa-error', method: 'POST', path: '/exchange/alice/', count: 1 });
    const moved = { ...m, sequence: 1, start: m.start.plus({ hours: 2 }), end: m.end.plus({ hours: 2 }) };
    assert.equal((await updateMeeting(gw, ref, moved)).route, 'webdav');
    const requests = await suite.ctl.messages('bob', 'inbox', m.uid, REQUEST);
    assert.deepEqual(requests.map((r) => String(r.props['urn:schemas:calendar:sequence'])).sort(), ['0', '1']);
    await gw.close();
  });

  test("sendCancellation() refuses to submit the meeting itself when getcancel shows the item (DSZ reader's bug)", async () => {
    const gw = gateway({ meetingRoute: 'owa', autoFallback: false });
    // Filed in alice's calendar but organized by someone else: OWA drafts nothing and shows the item.
    const m = { ...meeting(17), organizer: { alias: 'alice', email: 'adam@example.com', name: 'Adam Admin' } };
    const ref = await createMeeting(gw, m);
    await assert.rejects(gw.sendCancellation(ref, { ...m, sequence: 1 }), (e: unknown) => e instanceof RejectedError && e.reason.startsWith('owa-'));
    assert.equal((await suite.ctl.messages('alice', 'calendar', m.uid)).length, 1, 'the meeting was not moved to the submission URI');
    assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, CANCELED)).length, 0);
    await gw.close();
  });

  test('freeBusy() fails as RejectedError on an error page, never as all free', async () => {
    const gw = gateway();
    await suite.ctl.addFault({ kind: 'owa-error', path: 'Cmd=freebusy', count: 1 });
    await assert.rejects(
      gw.freeBusy(['thames@example.com'], { start: day, end: day.plus({ days: 1 }) }, 30),
      (e: unknown) => e instanceof RejectedError && e.reason === 'owa-error-page',
    );
    await gw.close();
  });
});

describe('sessions and permissions', () => {
  test('createMeeting() survives a 440 in the middle of a forms session without a second request', async () => {
    const gw = gateway({ auth: 'forms' });
    const m = meeting(15);
    const ref = await gw.putMeetingItem(m);
    await suite.ctl.addFault({ kind: 'status', status: 440, method: 'MOVE', count: 1 });
    assert.equal((await gw.submitMeeting(ref, m)).outcome, 'submitted');
    assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, REQUEST)).length, 1);
    await gw.close();
  });

  test('createMeeting() in a mailbox without delegation fails as ForbiddenError', async () => {
    const gw = gateway({ username: 'bob' });
    await assert.rejects(createMeeting(gw, meeting(16)), ForbiddenError);
    assert.equal((await suite.ctl.items('alice', 'calendar')).length, 0);
    await gw.close();
  });
});
