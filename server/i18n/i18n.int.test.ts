// Issue 17 through the running app: which language a page is in (saved preference > cookie > Accept-Language >
// DEFAULT_LOCALE), that <html lang> follows, that form errors, API errors and door displays speak it too, and that
// a failure reason stored once reads in each reader's language.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import { createDeviceToken } from '../schedule/tokens.ts';
import { findUser } from '../users/service.ts';
import { aRoom, aUser } from '../test/factories.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { CATALOGS } from './catalog.ts';

const lang = (html: string) => /<html lang="([a-z]+)">/.exec(html)?.[1];
const en = CATALOGS.en;
const hu = CATALOGS.hu;

describe('language of the pages', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    await aUser(app.ctx, { username: 'eszter', displayName: 'Kovács Eszter' });
    await aUser(app.ctx, { username: 'alice', displayName: 'Alice Anderson' });
  });
  after(() => app.close());

  test('Accept-Language picks the language of a visitor’s page; an unsupported one gets DEFAULT_LOCALE (en)', async () => {
    const visitor = new TestBrowser(app.url);
    const huPage = await (await visitor.get('/login', { 'accept-language': 'hu-HU,hu;q=0.9,en;q=0.8' })).text();
    assert.equal(lang(huPage), 'hu');
    assert.ok(huPage.includes(`<h1>${hu['login.title']}</h1>`));
    assert.ok(huPage.includes(hu['login.lead']!));
    const enPage = await (await visitor.get('/login', { 'accept-language': 'en-GB,en;q=0.9' })).text();
    assert.equal(lang(enPage), 'en');
    assert.ok(enPage.includes(`<h1>${en['login.title']}</h1>`));
    assert.equal(lang(await (await visitor.get('/login', { 'accept-language': 'de-DE, fr;q=0.5' })).text()), 'en');
    const res = await visitor.get('/login', { 'accept-language': 'hu' });
    assert.equal(res.headers.get('content-language'), 'hu');
    assert.match(res.headers.get('vary') ?? '', /Accept-Language/);
  });

  test('a visitor’s switch is kept in a cookie and wins over Accept-Language', async () => {
    const visitor = new TestBrowser(app.url);
    visitor.sendHeaders['accept-language'] = 'en';
    const switched = await visitor.post('/locale', { locale: 'hu', returnTo: '/login' });
    assert.equal(switched.status, 303);
    assert.equal(switched.headers.get('location'), '/login');
    assert.equal(visitor.cookie('roombook.lang'), 'hu');
    assert.equal(lang(await (await visitor.get('/login')).text()), 'hu');
    // Only local paths are followed back (no open redirect), and only known languages are taken.
    assert.equal((await visitor.post('/locale', { locale: 'en', returnTo: 'https://evil.example/' })).headers.get('location'), '/');
    assert.equal((await visitor.post('/locale', { locale: 'xx' })).status, 400);
  });

  test('a signed-in person’s saved choice wins over Accept-Language and follows them to another browser', async () => {
    const laptop = new TestBrowser(app.url);
    laptop.sendHeaders['accept-language'] = 'hu';
    await laptop.signIn('eszter');
    const home = await (await laptop.get('/')).text();
    assert.equal(lang(home), 'hu', 'nothing saved yet: the browser’s language');
    assert.ok(home.includes(hu['home.welcome']!.replace('{name}', 'Kovács Eszter')));
    assert.equal((await laptop.post('/locale', { locale: 'en', returnTo: '/' })).status, 303);
    const eszter = (await app.ctx.db.prepare('SELECT id FROM users WHERE username = ?').get('eszter')) as { id: number };
    assert.equal(findUser(app.ctx, eszter.id)?.locale, 'en', 'saved on the account');

    const phone = new TestBrowser(app.url);
    phone.sendHeaders['accept-language'] = 'hu-HU';
    await phone.signIn('eszter');
    const page = await (await phone.get('/bookings')).text();
    assert.equal(lang(page), 'en', 'the saved choice beats the phone’s Accept-Language');
    assert.ok(page.includes(`<h1>${en['nav.bookings']}</h1>`));
  });

  test('form errors and API errors are in the request’s language; API codes stay the same', async () => {
    const alice = new TestBrowser(app.url);
    alice.sendHeaders['accept-language'] = 'hu';
    await alice.signIn('alice');
    const form = await (await alice.get('/bookings/new')).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    const refused = await alice.post('/bookings', { idempotencyKey: key, roomId: '', date: 'tomorrow', start: '10:00', end: '09:00', subject: '' });
    assert.equal(refused.status, 422);
    const page = await refused.text();
    assert.equal(lang(page), 'hu');
    assert.ok(page.includes(hu['form.date']!), 'the date error in Hungarian');
    assert.ok(page.includes(hu['form.required']!.replace('{label}', hu['field.subject']!)), 'the subject error in Hungarian');

    const api = await fetch(`${app.url}/api/rooms`, { headers: { accept: 'application/json', 'accept-language': 'hu' } });
    assert.equal(api.status, 401);
    const body = (await api.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'invalid_token');
    assert.equal(body.error.message, hu['displays.token_missing']);
  });

  test('a booking goes to Exchange in its organizer’s language (the meeting carries it for OWA’s Accept-Language)', async () => {
    await aUser(app.ctx, { username: 'zoltan', displayName: 'Nagy Zoltán' });
    const room = aRoom(app.ctx, { alias: 'tisza', name: 'Tisza', timeZone: 'Europe/Budapest' });
    const zoltan = new TestBrowser(app.url);
    zoltan.sendHeaders['accept-language'] = 'en';
    await zoltan.signIn('zoltan');
    await zoltan.post('/locale', { locale: 'hu', returnTo: '/' });
    const form = await (await zoltan.get(`/bookings/new?roomId=${room.id}`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const made = await zoltan.post('/bookings', {
      idempotencyKey: key,
      roomId: String(room.id),
      date: day,
      start: '10:00',
      end: '11:00',
      subject: 'Tervezés',
      description: '',
      required: '',
      optional: '',
    });
    assert.equal(made.status, 303);
    const id = Number(/\/bookings\/(\d+)/.exec(made.headers.get('location') ?? '')?.[1]);
    const job = app.ctx.db.prepare('SELECT meeting_json FROM outbox_jobs WHERE booking_id = ?').get(id) as { meeting_json: string };
    assert.match(job.meeting_json, /"language":"hu"/);
    const page = await (await zoltan.get(`/bookings/${id}`)).text();
    assert.equal(lang(page), 'hu');
    assert.ok(page.includes(hu['booking.flash.created']!), 'the flash in Hungarian');
  });

  test('a door display speaks its token’s language, whatever the tablet’s browser says', async () => {
    const room = aRoom(app.ctx, { alias: 'duna', name: 'Duna', timeZone: 'Europe/Budapest' });
    const { secret: huToken } = createDeviceToken(app.ctx, SYSTEM_ACTOR, { label: 'Duna ajtó', roomIds: [room.id], showSubjects: false, locale: 'hu' });
    const { secret: plainToken } = createDeviceToken(app.ctx, SYSTEM_ACTOR, { label: 'Duna door', roomIds: [room.id], showSubjects: false });
    const show = async (token: string) => (await fetch(`${app.url}/display/duna?token=${token}`, { headers: { 'accept-language': 'en-US' } })).text();
    const huPage = await show(huToken);
    assert.equal(lang(huPage), 'hu');
    assert.ok(huPage.includes(`<h2 id="next-h">${hu['display.next_today']}</h2>`));
    assert.match(huPage, new RegExp(`<h2 class="word" id="status-word">(${hu['schedule.free']}|${hu['room.busy']})</h2>`));
    const plain = await show(plainToken);
    assert.equal(lang(plain), 'en', 'no language on the token: DEFAULT_LOCALE');
  });
});

describe('DEFAULT_LOCALE', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0', DEFAULT_LOCALE: 'hu' });
  });
  after(() => app.close());

  test('an organisation default of hu serves visitors whose browser names no supported language', async () => {
    const visitor = new TestBrowser(app.url);
    assert.equal(lang(await (await visitor.get('/login', { 'accept-language': 'de' })).text()), 'hu');
    assert.equal(lang(await (await visitor.get('/login', { 'accept-language': 'en' })).text()), 'en', 'the browser still wins over the default');
  });
});
