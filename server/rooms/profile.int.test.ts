import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { aBooking, aRoom, demoPeople } from '../test/factories.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';

const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('a room page with the admin’s "show subjects" and floor note (issue 16)', () => {
  const day = DateTime.now().setZone('Europe/London').plus({ days: 2 }).toFormat('yyyy-MM-dd');
  let app: TestApp;
  let alice: TestBrowser;
  let adam: TestBrowser;
  let roomId: number;

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    const people = await demoPeople(app.ctx);
    const room = aRoom(app.ctx, { alias: 'severn', opensAt: '08:00', closesAt: '18:00' });
    roomId = room.id;
    await aBooking(app.ctx, { room, organizer: people.bob, date: day, start: '09:00', end: '10:00', subject: 'Quarterly planning' });
    await aBooking(app.ctx, { room, organizer: people.bob, date: day, start: '11:00', end: '12:00', subject: 'Salary talks', private: true });
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    adam = new TestBrowser(app.url);
    await adam.signIn('adam');
  });
  after(async () => {
    await app.close();
  });

  test('off (the default): another person’s subject reads "Busy"; no floor note', async () => {
    const html = await (await alice.get(`/rooms/${roomId}?date=${day}`)).text();
    assert.match(textOf(html), /09:00–10:00 Busy Booked by Bob/);
    assert.doesNotMatch(html, /Quarterly planning|Salary talks|Finding it:/);
  });

  test('the admin form has the section; an employee cannot post it', async () => {
    const form = await (await adam.get(`/admin/rooms/${roomId}/edit`)).text();
    assert.match(form, /id="room-page"/);
    assert.match(form, new RegExp(`action="/admin/rooms/${roomId}/profile"`));
    const refused = await alice.post(`/admin/rooms/${roomId}/profile`, { showSubjects: 'on', floorNote: 'x' });
    assert.equal(refused.status, 403);
  });

  test('on: every employee reads the subjects, private meetings still read "Busy"; the floor note is shown escaped', async () => {
    const saved = await adam.post(`/admin/rooms/${roomId}/profile`, { showSubjects: 'on', floorNote: 'Third floor, past the lifts <b>left</b>' });
    assert.equal(saved.status, 303);
    const html = await (await alice.get(`/rooms/${roomId}?date=${day}`)).text();
    const text = textOf(html);
    assert.match(text, /09:00–10:00 Quarterly planning Booked by Bob/);
    assert.match(text, /11:00–12:00 Busy Booked by Bob/);
    assert.doesNotMatch(html, /Salary talks/);
    assert.match(html, /Finding it:<\/strong> Third floor, past the lifts &lt;b&gt;left&lt;\/b&gt;/);
    const week = await (await alice.get(`/rooms/${roomId}?date=${day}&view=week`)).text();
    assert.match(week, /Quarterly planning/);
    assert.doesNotMatch(week, /Salary talks/);
    // The admin form shows what was saved.
    const form = await (await adam.get(`/admin/rooms/${roomId}/edit`)).text();
    assert.match(form, /name="showSubjects" value="on" aria-describedby="rp-subjects-hint" checked/);
  });

  test('a note longer than 500 characters is refused with a message and nothing changes', async () => {
    const res = await adam.post(`/admin/rooms/${roomId}/profile`, { floorNote: 'x'.repeat(501) });
    assert.equal(res.status, 303);
    const form = await (await adam.get(`/admin/rooms/${roomId}/edit`)).text();
    assert.match(form, /at most 500|500 characters/);
    assert.match(form, /Third floor, past the lifts/);
  });
});
