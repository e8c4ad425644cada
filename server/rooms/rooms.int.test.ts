import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { listAuditEvents } from '../audit/repo.ts';
import { aBooking, aRoom, demoPeople } from '../test/factories.ts';
import { plantOutlookMeeting } from '../test/outlook.ts';
import { findRoomByAlias } from './service.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';

const validRoom = {
  name: 'Orwell',
  alias: 'orwell',
  email: 'orwell@example.com',
  capacity: '5',
  building: 'Harbour House',
  floor: '3',
  timeZone: 'Europe/London',
  opensAt: '08:00',
  closesAt: '18:00',
  maxDurationMinutes: '120',
  horizonDays: '60',
  active: 'on',
  equipment: ['projector', 'phone'],
};

describe('rooms', () => {
  let app: TestApp;
  let admin: TestBrowser;
  let employee: TestBrowser;
  before(async () => {
    app = await startTestApp();
    admin = new TestBrowser(app.url);
    await admin.signIn('adam');
    employee = new TestBrowser(app.url);
    await employee.signIn('alice');
  });
  after(async () => {
    await app.close();
  });

  test('GET /rooms lists the demo rooms for an employee', async () => {
    const html = await (await employee.get('/rooms')).text();
    assert.match(html, /15 rooms/);
    assert.match(html, /Thames/);
  });

  test('GET /rooms filters by building, capacity and every chosen piece of equipment', async () => {
    const html = await (await employee.get('/rooms?building=Harbour+House&capacity=10&equipment=video&equipment=whiteboard')).text();
    const names = [...html.matchAll(/<h2><a href="\/rooms\/\d+">([^<]+)<\/a><\/h2>/g)].map((m) => m[1]).sort();
    assert.deepEqual(names, ['Cam', 'Mersey', 'Thames']);
  });

  test('GET /rooms answers 400 with the field message for a nonsense capacity', async () => {
    const res = await employee.get('/rooms?capacity=lots');
    assert.equal(res.status, 400);
    assert.match(await res.text(), /Minimum capacity must be a whole number\./);
  });

  test('GET /admin/rooms is refused to an employee with a friendly 403 page', async () => {
    const res = await employee.get('/admin/rooms');
    assert.equal(res.status, 403);
    assert.match(await res.text(), /This page is for administrators only\./);
    assert.equal((await employee.post('/admin/rooms', validRoom)).status, 403);
  });

  test('GET /admin/rooms and /admin/users are refused to a receptionist', async () => {
    const rita = new TestBrowser(app.url);
    await rita.signIn('rita');
    assert.equal((await rita.get('/admin/rooms')).status, 403);
    assert.equal((await rita.post('/admin/rooms', validRoom)).status, 403);
    assert.equal((await rita.get('/admin/users')).status, 403);
  });

  test('POST /admin/rooms re-renders the form with 422, each field message and the typed values', async () => {
    const res = await admin.post('/admin/rooms', {
      ...validRoom,
      name: 'Brontë',
      capacity: '0',
      timeZone: 'Mars/Olympus',
      closesAt: '07:00',
      alias: 'bad alias!',
    });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /Capacity must be at least 1\./);
    assert.match(html, /Time zone must be an IANA zone such as Europe\/London\./);
    assert.match(html, /Closing time must be after the opening time\./);
    assert.match(html, /Mailbox alias may use letters, digits, dot, dash and underscore only\./);
    assert.match(html, /name="name"[^>]*value="Brontë"/);
    assert.match(html, /value="projector" checked/);
  });

  test('POST /admin/rooms refuses a mailbox address another room uses', async () => {
    const res = await admin.post('/admin/rooms', { ...validRoom, email: 'THAMES@example.com' });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Another room already uses this mailbox address\./);
  });

  test('POST /admin/rooms refuses a mailbox Exchange does not know, naming it, and offers "save anyway"', async () => {
    const res = await admin.post('/admin/rooms', { ...validRoom, alias: 'nosuchroom', email: 'nosuchroom@example.com' });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /Exchange has no mailbox “nosuchroom”\./);
    assert.match(html, /name="saveAnyway"/);
    assert.match(html, /name="alias"[^>]*value="nosuchroom"/);
    assert.doesNotMatch(await (await admin.get('/admin/rooms')).text(), /nosuchroom/);
    // The checkbox is offered only after Exchange said no.
    assert.doesNotMatch(await (await admin.get('/admin/rooms/new')).text(), /name="saveAnyway"/);
  });

  test('POST /admin/rooms with Exchange unreachable saves the room as "not verified"', async () => {
    const faults = `${app.emulator!.url}/_emulator/faults`;
    await fetch(faults, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'drop', method: 'PROPFIND', path: '/exchange/medway' }),
    });
    try {
      const res = await admin.post('/admin/rooms', { ...validRoom, name: 'Medway', alias: 'medway', email: 'medway@example.com' });
      assert.equal(res.status, 303);
    } finally {
      await fetch(faults, { method: 'DELETE' });
    }
    const list = await (await admin.get('/admin/rooms')).text();
    const row = /<th scope="row"><a href="\/rooms\/\d+">Medway<\/a>[\s\S]*?<\/tr>/.exec(list)?.[0];
    assert.match(row ?? '', /Not verified/);
    assert.match(row ?? '', /Exchange did not answer when the room was saved\./);
  });

  test('POST /admin/rooms creates a room that employees then see, with an audit row', async () => {
    // "orwell" is not in the emulator's organisation: a staged roll-out, saved anyway and marked "not verified".
    const res = await admin.post('/admin/rooms', { ...validRoom, saveAnyway: 'on' });
    assert.equal(res.status, 303);
    const html = await (await employee.get('/rooms?building=Harbour+House&capacity=5&equipment=projector&equipment=phone')).text();
    assert.match(html, /Orwell/);
    const id = /href="\/rooms\/(\d+)">Orwell/.exec(html)?.[1];
    const detail = await (await employee.get(`/rooms/${id}`)).text();
    assert.match(detail, /08:00–18:00/);
    assert.match(detail, /orwell@example\.com/);
    const { events } = listAuditEvents(app.ctx.db, { entityType: 'room', entityId: id, limit: 5, offset: 0 });
    assert.equal(events[0]?.action, 'room.created');
    assert.equal(events[0]?.actorName, 'adam');
    const row = /<th scope="row"><a href="\/rooms\/\d+">Orwell<\/a>[\s\S]*?<\/tr>/.exec(await (await admin.get('/admin/rooms')).text())?.[0];
    assert.match(row ?? '', /Not verified/);
    assert.match(row ?? '', /Exchange did not know this mailbox/);
  });

  test('POST /admin/rooms/:id edits a room and audits before and after', async () => {
    const id = String(findRoomByAlias(app.ctx, 'severn')!.id);
    const res = await admin.post(`/admin/rooms/${id}`, { ...validRoom, name: 'Severn', alias: 'severn', email: 'severn@example.com', capacity: '9' });
    assert.equal(res.status, 303);
    const { events } = listAuditEvents(app.ctx.db, { entityType: 'room', entityId: id, limit: 1, offset: 0 });
    assert.equal(events[0]?.action, 'room.updated');
    assert.equal((events[0]?.before as { capacity: number }).capacity, 8);
    assert.equal((events[0]?.after as { capacity: number }).capacity, 9);
    // Exchange knows severn and the service account is its delegate: verified, no badge.
    const row = /<th scope="row"><a href="\/rooms\/\d+">Severn<\/a>[\s\S]*?<\/tr>/.exec(await (await admin.get('/admin/rooms')).text())?.[0];
    assert.ok(row);
    assert.doesNotMatch(row, /Not verified/);
  });

  test('POST /admin/rooms/:id/deactivate hides the room from the directory', async () => {
    const id = findRoomByAlias(app.ctx, 'wye')!.id;
    assert.equal((await admin.post(`/admin/rooms/${id}/deactivate`, {})).status, 303);
    assert.doesNotMatch(await (await employee.get('/rooms')).text(), />Wye</);
    assert.equal((await employee.get(`/rooms/${id}`)).status, 404);
    assert.equal((await admin.get(`/rooms/${id}`)).status, 200);
    await admin.post(`/admin/rooms/${id}/activate`, {});
    assert.match(await (await employee.get('/rooms')).text(), />Wye</);
  });

  test('POST /admin/equipment extends the list and rooms can use the new item', async () => {
    assert.equal((await admin.post('/admin/equipment', { code: 'Standing-Desk', label: 'Standing desk' })).status, 303);
    const dup = await admin.post('/admin/equipment', { code: 'standing-desk', label: 'Again' });
    assert.equal(dup.status, 422);
    assert.match(await dup.text(), /This code is already in the list\./);
    assert.match(await (await employee.get('/rooms')).text(), /Standing desk/);
  });

  test('POST /admin/users/:id/access refuses to demote the last administrator', async () => {
    const users = await (await admin.get('/admin/users')).text();
    const id = /Adam Admin[\s\S]*?\/admin\/users\/(\d+)\/access/.exec(users)?.[1];
    const res = await admin.post(`/admin/users/${id}/access`, { role: 'employee', active: 'on' });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /At least one active administrator must remain\./);
  });

  test('unknown pages and ids get a friendly 404 without a stack trace', async () => {
    for (const path of ['/nope', '/rooms/999999', '/rooms/abc', '/admin/rooms/12abc/edit']) {
      const res = await admin.get(path);
      assert.equal(res.status, 404, path);
      const html = await res.text();
      assert.match(html, /does not exist/);
      assert.doesNotMatch(html, /at .*\.ts:\d+/);
    }
  });

  test('an oversized form body gets 413, not 500', async () => {
    const res = await admin.post('/admin/rooms', { ...validRoom, name: 'x'.repeat(200_000) });
    assert.equal(res.status, 413);
  });
});

