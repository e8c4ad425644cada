import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import { createRoom, findRoomByAlias } from '../rooms/service.ts';
import { aBooking } from '../test/factories.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { findUserByUsername } from '../users/service.ts';

const day = DateTime.now().setZone('Europe/London').plus({ days: 2 }).toFormat('yyyy-MM-dd');
const names = (html: string, section: RegExp) => {
  const part = section.exec(html)?.[0] ?? '';
  return [...part.matchAll(/<a href="\/bookings\/new\?[^"]*">([^<(]+)/g)].map((m) => m[1]!.trim());
};

describe('find a room', () => {
  let app: TestApp;
  let alice: TestBrowser;
  before(async () => {
    app = await startTestApp();
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
  });
  after(async () => {
    await app.close();
  });

  test('GET /find lists free rooms best fit first, each with a day strip, using one free/busy request', async () => {
    const before = app.ctx.gateway.health().operations.freeBusy?.ok ?? 0;
    const html = await (await alice.get(`/find?date=${day}&start=10:00&end=11:00&people=6&building=Harbour+House`)).text();
    const rooms = [...html.matchAll(/<h3>(\w+) <span class="muted">· (\d+) people/g)].map((m) => [m[1], Number(m[2])]);
    assert.deepEqual(
      rooms.slice(0, 2).map((r) => r[1]),
      [6, 6],
    );
    assert.ok(rooms.every((r) => (r[1] as number) >= 6));
    assert.equal(rooms.length, 8, 'Harbour House has eight rooms for six or more');
    assert.match(html, /class="strip"/);
    assert.equal((app.ctx.gateway.health().operations.freeBusy?.ok ?? 0) - before, 1);
  });

  test('GET /find with nothing big enough offers smaller rooms only when allowed, closest first, saying how many seats short', async () => {
    const strict = await (await alice.get(`/find?date=${day}&start=10:00&end=11:00&people=25`)).text();
    assert.match(strict, /0 free rooms/);
    assert.doesNotMatch(strict, /Free, but missing one thing/, 'never fewer seats than people unless the user allows it');
    const html = await (await alice.get(`/find?date=${day}&start=10:00&end=11:00&people=25&allowFewerSeats=on`)).text();
    assert.deepEqual(names(html, /Free, but missing one thing[\s\S]*?<\/ul>/).slice(0, 2), ['Tyne', 'Cam']);
    assert.match(html, /Tyne \(20\)<\/a> — 20 seats, 5 too few/);
  });

  test('GET /find with the only fitting room busy suggests the nearest free times that day', async () => {
    // The demo directory: Tyne (20 people) is the only room for 18.
    const tyne = findRoomByAlias(app.ctx, 'tyne')!;
    const organizer = findUserByUsername(app.ctx, 'alice')!;
    await aBooking(app.ctx, { room: tyne, organizer, date: day, start: '10:00', end: '12:00', subject: 'All hands' });
    const html = await (await alice.get(`/find?date=${day}&start=10:30&end=11:30&people=18`)).text();
    assert.match(html, /0 free rooms/);
    const part = /Free at other times that day[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
    const times = [...part.matchAll(/>(\d\d:\d\d)–(\d\d:\d\d) in Tyne/g)].map((m) => `${m[1]}-${m[2]}`);
    assert.deepEqual(times.slice(0, 2), ['09:00-10:00', '12:00-13:00'], 'equally near: the earlier first');
  });

  test('GET /find sees a room added since the last search (cached room list), draws the 25 best of 30 and offers Show all', async () => {
    const search = `/find?date=${day}&start=10:00&end=11:00&people=2&building=Annex`;
    assert.match(await (await alice.get(search)).text(), /0 free rooms/);
    const added = Array.from({ length: 30 }, (_, i) =>
      createRoom(app.ctx, SYSTEM_ACTOR, {
        name: `Annex ${String(i + 1).padStart(2, '0')}`,
        alias: `annex${i + 1}`,
        email: `annex${i + 1}@example.com`,
        capacity: 2 + i,
        building: 'Annex',
        floor: '1',
        timeZone: 'Europe/London',
        opensAt: '07:00',
        closesAt: '20:00',
        maxDurationMinutes: 240,
        horizonDays: 180,
        active: true,
        equipment: [],
      }),
    );
    // The rooms' mailboxes, so Exchange answers their free/busy (an unknown mailbox has no data and is never free).
    const org = (await (await fetch(`${app.emulator!.url}/_emulator/org`)).json()) as { mailboxes: Record<string, unknown>[] };
    const mailboxes = added.map((r) => ({ alias: r.alias, smtp: r.email, displayName: r.name, kind: 'room', autoAccept: true }));
    const put = await fetch(`${app.emulator!.url}/_emulator/org`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...org, mailboxes: [...org.mailboxes, ...mailboxes] }),
    });
    assert.equal(put.status, 200);
    const html = await (await alice.get(search)).text();
    assert.match(html, /30 free rooms/);
    const drawn = [...html.matchAll(/<h3>(Annex \d+) /g)].map((m) => m[1]);
    assert.equal(drawn.length, 25);
    assert.equal(drawn[0], 'Annex 01', 'best fit first: two seats for two people');
    assert.equal((html.match(/class="strip"/g) ?? []).length, 25, 'a strip for every room drawn');
    const more = /<a href="([^"]+)">Show all 30 free rooms<\/a>/.exec(html)?.[1];
    assert.ok(more, 'a Show all link');
    const all = await (await alice.get(more!.replaceAll('&amp;', '&'))).text();
    assert.equal([...all.matchAll(/<h3>(Annex \d+) /g)].length, 30);
    assert.equal((all.match(/class="strip"/g) ?? []).length, 30);
    assert.doesNotMatch(all, /Show all/);
  });

  test('GET /find repeated sees a booking made since the last search (the kept local bookings follow the data version)', async () => {
    const search = `/find?date=${day}&start=15:00&end=16:00&people=6&building=Harbour+House`;
    const found = (html: string) => [...html.matchAll(/<h3>(\w+) <span class="muted">/g)].map((m) => m[1]!);
    const first = found(await (await alice.get(search)).text());
    assert.equal(first.length, 8);
    assert.deepEqual(found(await (await alice.get(search)).text()), first, 'the same answer again');
    const room = findRoomByAlias(app.ctx, first[0]!.toLowerCase())!;
    await aBooking(app.ctx, { room, organizer: findUserByUsername(app.ctx, 'alice')!, date: day, start: '15:30', end: '16:30', subject: 'Late' });
    const after = found(await (await alice.get(search)).text());
    assert.deepEqual(after, first.slice(1), `${room.name} is taken now`);
  });

  test('GET /find answers 400 naming the field for a reversed time', async () => {
    const res = await alice.get(`/find?date=${day}&start=11:00&end=10:00`);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /End time must be after the start time\./);
  });

  test('GET /find tells the user when Exchange cannot be asked and still answers from local bookings', async () => {
    await fetch(`${app.emulator!.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'status', status: 503, path: 'freebusy' }),
    });
    try {
      const res = await alice.get(`/find?date=${day}&start=14:00&end=15:00&people=4`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Exchange could not be reached just now/);
    } finally {
      await fetch(`${app.emulator!.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });
});
