// Issue 5's benchmark: HTTP requests and new TCP connections per gateway operation, and free/busy over 500 rooms
// with 50 ms emulator latency, batched vs. one request per room, against an emulator on 127.0.0.1.
import { pino } from 'pino';
import { startEmulator } from '../../emulator/index.ts';
import { runGatewayBench } from '../../server/exchange/bench.ts';
import type { BenchReport } from './run.ts';

export async function run(): Promise<BenchReport> {
  const emulator = await startEmulator({ controlApi: true });
  try {
    const report = await runGatewayBench({ emulatorUrl: emulator.url, auth: 'ntlm', rooms: 500, latencyMs: 50, log: pino({ level: 'silent' }) });
    const results: Record<string, number | string> = {};
    for (const op of report.operations)
      results[`${op.operation}: requests / new connections / ms`] = `${op.requests} / ${op.connections} / ${op.ms.toFixed(0)}`;
    const { batched, perRoomBaseline, rooms, latencyMs } = report.freeBusy;
    results[`free/busy ${rooms} rooms @${latencyMs} ms, batched: requests / ms`] = `${batched.requests} / ${batched.ms.toFixed(0)}`;
    results[`free/busy ${rooms} rooms @${latencyMs} ms, one per room: requests / ms`] = `${perRoomBaseline.requests} / ${perRoomBaseline.ms.toFixed(0)}`;
    return {
      name: `Exchange gateway (${report.auth})`,
      results,
      targets: { 'create / update / cancel requests': '3 / 2 / 3', 'free/busy requests': '1 per batch (200 rooms)' },
    };
  } finally {
    await emulator.close();
  }
}
