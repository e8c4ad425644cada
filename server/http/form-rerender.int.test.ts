// Every form page that the error handler re-renders keeps its own action, method and ids (issue 19, items 1 and 2).
// The routes come from the app's own router: any route marked with formPage() must have a case here.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import type { Express } from 'express';
import { findBooking } from '../bookings/repo.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { formRoutes } from './form.ts';

const ZONE = 'Europe/London';
const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');

type Body = Record<string, string | string[]>;

/** The forms in a page: their method, action and hidden inputs (what a browser would send back). */
function formsIn(html: string): { method: string; action: string; hidden: Record<string, string> }[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map((m) => {
    const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(m[1]!)?.[1] ?? '';
    const hidden: Record<string, string> = {};
    for (const i of m[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) hidden[i[1]!] = i[2]!;
    return { method: attr('method').toLowerCase(), action: attr('action').replace(/&amp;/g, '&'), hidden };
  });
}

describe('form re-render after an error', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let adam: TestBrowser;
  let ids: { booking: number; room: string; user: number };

  const bookingBody = (extra: Body = {}): Body => ({
    roomId: ids.room,
    date: day,
    start: '10:00',
    end: '11:00',
    subject: 'Planning',
    description: '',
    required: 'bob@example.com',
    optional: '',
    ...extra,
  });

  before(async () => {
    app = await startTestApp();
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    adam = new TestBrowser(app.url);
    await adam.signIn('adam');
    const room = /href="\/rooms\/(\d+)">Trent</.exec(await (await alice.get('/rooms')).text())![1]!;
    ids = { booking: 0, room, user: (app.ctx.db.prepare("SELECT id FROM users WHERE username = 'bob'").get() as { id: number }).id };
    const form = await (await alice.get(`/bookings/new?roomId=${room}`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    const res = await alice.post('/bookings', { ...bookingBody(), idempotencyKey: key });
    assert.equal(res.status, 303);
    ids.booking = Number(/\/bookings\/(\d+)/.exec(res.headers.get('location')!)![1]);
    await app.worker.drain();
  });
  after(async () => {
    await app.close();
  });

  /** One bad submission per form route; `who` is the browser that may use the route. */
  const cases = (): Record<string, { who: () => TestBrowser; body: Body; check?: (html: string, form: ReturnType<typeof formsIn>[number]) => void }> => ({
    'POST /login': { who: () => new TestBrowser(app.url), body: { username: 'alice', password: 'wrong' } },
    'POST /bookings': {
      who: () => alice,
      body: { ...bookingBody({ required: 'bob@example.com, carol-at-example' }), idempotencyKey: '' },
      check: (html, form) => {
        assert.match(html, /<h1>Book a room<\/h1>/);
        assert.match(form.hidden.idempotencyKey ?? '', /^[A-Za-z0-9_-]{16,64}$/, 'a new-booking form always carries a usable key');
      },
    },
    'POST /bookings/:id': {
      who: () => alice,
      body: bookingBody({ required: 'bob@example.com, carol-at-example' }),
      check: (html, form) => {
        assert.match(html, /<h1>Change booking<\/h1>/);
        assert.equal(form.hidden.idempotencyKey, undefined, 'a change has no idempotency key');
      },
    },
    'POST /bookings/:id/cancel': { who: () => alice, body: { message: ['a', 'b'] } },
    'POST /admin/rooms': { who: () => adam, body: { name: '' } },
    'POST /admin/rooms/:id': { who: () => adam, body: { name: '' } },
    'POST /admin/equipment': { who: () => adam, body: { label: '' } },
    'POST /admin/users': { who: () => adam, body: { username: '!' } },
    'POST /admin/users/:id/access': { who: () => adam, body: { role: 'nope' } },
    'POST /admin/displays': { who: () => adam, body: { label: '' } },
    'POST /find-time/hours': { who: () => alice, body: { timeZone: 'Nowhere', start: '09:00', end: '17:00', days: '1' } },
  });

  const concrete = (path: string) =>
    path
      .replace(/^\/bookings\/:id/, `/bookings/${ids.booking}`)
      .replace(/^\/admin\/rooms\/:id/, `/admin/rooms/${ids.room}`)
      .replace(/^\/admin\/users\/:id/, `/admin/users/${ids.user}`);

  test('every form route of the app has a case in this table', () => {
    // The running app's own router: the Express app is the server's request listener.
    const express = app.server.listeners('request')[0] as Express;
    const routes = formRoutes(express)
      .map((r) => `${r.method.toUpperCase()} ${r.path}`)
      .sort();
    assert.ok(routes.length >= 10, routes.join(', '));
    assert.deepEqual(routes, Object.keys(cases()).sort());
  });

  test('each error re-render posts back to the same route with its ids', async () => {
    for (const [route, c] of Object.entries(cases())) {
      const path = concrete(route.split(' ')[1]!);
      const res = await c.who().post(path, c.body);
      assert.ok(res.status >= 400 && res.status < 500, `${route} answered ${res.status}`);
      const html = await res.text();
      const form = formsIn(html).find((f) => f.action === path);
      assert.ok(form, `${route}: no form posting to ${path} in the re-rendered page`);
      assert.equal(form.method, 'post', route);
      assert.ok(form.hidden._csrf, `${route}: the form has its CSRF token`);
      c.check?.(html, form);
    }
  });

  test('a bad body on a record that does not exist is a 404, not a 500 from the re-render', async () => {
    assert.equal((await alice.post('/bookings/999999/cancel', { message: ['a', 'b'] })).status, 404);
    assert.equal((await alice.post('/bookings/999999', bookingBody({ required: 'carol-at-example' }))).status, 404);
    assert.equal((await adam.post('/admin/rooms/999999', { name: '' })).status, 404);
  });

  test('a change into a taken slot re-renders the change form (409) posting to its booking', async () => {
    const form = await (await alice.get(`/bookings/new?roomId=${ids.room}`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    assert.equal((await alice.post('/bookings', { ...bookingBody({ start: '16:00', end: '17:00', required: '' }), idempotencyKey: key })).status, 303);
    const res = await alice.post(`/bookings/${ids.booking}`, bookingBody({ start: '16:00', end: '17:00' }));
    assert.equal(res.status, 409);
    const html = await res.text();
    assert.match(html, /was just taken for that time/);
    assert.ok(formsIn(html).some((f) => f.method === 'post' && f.action === `/bookings/${ids.booking}`));
    assert.match(html, /<h1>Change booking<\/h1>/);
  });

  test('cancel with a message over 2,000 characters or sent twice is a 422 on the cancel page, not a 500', async () => {
    for (const message of ['x'.repeat(2001), ['a', 'b']]) {
      const res = await alice.post(`/bookings/${ids.booking}/cancel`, { message });
      assert.equal(res.status, 422);
      const html = await res.text();
      assert.match(html, new RegExp(`action="/bookings/${ids.booking}/cancel"`));
      assert.match(html, /Message (must be at most 2000 characters|must be given once)\./);
    }
    assert.equal(findBooking(app.ctx.db, ids.booking)?.state, 'booked');
  });

  test('a refused change re-renders the change form, and the corrected form saves the change', async () => {
    const res = await alice.post(`/bookings/${ids.booking}`, bookingBody({ required: 'bob@example.com, carol-at-example' }));
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /“carol-at-example” is not an e-mail address\./);
    const form = formsIn(html).find((f) => f.method === 'post' && f.action.startsWith('/bookings'))!;
    assert.equal(form.action, `/bookings/${ids.booking}`);
    const saved = await alice.post(
      form.action,
      { ...form.hidden, ...bookingBody({ required: 'bob@example.com, carol@example.com' }) },
      { csrf: form.hidden._csrf! },
    );
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get('location'), `/bookings/${ids.booking}`);
    const after = findBooking(app.ctx.db, ids.booking)!;
    assert.deepEqual(after.attendees.map((a) => a.email).sort(), ['bob@example.com', 'carol@example.com']);
  });

  test('a subject the gateway would refuse (U+2028, U+2029, NEL) is a field error on the form, and nothing is stored', async () => {
    const before = (app.ctx.db.prepare('SELECT count(*) AS n FROM bookings').get() as { n: number }).n;
    for (const c of ['\u2028', '\u2029', '\u0085']) {
      const res = await alice.post('/bookings', {
        ...bookingBody({ start: '13:00', end: '13:30', subject: `Budget${c}review` }),
        idempotencyKey: 'u'.repeat(20),
      });
      assert.equal(res.status, 422);
      assert.match(await res.text(), /Subject must be a single line\./);
    }
    assert.equal((app.ctx.db.prepare('SELECT count(*) AS n FROM bookings').get() as { n: number }).n, before);
  });

  test('a refused new booking keeps its key: the corrected form books once', async () => {
    const first = await alice.post('/bookings', {
      ...bookingBody({ start: '12:00', end: '12:30', required: 'carol-at-example' }),
      idempotencyKey: 'k'.repeat(20),
    });
    assert.equal(first.status, 422);
    const form = formsIn(await first.text()).find((f) => f.action === '/bookings')!;
    const body = { ...form.hidden, ...bookingBody({ start: '12:00', end: '12:30' }) };
    const [a, b] = await Promise.all([
      alice.post('/bookings', body, { csrf: form.hidden._csrf! }),
      alice.post('/bookings', body, { csrf: form.hidden._csrf! }),
    ]);
    assert.deepEqual([a.status, b.status], [303, 303]);
    assert.equal(a.headers.get('location'), b.headers.get('location'));
  });
});
