// The access log (access-log.ts): one line per request with method, path, status and duration, never the query
// (device tokens and feed secrets travel there); probes are not logged; a route's own lines carry the request id.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import express from 'express';
import { pino } from 'pino';
import { accessLog } from './access-log.ts';

test('one line per request, the path without its query, probes quiet, route lines with the request id', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const app = express();
  app.use(accessLog(pino({ level: 'info' }, sink), app.request));
  app.get('/api/rooms/:alias/status', (req, res) => {
    req.log.info({ event: 'display.polled' }, 'polled');
    res.json({ ok: true });
  });
  app.get('/healthz', (_req, res) => void res.send('ok'));
  app.get('/boom', (_req, res) => void res.status(500).send('no'));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const polled = await fetch(`${url}/api/rooms/wye/status?token=rbd_secret-token-value`);
    const id = polled.headers.get('x-request-id');
    assert.match(id ?? '', /^[0-9a-f-]{36}$/);
    await polled.text();
    // The logger is made per request (a getter on the app's request prototype): the next request's lines carry its id.
    const again = await fetch(`${url}/api/rooms/wye/status`);
    const againId = again.headers.get('x-request-id');
    await again.text();
    assert.notEqual(againId, id);
    await (await fetch(`${url}/healthz`)).text();
    await (await fetch(`${url}/boom?x=1`)).text();
    // The lines are written when each answer finishes: wait for both access lines.
    const deadline = Date.now() + 5_000;
    while (lines.filter((l) => l.msg !== 'polled').length < 3 && Date.now() < deadline) await new Promise((r) => setImmediate(r));

    assert.doesNotMatch(JSON.stringify(lines), /secret-token-value|token=/, 'the query is never logged');
    assert.deepEqual(
      lines.filter((l) => l.msg === 'polled').map((l) => l.reqId),
      [id, againId],
    );
    const access = lines.filter((l) => l.msg !== 'polled' && l.reqId !== againId);
    assert.deepEqual(
      access.map((l) => [l.msg, l.req, l.res, l.reqId === id, typeof l.responseTime]),
      [
        ['request completed', { method: 'GET', path: '/api/rooms/wye/status' }, { status: 200 }, true, 'number'],
        ['request errored', { method: 'GET', path: '/boom' }, { status: 500 }, false, 'number'],
      ],
    );
    assert.equal(access[1]!.level, 50, 'a 5xx is logged at error level');
  } finally {
    server.close();
  }
});
