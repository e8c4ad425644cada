import { expect, test } from '@playwright/test';
import { DateTime } from 'luxon';
import { signIn } from './helpers.ts';

test.use({ javaScriptEnabled: false });

test('without JavaScript a person can sign in, find a room, book it and see it in My bookings', async ({ page }) => {
  const date = DateTime.now().setZone('Europe/London').plus({ days: 2 }).toFormat('yyyy-MM-dd');
  const subject = `No-JS stand-up ${Date.now()}`;
  await signIn(page, 'bob');
  await page.goto(`/find?date=${date}&start=08:00&end=08:30&people=2&building=Harbour+House`);
  await page
    .locator('.room-option')
    .first()
    .getByRole('link', { name: /^Book / })
    .click();
  await page.getByLabel('Subject').fill(subject);
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await expect(page.getByRole('heading', { name: subject })).toBeVisible();
  // The page refreshes itself with a meta refresh while Exchange works: no script needed.
  await expect(page.locator('.state')).toHaveText('Booked', { timeout: 20_000 });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My bookings' }).click();
  await expect(page.getByRole('link', { name: subject })).toBeVisible();
});
