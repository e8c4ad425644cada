// Issue 17: the organizer's language is their saved choice, else the organisation's (DEFAULT_LOCALE), never the
// language of whoever books for them. Here DEFAULT_LOCALE is Hungarian and rita (reception, who chose English) books
// for alice (who chose nothing) and for bob (who chose English): alice's meeting says "Booked with Roombook" in
// Hungarian, bob's in English, as bob reads them in his inbox in the emulator.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { findBooking } from '../bookings/repo.ts';
import { startTestApp, TestBrowser, mailboxItems, type TestApp } from '../test/test-app.ts';
import { aRoom, demoPeople } from '../test/factories.ts';
import { CATALOGS } from './catalog.ts';

const UID = 'urn:schemas:calendar:uid';
const TEXT = 'urn:schemas:httpmail:textdescription';
const EN_LINE = CATALOGS.en['meeting.booked_with']!;
const HU_LINE = CATALOGS.hu['meeting.booked_with']!;

describe('the organizer language when someone else books', () => {
  let app: TestApp;
  let rita: TestBrowser;
  let roomId: string;
  let people: Awaited<ReturnType<typeof demoPeople>>;

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0', DEFAULT_LOCALE: 'hu' });
    people = await demoPeople(app.ctx);
    roomId = String(aRoom(app.ctx, { alias: 'trent', name: 'Trent', timeZone: 'Europe/London', capacity: 8 }).id);
    rita = new TestBrowser(app.url);
    await rita.signIn('rita');
    assert.equal((await rita.post('/locale', { locale: 'en', returnTo: '/' })).status, 303);
    const bob = new TestBrowser(app.url);
    await bob.signIn('bob');
    assert.equal((await bob.post('/locale', { locale: 'en', returnTo: '/' })).status, 303);
  });
  after(() => app.close());

  async function bookFor(username: 'alice' | 'bob', start: string, attendee: string): Promise<string> {
    const date = DateTime.now().setZone('Europe/London').plus({ days: 2 }).toFormat('yyyy-MM-dd');
    const page = await (await rita.get(`/bookings/new?roomId=${roomId}&date=${date}&start=${start}&end=${start.replace(':00', ':30')}`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page)![1]!;
    const organizer = people[username];
    const res = await rita.post('/bookings', {
      roomId,
      date,
      start,
      end: start.replace(':00', ':30'),
      subject: `For ${username}`,
      description: '',
      required: attendee,
      optional: '',
      organizerId: String(organizer.id),
      idempotencyKey: key,
    });
    assert.equal(res.status, 303, await res.text());
    await app.worker.drain();
    const booking = findBooking(app.ctx.db, Number(/\/bookings\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]))!;
    assert.equal(booking.organizerId, organizer.id, 'rita booked on their behalf');
    assert.equal(booking.state, 'booked');
    const alias = attendee.slice(0, attendee.indexOf('@'));
    const invite = (await mailboxItems(app, alias, 'inbox')).find((m) => m.props[UID] === booking.uid);
    assert.ok(invite, `${alias} got the invitation`);
    return String(invite.props[TEXT] ?? '');
  }

  test('an organizer without a choice: the organisation default, not the booker’s language', async () => {
    const text = await bookFor('alice', '10:00', 'bob@example.com');
    assert.equal(text.trim(), HU_LINE);
    assert.doesNotMatch(text, new RegExp(EN_LINE));
  });

  test('an organizer who chose a language: theirs', async () => {
    const text = await bookFor('bob', '12:00', 'alice@example.com');
    assert.equal(text.trim(), EN_LINE);
  });
});
