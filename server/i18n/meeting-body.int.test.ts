// Issue 17: every meeting the app writes into Exchange says "Booked with Roombook" in its organizer's language, read
// here from an attendee's inbox in the emulator: alice (English) books and changes a single meeting, eszter (who chose
// Hungarian) books a weekly series. The organizer's typed body stays first and is escaped in the HTML body.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { findBooking } from '../bookings/repo.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { aRoom, aUser, demoPeople } from '../test/factories.ts';
import { CATALOGS } from './catalog.ts';

const UID = 'urn:schemas:calendar:uid';
const TEXT = 'urn:schemas:httpmail:textdescription';
const HTML = 'urn:schemas:httpmail:htmldescription';
const CLASS = 'http://schemas.microsoft.com/exchange/outlookmessageclass';
const EN_LINE = CATALOGS.en['meeting.booked_with']!;
const HU_LINE = CATALOGS.hu['meeting.booked_with']!;

interface Item {
  id: string;
  props: Record<string, string | string[]>;
}

describe('"Booked with Roombook" in meeting bodies', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let eszter: TestBrowser;
  const rooms = new Map<string, string>();

  const items = async (alias: string, folder: string): Promise<Item[]> =>
    (await (await fetch(`${app.emulator!.url}/_emulator/mailboxes/${alias}/items?folder=${folder}`)).json()) as Item[];
  const requestsFor = async (alias: string, uid: string) =>
    (await items(alias, 'inbox')).filter((i) => i.props[UID] === uid && i.props[CLASS] === 'IPM.Schedule.Meeting.Request');
  /** The message's plain-text body: the DAV property, else the MIME's text part (series messages are MIME). */
  async function textOf(alias: string, item: Item): Promise<string> {
    const prop = item.props[TEXT];
    if (typeof prop === 'string' && prop) return prop;
    const mime = ((await (await fetch(`${app.emulator!.url}/_emulator/mailboxes/${alias}/items/${item.id}`)).json()) as { mime: string }).mime;
    const part = /Content-Type: text\/plain[^\r\n]*\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+)/i.exec(mime);
    assert.ok(part, 'the message has a text part');
    return Buffer.from(part[1]!.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  const formKey = async (b: TestBrowser, roomId: string, date: string) =>
    /name="idempotencyKey" value="([^"]+)"/.exec(await (await b.get(`/bookings/new?roomId=${roomId}&date=${date}&start=10:00&end=11:00`)).text())![1]!;
  const idOf = (res: Response) => Number(/\/bookings\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    await demoPeople(app.ctx);
    await aUser(app.ctx, { username: 'eszter', displayName: 'Kovács Eszter' });
    rooms.set('trent', String(aRoom(app.ctx, { alias: 'trent', name: 'Trent', timeZone: 'Europe/London', capacity: 8 }).id));
    rooms.set('duna', String(aRoom(app.ctx, { alias: 'duna', name: 'Duna', building: 'Duna Ház', timeZone: 'Europe/Budapest', capacity: 8 }).id));
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    eszter = new TestBrowser(app.url);
    await eszter.signIn('eszter');
    // eszter chooses Hungarian (saved on her account): her meetings are written in Hungarian.
    assert.equal((await eszter.post('/locale', { locale: 'hu', returnTo: '/' })).status, 303);
  });
  after(() => app.close());

  test('an English organizer: the line in English after the escaped body, on create and on a change', async () => {
    const date = DateTime.now().setZone('Europe/London').plus({ days: 2 }).toFormat('yyyy-MM-dd');
    const form = {
      roomId: rooms.get('trent')!,
      date,
      start: '10:00',
      end: '11:00',
      subject: 'Budget',
      description: 'Agenda <b> & "numbers"',
      required: 'bob@example.com',
      optional: '',
    };
    // alice chose no language and her browser asks for none: DEFAULT_LOCALE (en) is hers.
    const created = await alice.post('/bookings', { ...form, idempotencyKey: await formKey(alice, rooms.get('trent')!, date) });
    assert.equal(created.status, 303);
    await app.worker.drain();
    const booking = findBooking(app.ctx.db, idOf(created))!;
    assert.equal(booking.state, 'booked');
    const [invite] = await requestsFor('bob', booking.uid);
    assert.ok(invite, 'bob got the invitation');
    assert.equal(await textOf('bob', invite), `Agenda <b> & "numbers"\n\n${EN_LINE}`);
    const html = String(invite.props[HTML] ?? '');
    assert.match(html, /Agenda &lt;b&gt; &amp; &quot;numbers&quot;<br><br>Booked with Roombook/);
    assert.doesNotMatch(html, /<b>/);

    assert.equal((await alice.post(`/bookings/${booking.id}`, { ...form, start: '12:00', end: '13:00' })).status, 303);
    await app.worker.drain();
    const update = (await requestsFor('bob', booking.uid)).find((i) => Number(i.props['urn:schemas:calendar:sequence']) >= 1);
    assert.ok(update, 'bob got the update');
    const text = await textOf('bob', update);
    assert.equal(text.split(EN_LINE).length - 1, 1, 'the line is written once, not once per version');
    assert.ok(text.endsWith(EN_LINE));
  });

  test('a Hungarian organizer: a series says it in Hungarian in the attendee inbox', async () => {
    let first = DateTime.now().setZone('Europe/Budapest').plus({ days: 2 }).startOf('day');
    while (first.weekday !== 2) first = first.plus({ days: 1 });
    const date = first.toFormat('yyyy-MM-dd');
    const res = await eszter.post('/bookings', {
      roomId: rooms.get('duna')!,
      date,
      start: '10:00',
      end: '11:00',
      subject: 'Heti megbeszélés',
      description: 'Napirend',
      required: 'bob@example.com',
      optional: '',
      idempotencyKey: await formKey(eszter, rooms.get('duna')!, date),
      repeat: 'weekly',
      repeatDays: 'TU',
      repeatEnd: 'count',
      repeatCount: '3',
    });
    assert.equal(res.status, 303);
    await app.worker.drain();
    const booking = findBooking(app.ctx.db, idOf(res))!;
    const invites = (await items('bob', 'inbox')).filter((i) => String(i.props['urn:schemas:httpmail:subject'] ?? '').includes('Heti megbeszélés'));
    assert.equal(invites.length, 1, `one series invitation (booking ${booking.id} is ${booking.state})`);
    const text = await textOf('bob', invites[0]!);
    assert.equal(text.trim(), `Napirend\n\n${HU_LINE}`);
    assert.doesNotMatch(text, new RegExp(EN_LINE));
  });
});
