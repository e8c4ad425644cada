import { expect, test } from '@playwright/test';
import { DateTime } from 'luxon';
import { expectNoSeriousA11yViolations, signIn, signOut } from './helpers.ts';

// Self-contained: alice's booking is made here, on a room the other specs leave alone (Wye), tomorrow.
// Fake clock for the door display: the app honours `?now=` on device pages when NODE_ENV is not production (the
// e2e server runs in development mode); the page's own ticking clock is switched off when `now` is faked.
const ZONE = 'Europe/London';
const day = DateTime.now().setZone(ZONE).plus({ days: 1 });
const date = day.toFormat('yyyy-MM-dd');
const at = (hhmm: string) => DateTime.fromISO(`${date}T${hhmm}`, { zone: ZONE }).toUTC().toISO()!;
const SUBJECT = `Quarterly planning ${Date.now()}`;

test("rita runs the front desk: sees alice's booking, books a gap for bob, prints; the door display shows busy, then free", async ({ page }) => {
  // alice books Wye tomorrow 12:00–13:00 through the booking form.
  await signIn(page, 'alice');
  await page.goto('/rooms');
  const wyeId = /\/rooms\/(\d+)/.exec((await page.getByRole('link', { name: 'Wye', exact: true }).getAttribute('href'))!)![1]!;
  await page.goto(`/bookings/new?roomId=${wyeId}&date=${date}&start=12:00&end=13:00`);
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel('Subject').fill(SUBJECT);
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await expect(page.locator('.state')).toBeVisible();
  const schedule = await page.goto('/schedule');
  expect(schedule?.status()).toBe(403);
  await page.goto('/');
  await signOut(page);

  // rita opens today's schedule, then goes to tomorrow.
  await signIn(page, 'rita');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(DateTime.now().setZone(ZONE).toFormat('cccc d LLLL yyyy'));
  await page.getByRole('link', { name: 'Next day →' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(day.toFormat('cccc d LLLL yyyy'));

  const row = page.locator(`#room-${wyeId}`);
  const block = row.locator('a.b', { hasText: SUBJECT });
  await expect(block).toContainText('12:00–13:00');
  await expect(block).toContainText('Alice Anderson');
  // At the right place: the block starts where the 12:00 column starts (the grid begins at 07:00, five-minute columns).
  await expect(block).toHaveClass(/ s-61 n-12$/);
  const building = page.locator('section.building', { has: row });
  const label = building.locator('.tl-head .hr', { hasText: '12:00' });
  const [blockBox, labelBox] = [await block.boundingBox(), await label.boundingBox()];
  expect(Math.abs(blockBox!.x - labelBox!.x)).toBeLessThan(4);
  await expectNoSeriousA11yViolations(page);

  // Search finds it by organizer.
  await page.getByLabel('Organizer or subject').fill('alice anderson');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByText(/meetings? match “alice anderson”/)).toBeVisible();
  await expect(row.locator('a.b.hit', { hasText: SUBJECT })).toBeVisible();

  // The block opens the booking's details; back on the schedule, book the gap after it for bob.
  await block.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(SUBJECT);
  await expect(page.locator('.facts')).toContainText('12:00–13:00');
  await page.goBack();
  await page.getByRole('link', { name: 'Clear' }).click();
  await page.getByRole('link', { name: 'Next day →' }).click();
  await row.getByRole('link', { name: /Book Wye 13:00–14:00$/ }).click();
  await expect(page.getByLabel('Start')).toHaveValue('13:00');
  await expect(page.getByLabel('End')).toHaveValue('14:00');
  await page.getByLabel('Organizer').selectOption({ label: 'Bob Baker (bob@example.com)' });
  await page.getByLabel('Subject').fill('Visitor: Acme interview');
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await expect(page.locator('.facts')).toContainText('Bob Baker');
  await page.goto(`/schedule?date=${date}`);
  await expect(row.locator('a.b', { hasText: 'Visitor: Acme interview' })).toContainText('Bob Baker');

  // The print view renders, one building per page, and the gaps and controls drop out on paper.
  await page.getByRole('link', { name: 'Print view' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Rooms on');
  // One page per demo building: Harbour House, Spreehaus Berlin and Duna Ház.
  await expect(page.locator('section.building')).toHaveCount(3);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('a.g').first()).toBeHidden();
  await expect(page.locator('a.b', { hasText: SUBJECT })).toBeVisible();
  const pdf = await page.pdf({ preferCSSPageSize: true });
  expect(pdf.byteLength).toBeGreaterThan(10_000);
  await page.emulateMedia({ media: 'screen' });
  await page.getByRole('link', { name: 'Back to the schedule' }).click();
  await signOut(page);

  // adam creates a display token for Wye; the door shows busy during alice's meeting and free after the last one.
  await signIn(page, 'adam');
  await page.goto('/admin/displays');
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Wye door');
  await page.getByLabel(/Wye \(Harbour House\)/).check();
  await page.getByLabel('Show meeting subjects and organizers').check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const displayUrl = (await page.getByRole('link', { name: 'Display for Wye' }).getAttribute('href'))!;
  await signOut(page);

  await page.goto(`${displayUrl}&now=${encodeURIComponent(at('12:30'))}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wye');
  await expect(page.locator('.status')).toHaveClass(/busy/);
  await expect(page.locator('.status .word')).toHaveText('Busy');
  // Bob's visitor follows alice's meeting without a break, so the room is busy until 14:00.
  await expect(page.locator('.status .until')).toHaveText('until 14:00');
  await expect(page.locator('.status .meeting')).toContainText(SUBJECT);
  await expect(page.locator('#clock')).toHaveText('12:30');
  await expectNoSeriousA11yViolations(page);

  await page.goto(`${displayUrl}&now=${encodeURIComponent(at('14:30'))}`);
  await expect(page.locator('.status .word')).toHaveText('Free');
  await expect(page.locator('.status')).toHaveClass(/free/);
  await expectNoSeriousA11yViolations(page);
});

test('the schedule refreshes itself in place: a new booking appears without a reload and the scroll position stays', async ({ page, browser }) => {
  // Playwright's clock drives the page's 30-second refresh timer; the server keeps its real clock.
  await page.clock.install();
  await signIn(page, 'rita');
  await page.goto(`/schedule?date=${date}`);
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
  await page.evaluate(() => window.scrollTo(0, 400));

  const other = await browser.newContext();
  const alice = await other.newPage();
  await signIn(alice, 'alice');
  await alice.goto('/rooms');
  const wyeId = /\/rooms\/(\d+)/.exec((await alice.getByRole('link', { name: 'Wye', exact: true }).getAttribute('href'))!)![1]!;
  await alice.goto(`/bookings/new?roomId=${wyeId}&date=${date}&start=17:00&end=17:30`);
  await alice.getByLabel('Subject').fill('Late stand-up');
  await alice.getByRole('button', { name: 'Book', exact: true }).click();
  await expect(alice.locator('.state')).toBeVisible();
  await other.close();

  const block = page.locator(`#room-${wyeId} a.b`, { hasText: 'Late stand-up' });
  await expect(block).toHaveCount(0);
  await page.clock.fastForward('00:31');
  await expect(block).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
  expect(await page.evaluate(() => window.scrollY)).toBe(400);
});
