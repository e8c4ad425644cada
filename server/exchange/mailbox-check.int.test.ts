// checkMailbox(): the admin form's question "does Exchange know this room, and may the service account in?",
// answered for each case the emulator can produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createExchangeGateway, type ExchangeGatewayConfig } from './index.ts';
import { useTestEmulator } from './fixtures/test-emulator.ts';

const suite = useTestEmulator();
const gateway = (over: Partial<ExchangeGatewayConfig> = {}) =>
  createExchangeGateway({ url: suite.url, auth: 'basic', username: 'booking-svc', password: 'demo', ...over }, pino({ level: 'silent' }));

test('a room mailbox the service account is a delegate of is ok, in two requests', async () => {
  const gw = gateway();
  const before = gw.health().requests;
  assert.equal(await gw.checkMailbox('thames'), 'ok');
  assert.equal(gw.health().requests - before, 2);
  await gw.close();
});

test('an alias the organisation does not have is unknown', async () => {
  const gw = gateway();
  assert.equal(await gw.checkMailbox('nosuchroom'), 'unknown');
  assert.equal(gw.health().reachable, true);
  await gw.close();
});

test('a mailbox the account is no delegate of is no-access', async () => {
  const gw = gateway({ username: 'bob' });
  assert.equal(await gw.checkMailbox('thames'), 'no-access');
  await gw.close();
});

test('no answer from Exchange is unreachable and counts against reachability', async () => {
  const gw = gateway();
  await suite.ctl.addFault({ kind: 'drop', method: 'PROPFIND' });
  assert.equal(await gw.checkMailbox('thames'), 'unreachable');
  assert.equal(gw.health().reachable, false);
  await gw.close();
});
