import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningEmulator } from '../index.ts';
import { dav, start } from '../testing/client.ts';

describe('fault injection', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.close());
  beforeEach(async () => {
    await fetch(`${emu.url}/_emulator/faults`, { method: 'DELETE' });
  });

  const addFault = async (rule: unknown) => fetch(`${emu.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify(rule) });
  const propfind = (path = '/exchange/alice/Calendar/') => dav(emu.url, 'PROPFIND', path, { user: 'alice', headers: { Depth: '0' } });

  test('a status fault fails the next N matching requests, then the server answers normally', async () => {
    assert.equal((await addFault({ kind: 'status', status: 503, method: 'PROPFIND', path: '/Calendar', count: 2 })).status, 201);
    assert.equal((await propfind('/exchange/alice/Inbox/')).status, 207, 'other paths are not affected');
    assert.equal((await propfind()).status, 503);
    assert.equal((await propfind()).status, 503);
    assert.equal((await propfind()).status, 207);
    const listed = (await (await fetch(`${emu.url}/_emulator/faults`)).json()) as { rules: unknown[] };
    assert.deepEqual(listed.rules, []);
  });

  test('a 440 fault answers Login Timeout and clears the forms cookies', async () => {
    await addFault({ kind: 'status', status: 440, count: 1 });
    const r = await propfind();
    assert.equal(r.status, 440);
    assert.ok(r.headers.getSetCookie().some((c) => c.startsWith('cadata=;')));
  });

  test('a drop fault closes the connection without an answer', async () => {
    await addFault({ kind: 'drop', path: '/exchange/alice', count: 1 });
    await assert.rejects(propfind());
    assert.equal((await propfind()).status, 207);
  });

  test('an owa-error fault answers 200 with an OWA error page', async () => {
    await addFault({ kind: 'owa-error', method: 'POST', count: 1 });
    const res = await fetch(`${emu.url}/exchange/alice/Calendar/x.EML`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from('alice:demo').toString('base64')}` },
      body: 'Cmd=sendappt',
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /errMsg/);
  });

  test('a latency fault delays and then answers normally', async () => {
    await addFault({ kind: 'latency', latencyMs: 300, count: 1 });
    const started = performance.now();
    assert.equal((await propfind()).status, 207);
    // A lower bound only (the delay happened); a loaded machine can only make it longer.
    assert.ok(performance.now() - started >= 290, `answered after ${Math.round(performance.now() - started)} ms`);
    const listed = (await (await fetch(`${emu.url}/_emulator/faults`)).json()) as { rules: unknown[] };
    assert.deepEqual(listed.rules, [], 'the counted rule is used up');
  });

  test('POST /_emulator/faults refuses an invalid rule with 400', async () => {
    assert.equal((await addFault({ kind: 'status', status: 9999 })).status, 400);
    assert.equal((await addFault({ kind: 'meteor' })).status, 400);
  });

  test('DELETE /_emulator/faults/:id removes one rule', async () => {
    const rule = (await (await addFault({ kind: 'status', status: 500 })).json()) as { id: string };
    assert.equal((await fetch(`${emu.url}/_emulator/faults/${rule.id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await propfind()).status, 207);
  });
});
