import { expect, test } from '@playwright/test';
import { DateTime } from 'luxon';
import { addFault, bookInOutlook, clearFaults, meetingMessages } from './emulator.ts';
import { expectNoSeriousA11yViolations, signIn } from './helpers.ts';

// Two days ahead at noon: the other specs book tomorrow, so Dee and its replacements are free here.
const ZONE = 'Europe/London';
const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).set({ hour: 12, minute: 0, second: 0, millisecond: 0 });

test.afterEach(async () => {
  await clearFaults();
});

test('alice books Dee, the room declines (booked in Outlook meanwhile); she takes one of three replacements and bob gets the update', async ({ page }) => {
  const subject = `Quarterly plan ${Date.now()}`;
  await signIn(page, 'alice');
  await page.goto('/bookings/new');
  await page.getByLabel('Room').selectOption({ label: 'Dee (8) · Harbour House, floor 2 · United Kingdom Time' });
  await page.getByLabel('Date').fill(day.toFormat('yyyy-MM-dd'));
  await page.getByLabel('Start').fill('12:00');
  await page.getByLabel('End').fill('13:00');
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Required', { exact: true }).fill('bob@example.com');
  // Exchange is slow to take alice's item this time; meanwhile someone books Dee in Outlook, so the room declines.
  await addFault({ kind: 'latency', latencyMs: 3000, method: 'PROPPATCH', path: '/exchange/alice/', count: 1 });
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await expect(page.locator('.state')).toHaveText('Sending to Exchange');
  await bookInOutlook('dee', 'Held in Outlook', day, day.plus({ hours: 1 }));

  // The page notices the decline by itself (booking-status.js) and offers three rooms, same floor first.
  await expect(page.locator('.state')).toHaveText('Declined by the room', { timeout: 30_000 });
  const offer = page.getByRole('alert').filter({ hasText: 'The room declined: take another room' });
  await expect(offer).toBeVisible();
  await expect(offer.locator('li strong')).toHaveText(['Cam', 'Severn', 'Thames']);
  await expectNoSeriousA11yViolations(page);
  const uid = (await meetingMessages('bob', 'inbox', subject))[0]!.uid;
  const deeBefore = (await meetingMessages('dee', 'inbox', subject)).length;

  await offer.getByRole('button', { name: 'Move the meeting to Severn' }).click();
  await expect(page.getByText('The meeting is moving to Severn. Everyone invited gets the update; Dee gets nothing more.')).toBeVisible();
  await expect(page.locator('.facts')).toContainText('Severn');
  await expect(page.locator('.state')).toHaveText('Booked', { timeout: 20_000 });
  await expect(page.getByText(/Room: Accepted/)).toBeVisible({ timeout: 15_000 });
  await expect
    .poll(
      async () =>
        (await meetingMessages('bob', 'inbox', subject)).filter((m) => m.uid === uid && m.kind === 'IPM.Schedule.Meeting.Request' && m.sequence >= 1).length,
    )
    .toBe(1);
  expect((await meetingMessages('severn', 'calendar', subject)).length).toBe(1);
  expect((await meetingMessages('dee', 'inbox', subject)).length, 'the declined room gets nothing more').toBe(deeBefore);
});
