// Each authentication scheme against the emulator over real HTTP: right and wrong passwords, NTLM's
// connection binding (one handshake per TCP connection, reused), and forms re-login when the session ends.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { AuthFailedError, createExchangeGateway, type ExchangeGatewayConfig } from './index.ts';
import { useTestEmulator } from './fixtures/test-emulator.ts';
import { makeMeeting } from './fixtures/meetings.ts';
import { cancelMeeting, createMeeting, updateMeeting } from './testing/composites.ts';

const log = pino({ level: 'silent' });

const window = { start: DateTime.utc(2030, 1, 7, 0), end: DateTime.utc(2030, 1, 8, 0) };

function gateway(over: Partial<ExchangeGatewayConfig>) {
  return createExchangeGateway({ url: suite.url, auth: 'basic', username: 'booking-svc', password: 'demo', ...over }, log);
}

const suite = useTestEmulator();

for (const auth of ['basic', 'ntlm', 'forms'] as const) {
  describe(`${auth} auth`, () => {
    test(`every operation works with ${auth} auth`, async () => {
      const gw = gateway({ auth });
      const m = makeMeeting({ uid: `rb-auth-${auth}@roombook`, start: window.start.plus({ hours: 9 }), end: window.start.plus({ hours: 10 }) });
      const ref = await createMeeting(gw, m);
      assert.deepEqual(
        (await gw.listCalendar('thames', window)).map((i) => i.uid),
        [m.uid],
      );
      const [busy] = await gw.freeBusy(['thames@example.com'], window, 60);
      assert.equal(busy!.busy.length, 1);
      assert.deepEqual(
        (await gw.listResponses('alice', m.uid)).map((r) => r.response),
        ['accepted'],
      );
      assert.equal((await updateMeeting(gw, ref, { ...m, sequence: 1, subject: 'Moved' })).outcome, 'submitted');
      assert.equal((await cancelMeeting(gw, ref, { ...m, sequence: 2 })).outcome, 'submitted');
      assert.deepEqual(await gw.listCalendar('alice', window), []);
      assert.equal((await suite.ctl.messages('bob', 'inbox', m.uid, 'IPM.Schedule.Meeting.Canceled')).length, 1);
      await gw.close();
    });

    test(`discoverFolders() fails with AuthFailedError for a wrong password with ${auth} auth`, async () => {
      const gw = gateway({ auth, password: 'wrong' });
      await assert.rejects(gw.discoverFolders('alice'), AuthFailedError);
      assert.equal(gw.health().operations.discoverFolders?.failed, 1);
      await gw.close();
    });

    test(`discoverFolders() accepts the DOMAIN\\user form with ${auth} auth`, async () => {
      const gw = gateway({ auth, username: 'EXAMPLE\\booking-svc' });
      assert.ok((await gw.discoverFolders('alice')).calendar);
      await gw.close();
    });
  });
}

describe('ntlm connection binding', () => {
  test('listCalendar() repeated on NTLM handshakes once and reuses the authenticated connection', async () => {
    const gw = gateway({ auth: 'ntlm', maxConnections: 4 });
    for (let i = 0; i < 5; i++) await gw.listCalendar('thames', window);
    const { requests, connections } = gw.health();
    assert.equal(connections, 1);
    // 1 PROPFIND for folders + 5 SEARCHes + 1 extra round trip for the one handshake.
    assert.equal(requests, 7);
    await gw.close();
  });

  test('freeBusy() in parallel on NTLM pays one handshake per connection and never more connections than the cap', async () => {
    const gw = gateway({ auth: 'ntlm', maxConnections: 2, freeBusyMaxConnections: 2 });
    await Promise.all(Array.from({ length: 6 }, () => gw.freeBusy(['thames@example.com'], window, 30)));
    const { requests, connections } = gw.health();
    assert.ok(connections <= 2, `connections ${connections}`);
    assert.equal(requests, 6 + connections);
    await gw.close();
  });

  test("freeBusy() batches have a pool of their own, with their own cap above the meeting steps' one", async () => {
    const gw = gateway({ auth: 'ntlm', maxConnections: 2, freeBusyMaxConnections: 6, freeBusyBatchSize: 1 });
    // 12 rooms = 12 batches of one, all asked at once: more than 2 connections, never more than 6.
    const rooms = Array.from({ length: 12 }, () => 'thames@example.com');
    const answers = await gw.freeBusy(rooms, window, 30);
    assert.equal(answers.length, 12);
    const fb = gw.health();
    assert.ok(fb.connections > 2 && fb.connections <= 6, `connections ${fb.connections}`);
    assert.equal(fb.requests, 12 + fb.connections);
    // The meeting steps' pool is untouched by them: its first request opens (and authenticates) a connection of its own.
    await gw.listCalendar('thames', window);
    assert.equal(gw.health().connections, fb.connections + 1);
    await gw.close();
  });
});

