// Counter-proposals over real HTTP with the emulator (issue 16): bob proposes a new time in "Outlook" (the
// emulator's control API answers his meeting request with a proposal) → the reconciler records it → alice's Home
// lists it → "Use this time" changes the booking through the normal update path, so Exchange and bob get the new
// time; "Dismiss" hides a proposal for good (until bob proposes again).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { findBooking } from '../bookings/repo.ts';
import { bookingIdOf, postBookingForm } from '../test/booking-form.ts';
import { signedIn, startTestApp, type TestApp, type TestBrowser } from '../test/test-app.ts';
import { aUser, demoPeople, someRooms } from '../test/factories.ts';
import { plantOutlookMeeting } from '../test/outlook.ts';
import { waitFor } from '../test/wait.ts';
import { listAuditEvents } from '../audit/repo.ts';

const ZONE = 'Europe/London';
const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).startOf('day');
const at = (hhmm: string) => DateTime.fromISO(`${day.toFormat('yyyy-MM-dd')}T${hhmm}`, { zone: ZONE });

describe('attendees’ counter-proposals on Home', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let carol: TestBrowser;
  let roomIds: Map<string, string>;

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.emulator!.url}/_emulator${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return res.json() as Promise<unknown>;
  };
  /** Bob answers the newest request of that meeting in his Inbox, as Outlook's buttons would. */
  async function bobAnswers(uid: string, response: 'accept' | 'tentative' | 'decline', proposal?: [string, string]) {
    await waitFor('the request in bob’s Inbox', async () => {
      const items = (await control('GET', '/mailboxes/bob/items?folder=inbox')) as { props: Record<string, string> }[];
      return items.some((i) => i.props['urn:schemas:calendar:uid'] === uid);
    });
    const times = proposal ? { proposedStart: at(proposal[0]).toUTC().toISO(), proposedEnd: at(proposal[1]).toUTC().toISO() } : {};
    await control('POST', '/mailboxes/bob/respond', { uid, response, ...times });
  }
  async function book(room: string, start: string, end: string, subject: string): Promise<number> {
    const res = await postBookingForm(alice, { roomId: roomIds.get(room)!, date: day.toFormat('yyyy-MM-dd'), start, end, subject });
    assert.equal(res.status, 303);
    await app.worker.drain();
    return bookingIdOf(res);
  }
  const home = async () => (await alice.get('/')).text();
  const proposalLine = (subject: string, times: string) => new RegExp(`Bob Baker proposed [^<]*${times} for <a href="/bookings/\\d+">${subject}</a>`);

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    await demoPeople(app.ctx);
    await aUser(app.ctx, { username: 'carol', displayName: 'Carol Cole' });
    roomIds = new Map([...someRooms(app.ctx, { trent: {}, severn: { capacity: 8 } })].map(([alias, r]) => [alias, String(r.id)]));
    [alice, carol] = await signedIn(app.url, 'alice', 'carol');
  });
  after(async () => {
    await app.close();
  });

  test('bob proposes 14:00–15:00 → alice’s Home lists it → "Use this time" moves the meeting in Exchange', async () => {
    const id = await book('trent', '10:00', '11:00', 'Roadmap');
    const uid = findBooking(app.ctx.db, id)!.uid;
    await bobAnswers(uid, 'tentative', ['14:00', '15:00']);
    const page = await waitFor('the proposal on alice’s Home', async () => {
      await app.reconciler.runNow();
      const html = await home();
      return proposalLine('Roadmap', '14:00–15:00').test(html) ? html : null;
    });
    assert.match(page, /Needs your action/);
    assert.match(page, new RegExp(`action="/proposals/${id}/use"`));
    assert.match(page, /<button type="submit" class="button button-small button-primary">Use this time<\/button>/);
    const show = await (await alice.get(`/bookings/${id}`)).text();
    assert.match(show, /Bob Baker[\s\S]*?<span data-field="response">Tentative<\/span> <span class="muted proposal">proposed [^<]*14:00–15:00<\/span>/);
    assert.doesNotMatch(await (await carol.get('/')).text(), /proposed/, 'only the organizer is asked');
    assert.equal((await carol.post(`/proposals/${id}/use`, { email: 'bob@example.com' })).status, 404, 'another employee learns nothing');
    assert.equal((await alice.post(`/proposals/${id}/use`, { email: 'rita@example.com' })).status, 404, 'no proposal of hers');

    const used = await alice.post(`/proposals/${id}/use`, { email: 'bob@example.com' });
    assert.equal(used.status, 303);
    assert.equal(used.headers.get('location'), `/bookings/${id}`, 'the room was free: changed directly');
    const moved = findBooking(app.ctx.db, id)!;
    assert.equal(moved.startsAt, at('14:00').toUTC().toISO());
    assert.equal(moved.endsAt, at('15:00').toUTC().toISO());
    assert.equal(moved.state, 'updating', 'through the normal update path');
    assert.doesNotMatch(await home(), /Bob Baker proposed/, 'taken: the proposal is stale now');
    await app.worker.drain();

    // Exchange has the new time: the room's calendar, and bob's once he accepts the update.
    const inRoom = (await control('GET', '/mailboxes/trent/items?folder=calendar')) as { props: Record<string, string> }[];
    assert.equal(inRoom.find((i) => i.props['urn:schemas:calendar:uid'] === uid)?.props['urn:schemas:calendar:dtstart'], at('14:00').toUTC().toISO());
    await bobAnswers(uid, 'accept');
    const bobs = (await control('GET', '/mailboxes/bob/items?folder=calendar')) as { props: Record<string, string> }[];
    const held = bobs.filter((i) => i.props['urn:schemas:calendar:uid'] === uid);
    assert.equal(held.length, 1);
    assert.equal(held[0]!.props['urn:schemas:calendar:dtstart'], at('14:00').toUTC().toISO());
    await waitFor('bob’s acceptance of the new time', async () => {
      await app.reconciler.runNow();
      return /<span data-field="response">Accepted<\/span><\/td>/.test(await (await alice.get(`/bookings/${id}`)).text());
    });
    assert.doesNotMatch(await home(), /Bob Baker proposed/);
  });

  test('"Dismiss" hides a proposal (audited) and later passes do not bring it back; the room taken opens the form', async () => {
    const id = await book('severn', '09:00', '10:00', 'Budget');
    const uid = findBooking(app.ctx.db, id)!.uid;
    await bobAnswers(uid, 'decline', ['16:00', '17:00']);
    await waitFor('the proposal on alice’s Home', async () => {
      await app.reconciler.runNow();
      return proposalLine('Budget', '16:00–17:00').test(await home());
    });
    // Someone booked severn in Outlook at 16:00 meanwhile: "Use this time" opens the change form with the proposal.
    await plantOutlookMeeting(app.emulator!.url, 'severn', { subject: 'Taken', start: at('16:00'), end: at('17:00') });
    const use = await alice.post(`/proposals/${id}/use`, { email: 'bob@example.com' });
    assert.equal(use.status, 303);
    const form = use.headers.get('location')!;
    assert.equal(form, `/bookings/${id}/edit?date=${day.toFormat('yyyy-MM-dd')}&start=16%3A00&end=17%3A00`);
    const html = await (await alice.get(form)).text();
    assert.match(html, /name="start"[^>]*value="16:00"|value="16:00"[^>]*name="start"/);
    assert.match(html, /name="end"[^>]*value="17:00"|value="17:00"[^>]*name="end"/);
    assert.equal(findBooking(app.ctx.db, id)!.startsAt, at('09:00').toUTC().toISO(), 'nothing changed yet');

    const dismissed = await alice.post(`/proposals/${id}/dismiss`, { email: 'bob@example.com' });
    assert.equal(dismissed.status, 303);
    assert.equal(dismissed.headers.get('location'), '/');
    assert.doesNotMatch(await home(), /Bob Baker proposed/);
    await app.reconciler.runNow();
    assert.doesNotMatch(await home(), /Bob Baker proposed/, 'the same proposal read again stays dismissed');
    assert.equal((await alice.post(`/proposals/${id}/dismiss`, { email: 'bob@example.com' })).status, 404, 'nothing left to dismiss');
    const audit = listAuditEvents(app.ctx.db, { entityType: 'booking', entityId: String(id), limit: 20, offset: 0 });
    assert.ok(audit.events.some((e) => e.action === 'booking.proposal_dismissed'));
  });
});
