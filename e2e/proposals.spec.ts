import { expect, test, type Page } from '@playwright/test';
import { DateTime } from 'luxon';
import { emulatorUrl, meetingMessages } from './emulator.ts';
import { expectNoSeriousA11yViolations, signIn } from './helpers.ts';

// Four days ahead: the other specs book tomorrow and the day after, so Tees is free at 10:00 and 15:00 here.
const ZONE = 'Europe/London';
const day = DateTime.now().setZone(ZONE).plus({ days: 4 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });

/** The admin's "Read room calendars now" (the reconciler otherwise reads answers once a minute). */
async function reconcile(admin: Page): Promise<void> {
  await admin.goto('/admin/sync');
  await admin.getByRole('button', { name: 'Read room calendars now' }).click();
}

test('bob proposes another time in Outlook; alice sees it on Home and takes it in one click, and Exchange moves the meeting', async ({ page, browser }) => {
  const subject = `Roadmap review ${Date.now()}`;
  await signIn(page, 'alice');
  await page.goto('/bookings/new');
  const room = page.getByLabel('Room');
  const tees = await room.locator('option', { hasText: /^Tees \(/ }).getAttribute('value');
  await room.selectOption(tees!);
  await page.getByLabel('Date').fill(day.toFormat('yyyy-MM-dd'));
  await page.getByLabel('Start').fill('10:00');
  await page.getByLabel('End').fill('11:00');
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Required', { exact: true }).fill('bob@example.com');
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await expect(page.locator('.state')).toHaveText('Booked', { timeout: 30_000 });

  // Bob's Outlook: "Propose New Time" 15:00–16:00 on his copy of the request (the emulator's control API).
  await expect.poll(async () => (await meetingMessages('bob', 'inbox', subject)).length).toBe(1);
  const uid = (await meetingMessages('bob', 'inbox', subject))[0]!.uid;
  const proposed = day.set({ hour: 15 });
  const res = await fetch(`${emulatorUrl}/_emulator/mailboxes/bob/respond`, {
    method: 'POST',
    body: JSON.stringify({ uid, response: 'tentative', proposedStart: proposed.toUTC().toISO(), proposedEnd: proposed.plus({ hours: 1 }).toUTC().toISO() }),
  });
  expect(res.status).toBe(200);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, 'adam');
  const line = page.getByRole('listitem').filter({ hasText: `Bob Baker proposed` }).filter({ hasText: subject });
  await expect
    .poll(async () => {
      await reconcile(admin);
      await page.goto('/');
      return line.count();
    })
    .toBe(1);
  await adminContext.close();
  await expect(page.getByRole('heading', { name: 'Needs your action' })).toBeVisible();
  await expect(line).toContainText('15:00–16:00');
  await expectNoSeriousA11yViolations(page);

  await line.getByRole('button', { name: 'Use this time' }).click();
  await expect(page.getByText('The booking now has the proposed time. Exchange and the attendees get the update.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(subject);
  await expect(page.locator('.facts')).toContainText('15:00–16:00');
  await expect(page.locator('.state')).toHaveText('Booked', { timeout: 30_000 });
  await expectNoSeriousA11yViolations(page);
  // Exchange has it: bob gets the updated request for 15:00, and Tees holds the meeting at the new time.
  await expect
    .poll(async () =>
      (await meetingMessages('bob', 'inbox', subject)).some(
        (m) => m.uid === uid && m.kind === 'IPM.Schedule.Meeting.Request' && m.start === proposed.toUTC().toISO(),
      ),
    )
    .toBe(true);
  await expect.poll(async () => (await meetingMessages('tees', 'calendar', subject)).map((m) => m.start)).toEqual([proposed.toUTC().toISO()]);
  await page.goto('/');
  await expect(page.getByText('Bob Baker proposed')).toHaveCount(0);
});