describe('a room page shows its day', () => {
  const ZONE = 'Europe/London';
  // Two days ahead, so every block and gap of the day is still bookable whatever the time now.
  const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');
  const local = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: ZONE });
  let app: TestApp;
  let alice: TestBrowser;
  let roomId: number;

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    const people = await demoPeople(app.ctx);
    const room = aRoom(app.ctx, { alias: 'trent', opensAt: '08:00', closesAt: '18:00' });
    roomId = room.id;
    await aBooking(app.ctx, { room, organizer: people.alice, date: day, start: '09:00', end: '10:00', subject: 'Sprint review' });
    await aBooking(app.ctx, { room, organizer: people.bob, date: day, start: '11:00', end: '12:00', subject: 'Salary talks', private: true });
    await plantOutlookMeeting(app.emulator!.url, 'trent', { subject: 'Board (booked in Outlook)', start: local('14:00'), end: local('15:00') });
    await app.reconciler.runNow();
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
  });
  after(async () => {
    await app.close();
  });

  test('an employee sees their own subjects, "Busy" for private and other people\'s meetings, and a Book link for each free gap', async () => {
    const res = await alice.get(`/rooms/${roomId}?date=${day}`);
    assert.equal(res.status, 200);
    const html = await res.text();
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    assert.match(text, /09:00–10:00 Sprint review Booked by Alice/);
    assert.match(text, /11:00–12:00 Busy Booked by Bob/);
    assert.doesNotMatch(html, /Salary talks|Private meeting/);
    assert.match(text, /14:00–15:00 Busy Booked in Outlook/);
    assert.doesNotMatch(html, /Board \(booked in Outlook\)/);
    const links = [...html.matchAll(/href="(\/bookings\/new\?[^"]+)"[^>]*>Book</g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    const q = (start: string, end: string) => `/bookings/new?${new URLSearchParams({ roomId: String(roomId), date: day, start, end })}`;
    assert.deepEqual(links, [q('08:00', '09:00'), q('10:00', '11:00'), q('12:00', '14:00'), q('15:00', '18:00')]);
    assert.match(html, new RegExp(`href="/bookings/new\\?roomId=${roomId}&amp;date=${day}"[^>]*>Book this room<`));
    const next = DateTime.fromISO(day).plus({ days: 1 }).toFormat('yyyy-MM-dd');
    assert.match(html, new RegExp(`href="/rooms/${roomId}\\?date=${next}" rel="next"`));
  });

  test('reception reads subjects (private ones as "Private meeting"); the week view shows the seven days with free links', async () => {
    const rita = new TestBrowser(app.url);
    await rita.signIn('rita');
    const text = (await (await rita.get(`/rooms/${roomId}?date=${day}`)).text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    assert.match(text, /11:00–12:00 Private meeting Booked by Bob/);
    assert.match(text, /14:00–15:00 Board \(booked in Outlook\)/);
    assert.doesNotMatch(text, /Salary talks/);
    const week = await (await alice.get(`/rooms/${roomId}?date=${day}&view=week`)).text();
    assert.equal((week.match(/<section class="week-day"/g) ?? []).length, 7);
    assert.match(week, /Sprint review/);
    assert.doesNotMatch(week, /Salary talks|Board \(booked in Outlook\)/);
    assert.match(week, /aria-label="Book Trent [^"]+ 12:00–14:00">Free</);
  });

  test('the page defaults to today in the room zone', async () => {
    const html = await (await alice.get(`/rooms/${roomId}`)).text();
    assert.match(html, new RegExp(`value="${DateTime.now().setZone(ZONE).toFormat('yyyy-MM-dd')}"`));
  });

  test('a date that is not one answers 400 with the field message', async () => {
    for (const bad of ['tomorrow', '2026-02-30']) {
      const res = await alice.get(`/rooms/${roomId}?date=${bad}`);
      assert.equal(res.status, 400);
      assert.match(await res.text(), /class="field-error" id="date-error">(Date must look like 2026-11-24\.|That date does not exist\.)</);
    }
  });
});
