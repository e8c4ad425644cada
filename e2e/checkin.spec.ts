import { expect, test } from '@playwright/test';
import { DateTime } from 'luxon';
import { expectNoSeriousA11yViolations, signIn, signOut } from './helpers.ts';

// Issue 15: the door display acts. adam opens Exe all day (so the test runs at any hour) with check-in on, lets the
// Exe door token act with bob as the walk-in account (Exe's zone chosen so that it is day there, see ZONE); at a 1024×768 kiosk the door books now, extends, ends early,
// and checks alice's next meeting in. Actions happen on the real clock (the display's ?now= is for reading only).
test.use({ viewport: { width: 1024, height: 768 } });

// The e2e specs share one app: Exe's hours are put back afterwards, or the building's timeline would start at 00:00
// for the specs that run later (reception's block positions assume the demo hours).
let exeHours: { from: string; until: string; zone: string; editUrl: string } | null = null;

// A room's day ends at 23:59 (no meeting crosses midnight): near midnight a walk-in with its extension and a meeting
// starting in two minutes cannot exist. So Exe is put, for this spec, in a zone where it is day now (London, Tokyo or
// New York: at any instant one of them is between 04:00 and 20:00), and the spec runs at any hour.
const ZONE = ['Europe/London', 'Asia/Tokyo', 'America/New_York'].find((z) => {
  const hour = DateTime.now().setZone(z).hour;
  return hour >= 4 && hour < 20;
})!;
test.afterAll(async ({ browser }) => {
  if (!exeHours) return;
  const page = await browser.newPage();
  await signIn(page, 'adam');
  await page.goto(exeHours.editUrl);
  await page.getByLabel('Bookable from').fill(exeHours.from);
  await page.getByLabel('Bookable until').fill(exeHours.until);
  await page.getByLabel('Time zone').fill(exeHours.zone);
  await page.getByRole('button', { name: 'Save room' }).click();
  await expect(page.getByText(/saved/i).first()).toBeVisible();
  await page.close();
});

test('the door display: book now, extend, end early, check in; axe finds no serious violation', async ({ page }) => {
  await signIn(page, 'adam');
  await page.goto('/admin/rooms');
  await page.getByRole('link', { name: 'Edit Exe' }).click();
  const editUrl = page.url();
  exeHours = {
    from: await page.getByLabel('Bookable from').inputValue(),
    until: await page.getByLabel('Bookable until').inputValue(),
    zone: await page.getByLabel('Time zone').inputValue(),
    editUrl,
  };
  await page.getByLabel('Bookable from').fill('00:00');
  await page.getByLabel('Bookable until').fill('23:59');
  await page.getByLabel('Time zone').fill(ZONE);
  await page.getByRole('button', { name: 'Save room' }).click();
  await page.goto(editUrl);
  await page.getByLabel('Check-in required in this room').selectOption('yes');
  await page.getByRole('button', { name: 'Save check-in settings' }).click();
  await expect(page.getByText('Check-in settings of Exe saved.')).toBeVisible();

  await page.goto('/admin/displays');
  await page.getByLabel('Name').fill('Exe door');
  await page.getByLabel(/Exe \(Harbour House\)/).check();
  await page.getByLabel('Show meeting subjects and organizers').check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const displayUrl = (await page.getByRole('link', { name: 'Display for Exe' }).getAttribute('href'))!;
  await page.goto('/admin/displays');
  const row = page.getByRole('row', { name: /Exe door/ });
  await row.getByLabel('May act').check();
  await row.getByLabel('Walk-in account').selectOption({ label: 'Bob Baker <bob@example.com>' });
  await row.getByRole('button', { name: 'Save actions of Exe door' }).click();
  await expect(page.getByText('The display may act now.')).toBeVisible();
  await signOut(page);

  // Book now: no keyboard, big buttons.
  await page.goto(displayUrl);
  await expect(page.locator('.status .word')).toHaveText('Free');
  const book = page.getByRole('button', { name: /^\d+ min$/ }).first();
  const box = (await book.boundingBox())!;
  expect(box.height).toBeGreaterThanOrEqual(44);
  expect(box.width).toBeGreaterThanOrEqual(44);
  await expectNoSeriousA11yViolations(page);
  await book.click();
  await expect(page.getByRole('status').filter({ hasText: 'Booked. The room is yours.' })).toBeVisible();
  await expect(page.locator('.status .word')).toHaveText('Busy');
  await expect(page.locator('.status .meeting')).toContainText('Walk-in meeting');
  await expect(page.locator('.status .meeting')).toContainText('Checked in');
  await expectNoSeriousA11yViolations(page);

  // Extend by 15 minutes: the end moves on the display.
  const until = await page.locator('.status .until').textContent();
  await page.getByRole('button', { name: '+15 min' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Extended.' })).toBeVisible();
  await expect(page.locator('.status .until')).not.toHaveText(until!);

  // End early: free again.
  await page.getByRole('button', { name: 'End meeting now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Meeting ended. The room is free.' })).toBeVisible();
  await expect(page.locator('.status .word')).toHaveText('Free');

  // alice's meeting starts in two minutes: its check-in window is open, the door checks it in.
  await signIn(page, 'alice');
  const start = DateTime.now().setZone(ZONE).startOf('minute').plus({ minutes: 2 });
  await page.goto('/rooms');
  await page.getByRole('link', { name: 'Exe', exact: true }).first().click();
  const roomId = /\/rooms\/(\d+)/.exec(page.url())![1];
  await page.goto(`/bookings/new?roomId=${roomId}`);
  await page.getByLabel('Date').fill(start.toFormat('yyyy-MM-dd'));
  await page.getByLabel('Start').fill(start.toFormat('HH:mm'));
  await page.getByLabel('End').fill(start.plus({ minutes: 20 }).toFormat('HH:mm'));
  await page.getByLabel('Subject').fill('Door check-in');
  await page.getByRole('button', { name: /^Book/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Door check-in');
  await signOut(page);

  await page.goto(displayUrl);
  await page.getByRole('button', { name: 'Check in' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Checked in. The room stays yours.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Check in' })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
});
