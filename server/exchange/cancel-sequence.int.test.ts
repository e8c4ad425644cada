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

for (const route of ['owa', 'webdav'] as const) {
  test(`a resumed cancellation on the ${route} route finds the one Exchange sent and reports its SEQUENCE`, async () => {
    const gw = createExchangeGateway(
      { url: suite.url, auth: 'basic', username: 'booking-svc', password: 'demo', meetingRoute: route, headersTimeoutMs: 300 },
      pino({ level: 'silent' }),
    );
    const day = DateTime.utc(2030, 3, 4);
    const m = makeMeeting({ uid: `rb-seq-${route}@roombook`, start: day.plus({ hours: 9 }), end: day.plus({ hours: 10 }) });
    const ref = await createMeeting(gw, m);
    // The caller asks for SEQUENCE 2 (a change it raised for never reached Exchange); the item holds 0.
    const cancel = { ...m, sequence: route === 'owa' ? 2 : 1 };
    await suite.ctl.addFault({ kind: 'latency', method: 'MOVE', latencyMs: 1000, count: 1 });
    await assert.rejects(gw.sendCancellation(ref, cancel), TransientError);
    for (let i = 0; i < 100 && (await suite.ctl.messages('bob', 'inbox', m.uid, CANCELED)).length === 0; i++) await sleep(50);
    const resumed = await gw.sendCancellation(ref, cancel, { resumed: true });
    assert.equal(resumed.outcome, 'already-submitted');
    const sent = await suite.ctl.messages('bob', 'inbox', m.uid, CANCELED);
    assert.equal(sent.length, 1, 'bob got one cancellation');
    assert.equal(resumed.sequence, Number(sent[0]!.props['urn:schemas:calendar:sequence']), 'the SEQUENCE reported is the one sent');
    await gw.close();
  });
}
