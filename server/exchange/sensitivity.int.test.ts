// Private bookings reach Exchange marked private (PR_SENSITIVITY 2, written as http://schemas.microsoft.com/exchange/sensitivity) on the organizer's item, the room's
// booking and the attendees' requests; a booking made public again goes back to 0.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { createExchangeGateway, type Meeting } from './index.ts';
import { useTestEmulator } from './fixtures/test-emulator.ts';
import { makeMeeting } from './fixtures/meetings.ts';
import { createMeeting, updateMeeting } from './testing/composites.ts';

const SENSITIVITY = 'http://schemas.microsoft.com/mapi/proptag/x00360003';
const suite = useTestEmulator();

function meeting(over: Partial<Meeting>): Meeting {
  const day = DateTime.now().setZone('Europe/London').plus({ days: 9 }).startOf('day');
  return makeMeeting({
    uid: `rb-private-${Date.now()}-${Math.random().toString(36).slice(2)}@roombook`,
    start: day.set({ hour: 10 }),
    end: day.set({ hour: 11 }),
    ...over,
  });
}

describe('private meetings', () => {
  for (const route of ['owa', 'webdav'] as const)
    test(`${route} route: a private meeting is sensitivity 2 in the organizer’s calendar and in the attendee’s request; public again is 0`, async () => {
      const gw = createExchangeGateway(
        { url: suite.url, auth: 'basic', username: 'booking-svc', password: 'demo', meetingRoute: route },
        pino({ level: 'silent' }),
      );
      const m = meeting({ private: true });
      const ref = await createMeeting(gw, m);
      const [own] = await suite.ctl.messages('alice', 'calendar', m.uid);
      assert.equal(String(own!.props[SENSITIVITY]), '2');
      const [request] = await suite.ctl.messages('bob', 'inbox', m.uid);
      assert.equal(String(request!.props[SENSITIVITY]), '2');
      await updateMeeting(gw, ref, { ...m, private: false, sequence: 1 });
      const [after] = await suite.ctl.messages('alice', 'calendar', m.uid);
      assert.equal(String(after!.props[SENSITIVITY]), '0');
      await gw.close();
    });
});
