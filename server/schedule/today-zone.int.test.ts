// Which "today" the reception day view opens on when the rooms are in several zones: the zone most rooms are in.
// At 23:30 UTC in winter it is still today in London and already tomorrow in Budapest; the Budapest office's building
// sorts first, and the first room's zone used to decide (the e2e front-desk test failed in that hour every night).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import type { Clock } from '../context.ts';
import { demoPeople, someRooms } from '../test/factories.ts';
import { startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';

const london = DateTime.now().setZone('Europe/London').plus({ days: 3 }).set({ hour: 23, minute: 30 });

describe('the day view opens on the date of the zone most rooms are in', () => {
  let app: TestApp;
  const clock: Clock = { now: () => london.toUTC() };

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' }, clock);
    await demoPeople(app.ctx);
    someRooms(app.ctx, {
      duna: { building: 'Duna Ház', timeZone: 'Europe/Budapest' },
      trent: { building: 'Harbour House' },
      avon: { building: 'Harbour House' },
    });
  });
  after(() => app.close());

  test("London's date with two London rooms and one in Budapest, whichever building comes first", async () => {
    assert.notEqual(london.setZone('Europe/Budapest').toISODate(), london.toISODate(), 'the hour in which the two dates differ');
    const rita = new TestBrowser(app.url);
    await rita.signIn('rita');
    const html = await (await rita.get('/schedule')).text();
    assert.match(html, new RegExp(`<h1[^>]*>${london.toFormat('cccc d LLLL yyyy')}</h1>`));
    // One building alone: its own zone's date.
    const duna = await (await rita.get('/schedule?building=Duna+H%C3%A1z')).text();
    assert.match(duna, new RegExp(`<h1[^>]*>${london.setZone('Europe/Budapest').toFormat('cccc d LLLL yyyy')}</h1>`));
  });
});
