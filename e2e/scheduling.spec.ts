import { expect, test, type Page } from '@playwright/test';
import { meetingMessages } from './emulator.ts';
import { expectNoSeriousA11yViolations, signIn } from './helpers.ts';

async function noSidewaysScroll(page: Page): Promise<void> {
  const [scroll, viewport] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll).toBe(viewport);
}

async function findATime(page: Page, subject: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Find a time' }).click();
  await page.getByLabel('Required attendees').fill('bob@example.com');
  await page.getByLabel('Optional attendees').fill('rita@example.com');
  await page.getByLabel('Duration (minutes)').fill('30');
  await page.getByLabel('Subject').fill(subject);
  await page.getByRole('button', { name: 'Find a time' }).click();
  await expect(page.getByRole('heading', { name: 'Best times' })).toBeVisible();
}

test.describe('at 1280 px', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('alice finds a time with bob and rita over the next days and books it in one click', async ({ page }) => {
    const subject = `Planning ${Date.now()}`;
    await signIn(page, 'alice');
    await findATime(page, subject);
    // People beside rooms for the day, with their working hours.
    await expect(page.getByRole('img', { name: /^Bob Baker \(bob@example\.com\):/ })).toBeVisible();
    await expect(page.getByRole('img', { name: /^Rita Reyes \(rita@example\.com\):/ })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    const first = page.locator('.proposal').first();
    const when = await first.locator('h3').innerText();
    await first.getByRole('button', { name: /^Book / }).click();
    await expect(page.getByRole('heading', { name: subject })).toBeVisible();
    await expect.poll(async () => (await meetingMessages('bob', 'inbox', subject)).length, { timeout: 20_000 }).toBe(1);
    expect(when).toMatch(/^\w{3} \d+ \w{3}, \d\d:\d\d–\d\d:\d\d/);
  });

  test('home is my day, a room’s week and the search across days are axe clean', async ({ page }) => {
    await signIn(page, 'alice');
    await expect(page.getByRole('heading', { name: 'My next meetings' })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.goto('/find-time/rooms');
    await page.getByRole('link', { name: 'Any time this week' }).click();
    await expect(page.getByRole('heading', { name: /rooms? free/ })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.goto('/rooms');
    await page.locator('a[href^="/rooms/"]').first().click();
    await page.getByRole('navigation', { name: 'Calendar view' }).getByRole('link', { name: 'Week' }).click();
    await expect(page.locator('.week-day')).toHaveCount(7);
    await expectNoSeriousA11yViolations(page);
    // The booking form leads to people's free/busy with the attendees typed so far.
    await page.goto('/bookings/new');
    await page.getByLabel('Required', { exact: true }).fill('bob@example.com');
    await page.getByRole('link', { name: /See when these attendees and rooms are free/ }).click();
    await expect(page.getByRole('img', { name: /^Bob Baker \(bob@example\.com\):/ })).toBeVisible();
  });
});

test.describe('at 390 px', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('find a time, its results and My bookings fit the phone: cards, no sideways scrolling', async ({ page }) => {
    const subject = `Phone ${Date.now()}`;
    await signIn(page, 'alice');
    await findATime(page, subject);
    await noSidewaysScroll(page);
    await page
      .locator('.proposal')
      .first()
      .getByRole('button', { name: /^Book / })
      .click();
    await expect(page.getByRole('heading', { name: subject })).toBeVisible();
    await noSidewaysScroll(page);
    await page.goto('/bookings');
    await expect(page.locator('.booking-card').filter({ hasText: subject })).toBeVisible();
    await expect(page.locator('table')).toHaveCount(0);
    await noSidewaysScroll(page);
    await expectNoSeriousA11yViolations(page);
    for (const path of ['/', '/find-time/rooms?part=any', '/find']) {
      await page.goto(path);
      await noSidewaysScroll(page);
    }

    await page.goto('/rooms');
    await page.locator('a[href^="/rooms/"]').first().click();
    await page.getByRole('navigation', { name: 'Calendar view' }).getByRole('link', { name: 'Week' }).click();
    await noSidewaysScroll(page);
  });

  test('reception’s schedule folds its filters behind one button on a phone, the grid right under the date', async ({ page }) => {
    await signIn(page, 'rita');
    await page.goto('/schedule');
    await expect(page.getByText('Filters and search')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Show', exact: true })).toBeHidden();
    await page.getByText('Filters and search').click();
    await expect(page.getByRole('button', { name: 'Show', exact: true })).toBeVisible();
  });
});
