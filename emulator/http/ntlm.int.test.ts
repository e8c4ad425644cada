import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import type { RunningEmulator } from '../index.ts';
import { start } from '../testing/client.ts';
import { buildType1, buildType3 } from './ntlm.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  socketId: number;
}

const socketIds = new WeakMap<object, number>();
let nextSocket = 0;

function send(url: string, agent: Agent, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let socketId = 0;
    const req = request(`${url}${path}`, { method: 'PROPFIND', agent, headers: { Depth: '0', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socketId }));
    });
    req.on('socket', (socket) => {
      if (!socketIds.has(socket)) socketIds.set(socket, ++nextSocket);
      socketId = socketIds.get(socket)!;
    });
    req.on('error', reject);
    req.end();
  });
}

function type2Of(a: Answer): Buffer {
  const header = a.headers['www-authenticate'];
  const value = Array.isArray(header) ? header.join(', ') : (header ?? '');
  const m = /NTLM ([A-Za-z0-9+/=]+)/.exec(value);
  assert.ok(m, `NTLM challenge in ${value}`);
  return Buffer.from(m[1]!, 'base64');
}

describe('NTLM', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ auth: { forms: false } });
  });
  after(() => emu.close());

  async function handshake(agent: Agent, user: string, password: string | undefined, domain = 'EXAMPLE'): Promise<Answer> {
    const first = await send(emu.url, agent, '/exchange/alice/', { Authorization: `NTLM ${buildType1().toString('base64')}` });
    assert.equal(first.status, 401);
    const t3 = buildType3({ type2: type2Of(first), user, domain, password });
    const second = await send(emu.url, agent, '/exchange/alice/', { Authorization: `NTLM ${t3.toString('base64')}` });
    assert.equal(second.socketId, first.socketId, 'the handshake stays on one connection');
    return second;
  }

  test('NTLM with the right password answers 207 and the connection stays authenticated', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const done = await handshake(agent, 'alice', 'demo');
    assert.equal(done.status, 207);
    const next = await send(emu.url, agent, '/exchange/alice/Calendar/');
    assert.equal(next.status, 207);
    assert.equal(next.socketId, done.socketId);
    agent.destroy();
    const fresh = new Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await send(emu.url, fresh, '/exchange/alice/')).status, 401, 'a new connection pays the handshake again');
    fresh.destroy();
  });

  test('NTLM with a wrong password answers 401', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await handshake(agent, 'alice', 'wrong')).status, 401);
    assert.equal((await send(emu.url, agent, '/exchange/alice/')).status, 401);
    agent.destroy();
  });

  test('NTLM refuses an anonymous type 3 message', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await handshake(agent, '', undefined, '')).status, 401);
    agent.destroy();
  });

  test('NTLM refuses a foreign domain and an unknown user', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await handshake(agent, 'alice', 'demo', 'EVIL')).status, 401);
    assert.equal((await handshake(agent, 'mallory', 'demo')).status, 401);
    agent.destroy();
  });

  test('NTLM type 3 without a preceding type 1 on the connection answers 401', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const other = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await send(emu.url, other, '/exchange/alice/', { Authorization: `NTLM ${buildType1().toString('base64')}` });
    const t3 = buildType3({ type2: type2Of(first), user: 'alice', domain: 'EXAMPLE', password: 'demo' });
    assert.equal((await send(emu.url, agent, '/exchange/alice/', { Authorization: `NTLM ${t3.toString('base64')}` })).status, 401);
    assert.equal((await send(emu.url, agent, '/exchange/alice/', { Authorization: 'NTLM !!!garbage' })).status, 401);
    agent.destroy();
    other.destroy();
  });

  test('NTLM as the delegate service account opens a room mailbox', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await send(emu.url, agent, '/exchange/thames/', { Authorization: `NTLM ${buildType1().toString('base64')}` });
    const t3 = buildType3({ type2: type2Of(first), user: 'booking-svc', domain: 'EXAMPLE', password: 'demo' });
    assert.equal((await send(emu.url, agent, '/exchange/thames/', { Authorization: `NTLM ${t3.toString('base64')}` })).status, 207);
    agent.destroy();
  });
});

describe('startEmulator() with NTLM off', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ auth: { forms: false, ntlm: false } });
  });
  after(() => emu.close());

  test('a 401 offers only Basic', async () => {
    const agent = new Agent({ keepAlive: false });
    const r = await send(emu.url, agent, '/exchange/alice/', { Authorization: `NTLM ${buildType1().toString('base64')}` });
    assert.equal(r.status, 401);
    assert.doesNotMatch(String(r.headers['www-authenticate']), /NTLM/);
    agent.destroy();
  });
});
