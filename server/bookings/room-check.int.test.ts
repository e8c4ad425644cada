// The room check before a booking (assertExchangeFree) when the room's calendar gets no answer: a connection that
// fails at once (dropped, refused) is asked again as free/busy, which still refuses a slot booked in Outlook; a
// timeout is not (Exchange is not answering: the booking goes on from local bookings rather than wait twice).
// The calendar deciding, and free/busy after an error page, are in bookings.int.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { demoPeople, someRooms } from '../test/factories.ts';
import { plantOutlookMeeting } from '../test/outlook.ts';

const ZONE = 'Europe/London';
const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');
const at = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: ZONE });
/** The shortest the configuration allows, so a timeout costs the test well under a second. */
const TIMEOUT_MS = 600;

describe('the room check when the calendar gets no answer', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let tyne = '';
  const fault = (rule: Record<string, unknown>) =>
    fetch(`${app.emulator!.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0', EXCHANGE_TIMEOUT_MS: String(TIMEOUT_MS) });
    await demoPeople(app.ctx);
    tyne = String(someRooms(app.ctx, { tyne: { capacity: 20 } }).get('tyne')!.id);
    alice = new TestBrowser(app.url);
    await alice.signIn('alice');
    // The room's folders are looked up once, before any fault (the first booking of a room does that).
    await plantOutlookMeeting(app.emulator!.url, 'tyne', { subject: 'Booked in Outlook', start: at('14:00'), end: at('15:00') });
    assert.equal((await book('09:00', '09:30')).status, 303);
  });
  after(async () => {
    await app.close();
  });

  async function book(start: string, end: string) {
    const form = await (await alice.get(`/bookings/new?roomId=${tyne}&date=${day}&start=${start}&end=${end}`)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
    return alice.post('/bookings', {
      roomId: tyne,
      date: day,
      start,
      end,
      subject: 'Planning',
      description: '',
      required: '',
      optional: '',
      idempotencyKey: key,
    });
  }

  test('a dropped connection: free/busy is asked and refuses the slot booked in Outlook', async () => {
    await fault({ kind: 'drop', method: 'SEARCH' });
    try {
      const res = await book('14:30', '15:30');
      assert.equal(res.status, 409);
      assert.match(await res.text(), /Tyne was just taken for that time\./);
    } finally {
      await fetch(`${app.emulator!.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });

  test('a timeout: free/busy is not asked; the booking goes on from local bookings (the room declines later)', async () => {
    await fault({ kind: 'latency', method: 'SEARCH', latencyMs: TIMEOUT_MS * 4 });
    try {
      const requestsBefore = app.ctx.gateway.health().requests;
      const res = await book('14:15', '14:45');
      assert.equal(res.status, 303, 'not refused: only free/busy could have said the slot is taken');
      assert.equal(app.ctx.gateway.health().requests - requestsBefore, 1, 'the one SEARCH that timed out, no free/busy after it');
    } finally {
      await fetch(`${app.emulator!.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });
});
