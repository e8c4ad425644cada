// Runs the gateway benchmark once against the emulator so `npm run bench` cannot rot. Asserts counts only
// (requests per operation are the protocol minimum plus one check of each submission's effect: the draft gone from
// Drafts); times are reported, never asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { startEmulator } from '../../emulator/index.ts';
import { formatGatewayBench, runGatewayBench } from './bench.ts';

test('runGatewayBench() reports the protocol-minimum request counts and one request per free/busy batch', async () => {
  const emulator = await startEmulator({ controlApi: true });
  try {
    const report = await runGatewayBench({ emulatorUrl: emulator.url, auth: 'basic', rooms: 150, latencyMs: 5, log: pino({ level: 'silent' }) });
    const cost = Object.fromEntries(report.operations.map((o) => [o.operation, o.requests]));
    assert.equal(cost.createMeeting, 4);
    assert.equal(cost.updateMeeting, 2);
    assert.equal(cost.cancelMeeting, 4);
    assert.equal(report.freeBusy.batched.requests, 1);
    assert.equal(report.freeBusy.perRoomBaseline.requests, 150);
    assert.match(formatGatewayBench(report), /one request per room/);
  } finally {
    await emulator.close();
  }
});
