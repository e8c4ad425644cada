// Test support for summaries.test.ts: a second "instance" in its own thread and its own database connection, which
// builds the report's day summaries at the same moment as the test's main thread (real parallelism, not turns).
// workerData: { path, nowIso, from, to, mode: 'report' | 'builder', horizonDays }.
import { parentPort, workerData } from 'node:worker_threads';
import { DateTime } from 'luxon';
import { openDatabase } from '../db/connection.ts';
import { createLogger } from '../log.ts';
import { buildReport } from './service.ts';
import { SummaryBuilder } from './summaries.ts';

interface Job {
  path: string;
  nowIso: string;
  from: string;
  to: string;
  mode: 'report' | 'builder';
  horizonDays: number;
}
const job = workerData as Job;
const db = openDatabase(job.path);
const ctx = { db, clock: { now: () => DateTime.fromISO(job.nowIso, { zone: 'utc' }) }, log: createLogger('silent') };
// Start together with the main thread: it posts 'go' once both are ready.
parentPort!.once('message', () => {
  void (async () => {
    if (job.mode === 'report') buildReport(ctx, { period: { from: job.from, to: job.to }, building: null });
    else await new SummaryBuilder(ctx, { horizonDays: job.horizonDays }).runPass();
    db.close();
    parentPort!.postMessage('done');
  })();
});
parentPort!.postMessage('ready');
