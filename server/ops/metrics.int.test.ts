import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { book, roomIds } from './ops-test-support.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';

/** Sums the samples of `name` whose labels include `labels` (Prometheus text format). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

describe('/metrics', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let rooms: Map<string, string>;
  const scrape = async () => {
    const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    return res.text();
  };
  const control = (path: string, init?: RequestInit) =>
    fetch(`${app.emulator!.url}/_emulator${path}`, { headers: { 'content-type': 'application/json' }, ...init });

  before(async () => {
    app = await startTestApp({ METRICS_TOKEN: TOKEN });
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    rooms = await roomIds(alice);
  });
  after(async () => {
    await app.close();
  });

  test('needs the bearer token', async () => {
    assert.equal((await fetch(`${app.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status, 401);
    const text = await scrape();
    for (const name of [
      'roombook_process_cpu_seconds_total',
      'roombook_nodejs_eventloop_lag_seconds',
      'roombook_bookings',
      'roombook_outbox_jobs',
      'roombook_outbox_oldest_pending_age_seconds',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
  });

  test('every metric the sample Grafana dashboard queries exists', async () => {
    const text = await scrape();
    const dashboard = readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8');
    const names = new Set([...dashboard.matchAll(/roombook_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')));
    assert.ok(names.size >= 10);
    for (const name of names) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  });

  test('a booking moves the HTTP, bookings, outbox and Exchange counters', async () => {
    const before = await scrape();
    const res = await book(alice, rooms.get('trent')!, '09:00', '10:00');
    assert.equal(res.status, 303);
    const queued = await scrape();
    assert.equal(
      sample(queued, 'roombook_http_requests_total', { route: '/bookings', method: 'POST', status: '303' }) -
        sample(before, 'roombook_http_requests_total', { route: '/bookings', method: 'POST', status: '303' }),
      1,
    );
    assert.ok(sample(queued, 'roombook_http_request_duration_seconds_count', { route: '/bookings/new', method: 'GET' }) >= 1);
    assert.equal(sample(queued, 'roombook_bookings', { state: 'pending' }) - sample(before, 'roombook_bookings', { state: 'pending' }), 1);
    assert.equal(sample(queued, 'roombook_outbox_jobs', { status: 'waiting' }), 1);

    await app.worker.drain();
    const sent = await scrape();
    assert.equal(sample(sent, 'roombook_bookings', { state: 'booked' }) - sample(before, 'roombook_bookings', { state: 'booked' }), 1);
    assert.equal(sample(sent, 'roombook_outbox_jobs', { status: 'waiting' }), 0);
    assert.equal(sample(sent, 'roombook_outbox_oldest_pending_age_seconds'), 0);
    assert.ok(
      sample(sent, 'roombook_exchange_requests_total', { operation: 'PROPPATCH', status: '207' }) >
        sample(before, 'roombook_exchange_requests_total', { operation: 'PROPPATCH', status: '207' }),
    );
    assert.ok(
      sample(sent, 'roombook_exchange_requests_total', { operation: 'MOVE' }) > sample(before, 'roombook_exchange_requests_total', { operation: 'MOVE' }),
    );
    assert.ok(sample(sent, 'roombook_exchange_request_duration_seconds_count', { operation: 'MOVE' }) >= 1);
  });

  test('a failing Exchange shows as its status, and the job waits in the outbox', async () => {
    const before = await scrape();
    await control('/faults', { method: 'POST', body: JSON.stringify({ kind: 'status', status: 503, method: 'PROPPATCH' }) });
    try {
      assert.equal((await book(alice, rooms.get('tees')!, '11:00', '12:00')).status, 303);
      await app.worker.drain();
      const failed = await scrape();
      assert.ok(
        sample(failed, 'roombook_exchange_requests_total', { operation: 'PROPPATCH', status: '503' }) >
          sample(before, 'roombook_exchange_requests_total', { operation: 'PROPPATCH', status: '503' }),
      );
      assert.equal(sample(failed, 'roombook_outbox_jobs', { status: 'waiting' }), 1, 'retried later');
      assert.ok(sample(failed, 'roombook_outbox_oldest_pending_age_seconds') >= 0);
    } finally {
      await control('/faults', { method: 'DELETE' });
    }
  });

  test('reconciler passes and purges are measured', async () => {
    await app.reconciler.runNow();
    await app.ops.purge.runHistory();
    await app.ops.purge.runSessions();
    const text = await scrape();
    assert.ok(sample(text, 'roombook_reconcile_pass_duration_seconds_count') >= 1);
    assert.ok(sample(text, 'roombook_reconcile_last_success_timestamp_seconds') > 0);
    for (const table of ['sessions', 'audit_events', 'outbox_jobs']) assert.ok(sample(text, 'roombook_purge_last_run_timestamp_seconds', { table }) > 0, table);
  });

  test("the report summaries builder's progress: days built, nothing pending after a pass, when it last finished", async () => {
    const before = await scrape();
    assert.equal(sample(before, 'roombook_report_summary_last_pass_timestamp_seconds'), 0, 'no pass yet (background jobs are off in tests)');
    const first = await app.ops.summaries.runPass();
    assert.ok(first.daysBuilt > 0, 'the demo rooms had no summaries');
    const text = await scrape();
    assert.equal(sample(text, 'roombook_report_summary_days_built_total') - sample(before, 'roombook_report_summary_days_built_total'), first.daysBuilt);
    assert.equal(sample(text, 'roombook_report_summary_rooms_pending'), 0);
    assert.equal(sample(text, 'roombook_report_summary_days_missing'), 0);
    assert.ok(sample(text, 'roombook_report_summary_last_pass_timestamp_seconds') > 0);
    assert.equal((await app.ops.summaries.runPass()).daysBuilt, 0, 'a second pass finds every day stored');
  });
});
