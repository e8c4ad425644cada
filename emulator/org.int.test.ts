import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canAccess, defaultOrg, findMailbox, parseOrg } from './org.ts';

interface DemoData {
  users: { username: string; displayName: string; locale?: string }[];
  rooms: { alias: string; name: string; timeZone: string }[];
}

const demo = JSON.parse(readFileSync(new URL('../db/seed/demo-data.json', import.meta.url), 'utf8')) as DemoData;

test('defaultOrg() has every demo user with password demo and the mailbox language of their saved choice (English unless given)', () => {
  const org = defaultOrg();
  for (const u of demo.users) {
    const m = findMailbox(org, u.username);
    assert.ok(m, u.username);
    assert.equal(m.smtp, `${u.username}@example.com`);
    assert.equal(m.password, 'demo');
    assert.equal(m.locale, u.locale ?? 'en');
    assert.equal(m.displayName, u.displayName);
  }
});

test('defaultOrg() has every demo room as an auto-accepting room mailbox named after the room', () => {
  const org = defaultOrg();
  for (const r of demo.rooms) {
    const m = findMailbox(org, r.alias);
    assert.ok(m, r.alias);
    assert.equal(m.kind, 'room');
    assert.equal(m.smtp, `${r.alias}@example.com`);
    assert.equal(m.displayName, r.name);
    assert.equal(m.autoAccept, true);
    assert.equal(m.timeZone, r.timeZone);
    // Mailbox folders in the country's language: German in Berlin, Hungarian in Budapest (duna), else English.
    assert.equal(m.locale, r.timeZone === 'Europe/Berlin' ? 'de' : r.timeZone === 'Europe/Budapest' ? 'hu' : 'en');
  }
});

test('defaultOrg() gives booking-svc delegate access to every mailbox and has a German user', () => {
  const org = defaultOrg();
  assert.equal(findMailbox(org, 'booking-svc')?.password, 'demo');
  for (const m of org.mailboxes) assert.equal(canAccess(org, 'booking-svc', m.alias), true, m.alias);
  assert.equal(canAccess(org, 'alice', 'bob'), false);
  assert.equal(findMailbox(org, 'klaus')?.locale, 'de');
});

test('defaultOrg() has a Hungarian user and a Hungarian room (issue 17)', () => {
  const org = defaultOrg();
  assert.deepEqual(
    ['eszter', 'duna']
      .map((a) => ({ ...findMailbox(org, a) }))
      .map(({ alias, kind, locale, timeZone, autoAccept }) => ({ alias, kind, locale, timeZone, autoAccept })),
    [
      { alias: 'eszter', kind: 'user', locale: 'hu', timeZone: 'Europe/Budapest', autoAccept: false },
      { alias: 'duna', kind: 'room', locale: 'hu', timeZone: 'Europe/Budapest', autoAccept: true },
    ],
  );
  assert.equal(findMailbox(org, 'eszter')?.displayName, 'Kovács Eszter');
});

test('parseOrg() lists every problem of an invalid organisation', () => {
  assert.throws(
    () =>
      parseOrg({
        mailboxes: [
          { alias: 'a', smtp: 'x', displayName: 'A' },
          { alias: 'A', smtp: 'a@b.c', displayName: 'B' },
        ],
        delegates: [{ account: 'ghost', mailboxes: ['*'] }],
      }),
    (err: Error) => /mailboxes\.0\.smtp/.test(err.message) && /duplicate alias/.test(err.message) && /unknown account ghost/.test(err.message),
  );
});
