import { expect, test, type Page } from '@playwright/test';
import { DateTime } from 'luxon';
import { addFault, bookInOutlook, clearFaults, meetingMessages } from './emulator.ts';
import { expectNoSeriousA11yViolations, signIn } from './helpers.ts';

const ZONE = 'Europe/London';
const tomorrow = DateTime.now().setZone(ZONE).plus({ days: 1 });
const date = tomorrow.toFormat('yyyy-MM-dd');
const at = (hhmm: string) => DateTime.fromISO(`${date}T${hhmm}`, { zone: ZONE }).toUTC().toISO();

test.afterEach(async () => {
  await clearFaults();
});

async function findRooms(page: Page, start: string, end: string, people: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Find a room' }).click();
  await page.getByLabel('Date').fill(date);
  await page.getByLabel('Start').fill(start);
  await page.getByLabel('End').fill(end);
  await page.getByLabel('People').fill(people);
  await page.getByRole('button', { name: 'Find free rooms' }).click();
}

test('alice books a room for tomorrow with bob, moves it, cancels it; Exchange follows every step', async ({ page }) => {
  const subject = `Design review ${Date.now()}`;
  await signIn(page, 'alice');
  await findRooms(page, '10:00', '11:00', '6');
  await expect(page.getByRole('heading', { name: /free rooms?$/ })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  const first = page.locator('.room-option').first();
  const roomName = (await first.locator('h3').innerText()).split(' ·')[0]!.trim();
  await first.getByRole('link', { name: /^Book / }).click();

  await expect(page.getByLabel('Room')).toHaveValue(/\d+/);
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Required', { exact: true }).fill('bob@example.com');
  // Exchange answers slowly this time, so the booking is visibly on its way first.
  await addFault({ kind: 'latency', latencyMs: 2500, method: 'PROPPATCH', path: '/exchange/alice/', count: 1 });
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await expect(page.locator('.state')).toHaveText('Sending to Exchange');
  await expectNoSeriousA11yViolations(page);
  await expect(page.locator('.state')).toHaveText('Booked', { timeout: 20_000 });
  await expect(page.getByText(/Room: Accepted/)).toBeVisible({ timeout: 15_000 });

  const invitations = await meetingMessages('bob', 'inbox', subject);
  expect(invitations.map((m) => m.kind)).toEqual(['IPM.Schedule.Meeting.Request']);
  expect(invitations[0]!.start).toBe(at('10:00'));
  const uid = invitations[0]!.uid;

  await page.getByRole('link', { name: 'Change' }).click();
  await page.getByLabel('Start').fill('14:00');
  await page.getByLabel('End').fill('15:00');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('.state')).toHaveText('Booked', { timeout: 20_000 });
  await expect(page.locator('.facts')).toContainText('14:00–15:00');
  await expect
    .poll(async () => (await meetingMessages('bob', 'inbox', subject)).filter((m) => m.uid === uid && m.sequence >= 1 && m.start === at('14:00')).length)
    .toBe(1);

  await page.getByRole('link', { name: 'Cancel booking' }).click();
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel('Message to attendees (optional)').fill('Moved online, sorry.');
  await page.getByRole('button', { name: 'Cancel the booking' }).click();
  await expect(page.locator('.state')).toHaveText('Cancelled', { timeout: 20_000 });
  await expect.poll(async () => (await meetingMessages('bob', 'inbox', subject)).some((m) => m.kind === 'IPM.Schedule.Meeting.Canceled')).toBe(true);
  const alias = roomName.toLowerCase();
  expect((await meetingMessages(alias, 'calendar', subject)).length).toBe(0);
});