describe('forms session', () => {
  test('listCalendar() logs in again once when the forms session has expired', async () => {
    const gw = gateway({ auth: 'forms' });
    await gw.listCalendar('thames', window);
    const before = gw.health().requests;
    await suite.ctl.expireSessions();
    await gw.listCalendar('thames', window);
    // 440, login, retried SEARCH.
    assert.equal(gw.health().requests - before, 3);
    await gw.close();
  });

  test('listCalendar() in parallel after the session expired logs in once for all of them', async () => {
    const gw = gateway({ auth: 'forms', maxConnections: 4 });
    await gw.listCalendar('thames', window);
    const before = gw.health().requests;
    await suite.ctl.expireSessions();
    await Promise.all(Array.from({ length: 4 }, () => gw.listCalendar('thames', window)));
    // 4 answered 440, 1 login, 4 retried SEARCHes.
    assert.equal(gw.health().requests - before, 9);
    await gw.close();
  });

  test('freeBusy() (an OWA GET) logs in again when the session has expired', async () => {
    const gw = gateway({ auth: 'forms' });
    await gw.freeBusy(['thames@example.com'], window, 60);
    await suite.ctl.expireSessions();
    const [thames] = await gw.freeBusy(['thames@example.com'], window, 60);
    assert.equal(thames!.known, true);
    await gw.close();
  });
});

describe('request log', () => {
  for (const auth of ['basic', 'ntlm', 'forms'] as const) {
    test(`every request logs one debug line without credentials, cookies or NTLM messages with ${auth} auth`, async () => {
      const lines: string[] = [];
      const capture = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
      const gw = createExchangeGateway({ url: suite.url, auth, username: 'booking-svc', password: 'S3cret-pw', maxConnections: 1 }, capture);
      await assert.rejects(gw.discoverFolders('alice'));
      await gw.close();
      const gw2 = createExchangeGateway({ url: suite.url, auth, username: 'booking-svc', password: 'demo', maxConnections: 1 }, capture);
      await createMeeting(gw2, makeMeeting({ uid: `rb-log-${auth}@roombook`, start: window.start.plus({ hours: 9 }), end: window.start.plus({ hours: 10 }) }));
      await gw2.freeBusy(['thames@example.com'], window, 60);
      const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'exchange.request');
      assert.equal(requests.length, gw2.health().requests + (auth === 'ntlm' ? 2 : 1));
      for (const r of requests) {
        assert.deepEqual(
          ['method', 'path', 'status', 'ms', 'bytes', 'requestId'].filter((k) => !(k in r)),
          [],
        );
      }
      const all = lines.join('\n');
      for (const secret of ['S3cret-pw', '"demo"', 'TlRMTVNT', 'NTLM ', 'Basic ', 'cadata', 'sessionid=', 'authorization']) {
        assert.ok(!all.includes(secret), `log contains ${secret}`);
      }
      await gw2.close();
    });
  }
});
