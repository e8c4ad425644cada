// Issue 19 (4), at the gateway: OWA's getcancel builds the cancellation from Exchange's item (SEQUENCE + 1), so a
// resumed cancellation looks for what was sent, not for the SEQUENCE the caller asked for, and never sends twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { createExchangeGateway, TransientError } from './index.ts';
import { useTestEmulator } from './fixtures/test-emulator.ts';
import { makeMeeting } from './fixtures/meetings.ts';
import { createMeeting } from './testing/composites.ts';

const CANCELED = 'IPM.Schedule.Meeting.Canceled';
const suite = useTestEmulator();
/** Waits for an effect the emulator shows (a state, not a time: the deadline only bounds how long we look). */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) assert.fail(`the emulator never showed ${what}`);
    await sleep(25);
  }
}

for (const route of ['owa', 'webdav'] as const) {
  test(`a resumed cancellation on the ${route} route finds the one Exchange sent and reports its SEQUENCE`, async () => {
    const gateway = (over: { headersTimeoutMs?: number } = {}) =>
      createExchangeGateway(
        { url: suite.url, auth: 'basic', username: 'booking-svc', password: 'demo', meetingRoute: route, ...over },
        pino({ level: 'silent' }),
      );
    const gw = gateway();
    const day = DateTime.utc(2030, 3, 4);
    const m = makeMeeting({ uid: `rb-seq-${route}@roombook`, start: day.plus({ hours: 9 }), end: day.plus({ hours: 10 }) });
    const ref = await createMeeting(gw, m);
    // The caller asks for SEQUENCE 2 (a change it raised for never reached Exchange); the item holds 0.
    const cancel = { ...m, sequence: route === 'owa' ? 2 : 1 };
    // Only the cancellation is impatient (folders known), and only the slowed MOVE outlasts its timeout: with every
    // request under a short timeout, an answer slowed by a loaded machine failed the test at the wrong step.
    const impatient = gateway({ headersTimeoutMs: 1500 });
    await impatient.discoverFolders('alice');
    await suite.ctl.addFault({ kind: 'latency', method: 'MOVE', latencyMs: 4000, count: 1 });
    await assert.rejects(impatient.sendCancellation(ref, cancel), TransientError);
    await impatient.close();
    // The emulator carries out the slow MOVE after the client gave up: wait for that state, never for a time.
    await waitFor('the timed-out cancellation to reach bob', async () => (await suite.ctl.messages('bob', 'inbox', m.uid, CANCELED)).length > 0);
    const resumed = await gw.sendCancellation(ref, cancel, { resumed: true });
    assert.equal(resumed.outcome, 'already-submitted');
    const sent = await suite.ctl.messages('bob', 'inbox', m.uid, CANCELED);
    assert.equal(sent.length, 1, 'bob got one cancellation');
    assert.equal(resumed.sequence, Number(sent[0]!.props['urn:schemas:calendar:sequence']), 'the SEQUENCE reported is the one sent');
    await gw.close();
  });
}