test('the booking page shows the room’s answer without a reload (time from "Book" to "Room: Accepted" measured)', async ({ page }) => {
  await signIn(page, 'alice');
  const timings: number[] = [];
  for (const [start, end] of [
    ['16:00', '16:30'],
    ['16:30', '17:00'],
    ['17:00', '17:30'],
  ] as const) {
    await findRooms(page, start, end, '2');
    // Wye is reception.spec's room (its 17:00 booking): take the best fit that is not Wye.
    await page
      .locator('.room-option')
      .filter({ hasNotText: 'Wye' })
      .first()
      .getByRole('link', { name: /^Book / })
      .click();
    await expect(page.getByLabel('Room')).toHaveValue(/\d+/);
    await page.getByLabel('Subject').fill(`Live status ${start} ${Date.now()}`);
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await expect(page.locator('#booking-status')).toBeVisible();
    // A marker on the window survives in-place updates and is lost by a reload.
    await page.evaluate(() => Object.assign(window, { roombookNoReload: true }));
    await expect(page.getByText(/Room: Accepted/)).toBeVisible({ timeout: 30_000 });
    timings.push(Date.now() - clicked);
    expect(await page.evaluate(() => (window as unknown as { roombookNoReload?: boolean }).roombookNoReload)).toBe(true);
    await expect(page.locator('.state')).toHaveText('Booked');
    await expect(page.getByText(/Room’s calendar: checked \d+ s ago/)).toBeVisible();
  }
  timings.sort((a, b) => a - b);
  // Reported, not asserted (no timed assertions in tests): the issue asks for the median.
  test.info().annotations.push({ type: 'book-to-accepted-ms', description: `median ${timings[1]} ms of ${timings.join(', ')}` });
  console.log(`Book → Room: Accepted: median ${timings[1]} ms (${timings.join(', ')} ms)`);
});

test('two people race for the same room and slot: one books it, the other is told and offered others', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
  await signIn(a!, 'alice');
  await signIn(b!, 'bob');
  const url = `/bookings/new?roomId=9&date=${date}&start=16:00&end=17:00`;
  for (const [page, who] of [
    [a!, 'alice'],
    [b!, 'bob'],
  ] as const) {
    await page.goto(url);
    await page.getByLabel('Subject').fill(`Race ${who}`);
  }
  await Promise.all([a!.getByRole('button', { name: 'Book', exact: true }).click(), b!.getByRole('button', { name: 'Book', exact: true }).click()]);
  const outcomes = await Promise.all(
    [a!, b!].map(async (p) => {
      // Either the new booking's page (with its state) or the form again with the "taken" alert.
      await p.locator('.state, #form-error').first().waitFor();
      return (await p.getByText(/was just taken for that time/).count()) > 0 ? 'taken' : 'booked';
    }),
  );
  expect([...outcomes].sort()).toEqual(['booked', 'taken']);
  const loser = outcomes[0] === 'taken' ? a! : b!;
  await expect(loser.getByRole('heading', { name: 'Free at that time' })).toBeVisible();
  await expect(loser.locator('.suggestions li').first()).toBeVisible();
  await Promise.all(contexts.map((c) => c.close()));
});

test('a room booked directly in Exchange is not offered for that slot', async ({ page }) => {
  await bookInOutlook('tyne', 'Board meeting (Outlook)', DateTime.fromISO(`${date}T12:00`, { zone: ZONE }), DateTime.fromISO(`${date}T13:00`, { zone: ZONE }));
  await signIn(page, 'alice');
  await findRooms(page, '12:00', '13:00', '18');
  // Tyne (20 seats) is the only room for 18 people; it is busy in Exchange, so none is free.
  await expect(page.getByRole('heading', { name: '0 free rooms' })).toBeVisible();
  await expect(page.locator('.room-option')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Free at other times that day' })).toBeVisible();
});

test.describe('a reader in another time zone', () => {
  test.use({ timezoneId: 'America/New_York' });

  test('sees the room-zone time converted to their own zone on the booking form', async ({ page }) => {
    await signIn(page, 'bob');
    await page.goto(`/bookings/new?roomId=1&date=${date}&start=10:00&end=11:00`);
    // The reader's zone by name, not id (issue 17).
    await expect(page.getByText(/in your time zone \(Eastern Time\)/)).toBeVisible();
    // 10:00 in London is 05:00 in New York for most of the year (04:00 or 06:00 around the DST changes).
    await expect(page.getByText(/That is .*0[456]:00/)).toBeVisible();
  });
});
