// Gateway benchmark for `npm run bench` (the runner in e2e/bench starts the emulator and calls this): HTTP
// requests and new TCP connections per operation, and free/busy over many rooms with emulator latency,
// batched vs. a one-request-per-room baseline measured in the same run. Numbers, not assertions.
// It reaches the emulator over HTTP only (its /_emulator/ control API), never by import.
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { createExchangeGateway } from './index.ts';
import type { ExchangeGatewayConfig } from './config.ts';
import type { Meeting } from './gateway.ts';
import { cancelMeeting, createMeeting, updateMeeting } from './testing/composites.ts';

export interface GatewayBenchOptions {
  /** A running emulator with its control API on. */
  emulatorUrl: string;
  auth?: ExchangeGatewayConfig['auth'];
  rooms?: number;
  latencyMs?: number;
  log: Logger;
}

export interface OperationCost {
  operation: string;
  requests: number;
  connections: number;
  ms: number;
}

export interface GatewayBenchReport {
  auth: string;
  operations: OperationCost[];
  freeBusy: { rooms: number; latencyMs: number; batched: OperationCost; perRoomBaseline: OperationCost };
}

async function controlCall(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator control ${method} ${path} → ${res.status}`);
  return res.json() as Promise<unknown>;
}

export async function runGatewayBench(options: GatewayBenchOptions): Promise<GatewayBenchReport> {
  const { emulatorUrl: url, log } = options;
  const auth = options.auth ?? 'ntlm';
  const roomCount = options.rooms ?? 500;
  const latencyMs = options.latencyMs ?? 50;
  const org = (await controlCall(url, 'GET', '/org')) as { mailboxes: Record<string, unknown>[] };
  const rooms = Array.from({ length: roomCount }, (_, i) => ({
    alias: `bench-room-${i}`,
    smtp: `bench-room-${i}@example.com`,
    displayName: `Bench room ${i}`,
    kind: 'room',
    autoAccept: true,
  }));
  await controlCall(url, 'PUT', '/org', { ...org, mailboxes: [...org.mailboxes.filter((m) => !String(m.alias).startsWith('bench-room-')), ...rooms] });

  const config: ExchangeGatewayConfig = { url, auth, username: 'booking-svc', password: 'demo' };
  const gw = createExchangeGateway(config, log);
  const operations: OperationCost[] = [];
  async function measure<T>(operation: string, gateway: typeof gw, fn: () => Promise<T>): Promise<T> {
    const before = gateway.health();
    const started = performance.now();
    const result = await fn();
    const after = gateway.health();
    operations.push({
      operation,
      requests: after.requests - before.requests,
      connections: after.connections - before.connections,
      ms: Math.round(performance.now() - started),
    });
    return result;
  }

  const day = DateTime.utc().plus({ days: 30 }).startOf('day');
  const meeting: Meeting = {
    uid: `rb-bench-${Date.now()}@roombook`,
    organizer: { alias: 'alice', email: 'alice@example.com', name: 'Alice Anderson' },
    subject: 'Bench',
    textBody: 'bench',
    start: day.plus({ hours: 9 }),
    end: day.plus({ hours: 10 }),
    timeZone: 'Europe/London',
    requiredAttendees: [{ email: 'bob@example.com' }],
    optionalAttendees: [],
    room: { alias: 'bench-room-0', email: 'bench-room-0@example.com', name: 'Bench room 0' },
    sequence: 0,
    reminderMinutes: 15,
    busyStatus: 'busy',
  };
  await measure('discoverFolders (first use of a mailbox)', gw, () => gw.discoverFolders('alice'));
  const ref = await measure('createMeeting', gw, () => createMeeting(gw, meeting));
  const moved = { ...meeting, sequence: 1, start: meeting.start.plus({ hours: 1 }), end: meeting.end.plus({ hours: 1 }) };
  // The caller says who the last version went to; without it the gateway reads the item's recipients first (+1).
  await measure('updateMeeting', gw, () => updateMeeting(gw, ref, moved, { previousRecipients: ['bob@example.com', meeting.room.email] }));
  await measure('listCalendar', gw, () => gw.listCalendar('alice', { start: day, end: day.plus({ days: 1 }) }));
  await measure('cancelMeeting', gw, () => cancelMeeting(gw, ref, { ...moved, sequence: 2 }));

  await controlCall(url, 'POST', '/faults', { kind: 'latency', latencyMs });
  const window = { start: day, end: day.plus({ days: 1 }) };
  const emails = rooms.map((r) => r.smtp);
  try {
    await measure(`freeBusy ${roomCount} rooms, batched`, gw, () => gw.freeBusy(emails, window, 30));
    const baseline = createExchangeGateway({ ...config, freeBusyBatchSize: 1 }, log);
    await baseline.discoverFolders('alice');
    await measure(`freeBusy ${roomCount} rooms, one request per room`, baseline, () => baseline.freeBusy(emails, window, 30));
    await baseline.close();
  } finally {
    await controlCall(url, 'DELETE', '/faults');
    await gw.close();
  }
  const [batched, perRoomBaseline] = operations.slice(-2) as [OperationCost, OperationCost];
  return { auth, operations: operations.slice(0, -2), freeBusy: { rooms: roomCount, latencyMs, batched, perRoomBaseline } };
}

/** The report as a plain-text table. */
export function formatGatewayBench(report: GatewayBenchReport): string {
  const rows = [...report.operations, report.freeBusy.batched, report.freeBusy.perRoomBaseline];
  const lines = rows.map(
    (r) => `${r.operation.padEnd(48)} ${String(r.requests).padStart(8)} ${String(r.connections).padStart(12)} ${String(r.ms).padStart(8)}`,
  );
  return [
    `Exchange gateway (${report.auth}, ${report.freeBusy.latencyMs} ms emulator latency on free/busy)`,
    `${'operation'.padEnd(48)} ${'requests'.padStart(8)} ${'new TCP conn'.padStart(12)} ${'ms'.padStart(8)}`,
    ...lines,
  ].join('\n');
}
