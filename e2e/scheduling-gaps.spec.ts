// Issue 16's remaining pieces in the browser: attendees' rows on find-a-room and on the booking form, my working
// hours, and a room page with the admin's "show subjects" and floor note; desktop and a 390-px phone.
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations, signIn } from './helpers.ts';

async function noSidewaysScroll(page: Page): Promise<void> {
  const [scroll, viewport] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll).toBe(viewport);
}

// A weekday three or more days ahead: the other specs book tomorrow and the day after.
function aWeekday(): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 3);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

async function findWithAttendees(page: Page): Promise<void> {
  await page.goto(`/find?date=${aWeekday()}&start=10:00&end=11:00`);
  await page.getByLabel('Colleagues to check').fill('bob@example.com, rita@example.com');
  await page.getByRole('button', { name: 'Find free rooms' }).click();
  await expect(page.getByRole('heading', { name: 'Who is free that day' })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Alice Anderson \(alice@example\.com\):/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Bob Baker \(bob@example\.com\):/ })).toBeVisible();
}

async function formPanel(page: Page): Promise<void> {
  await page.goto(`/bookings/new?date=${aWeekday()}&start=10:00&end=11:00`);
  await page.getByLabel('Room').selectOption({ index: 1 });
  await page.getByLabel('Required', { exact: true }).fill('bob@example.com');
  await page.getByRole('button', { name: 'Show when you, the attendees and the rooms are free' }).click();
  await expect(page.getByRole('img', { name: /^Bob Baker \(bob@example\.com\):/ })).toBeVisible();
  await expect(page.locator('.form-freebusy .sched-room').first()).toBeVisible();
}

// Each test visits several pages with axe runs; on the shared two-core machine that took up to 40 s.
test.describe.configure({ timeout: 90_000 });

test.describe('at 1280 px', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('alice sees bob and rita beside the rooms on find-a-room and on the booking form; both axe clean', async ({ page }) => {
    await signIn(page, 'alice');
    await findWithAttendees(page);
    await expectNoSeriousA11yViolations(page);
    await formPanel(page);
    // Once shown, the rows follow the form: an optional attendee added is drawn without pressing the button again.
    await page.getByLabel('Optional', { exact: true }).fill('rita@example.com');
    await page.getByLabel('Optional', { exact: true }).blur();
    await expect(page.getByRole('img', { name: /^Rita Reyes \(rita@example\.com\):/ })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });

  test('alice sets her working hours and find a time shows them', async ({ page }) => {
    await signIn(page, 'alice');
    await page.getByRole('link', { name: 'Change my working hours' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'My working hours' })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.getByLabel('Time zone').fill('Europe/London');
    await page.getByLabel('Work starts').fill('08:30');
    await page.getByLabel('Work ends').fill('17:30');
    await page.getByRole('button', { name: 'Save working hours' }).click();
    await expect(page.getByText('Working hours saved.')).toBeVisible();
    await page.goto('/find-time?required=bob@example.com&duration=30');
    await expect(page.getByText(/Alice Anderson \(alice@example\.com\) · Required · Works 08:30–17:30 United Kingdom Time/)).toBeVisible();
    // Back to the defaults the other specs expect.
    await page.goto('/find-time/hours');
    await page.getByLabel('Work starts').fill('09:00');
    await page.getByLabel('Work ends').fill('17:00');
    await page.getByRole('button', { name: 'Save working hours' }).click();
    await expect(page.getByText('Working hours saved.')).toBeVisible();
  });

  test('adam gives Ouse a floor note and shows its subjects; alice reads the note on the room page', async ({ page, browser }) => {
    await signIn(page, 'adam');
    await page.goto('/admin/rooms');
    await page.getByRole('link', { name: 'Edit Ouse' }).click();
    await expect(page.getByRole('heading', { name: 'Room page' })).toBeVisible();
    await page.getByLabel('Show meeting subjects to everyone on this room’s calendar').check();
    await page.getByLabel('Directions to the room').fill('Second floor, past the kitchen');
    await page.getByRole('button', { name: 'Save the room page' }).click();
    await expect(page.getByText('Room page of Ouse saved.')).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const alice = await phone.newPage();
    await signIn(alice, 'alice');
    await alice.goto('/rooms');
    await alice.getByRole('link', { name: 'Ouse', exact: true }).click();
    await expect(alice.getByText('Finding it: Second floor, past the kitchen')).toBeVisible();
    await expect(alice.getByText(/shows the subjects of its meetings to everyone/)).toBeVisible();
    await noSidewaysScroll(alice);
    await expectNoSeriousA11yViolations(alice);
    await phone.close();
    // Back as it was.
    await page.getByLabel('Show meeting subjects to everyone on this room’s calendar').uncheck();
    await page.getByLabel('Directions to the room').fill('');
    await page.getByRole('button', { name: 'Save the room page' }).click();
    await expect(page.getByText('Room page of Ouse saved.')).toBeVisible();
  });
});

test.describe('at 390 px', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('find-a-room with attendees, the booking form’s panel and my working hours fit the phone', async ({ page }) => {
    await signIn(page, 'alice');
    await page.goto(`/find?${new URLSearchParams({ date: aWeekday(), start: '10:00', end: '11:00', attendees: 'bob@example.com, rita@example.com' })}`);
    await expect(page.getByRole('img', { name: /^Bob Baker \(bob@example\.com\):/ })).toBeAttached();
    // The search folds behind one button, so the results start within the first screen.
    const results = page.getByRole('heading', { level: 2, name: /free rooms?/ });
    await expect(results).toBeVisible();
    expect((await results.boundingBox())!.y).toBeLessThan(844);
    await expect(page.getByLabel('Colleagues to check')).toBeHidden();
    await page.getByText('Change the search').click();
    await expect(page.getByLabel('Colleagues to check')).toHaveValue('bob@example.com, rita@example.com');
    await noSidewaysScroll(page);
    await formPanel(page);
    await noSidewaysScroll(page);
    await page.goto('/find-time/hours');
    await noSidewaysScroll(page);
    await page.goto('/');
    await noSidewaysScroll(page);
  });
});
