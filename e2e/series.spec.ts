// Recurring meetings in Chromium (issue 14): alice books a weekly meeting for 6 weeks with bob; one date clashes and
// she takes the suggested room for it; she moves one date; she cancels the series. bob's mailbox shows each step:
// one series request, one date's update (RECURRENCE-ID), one cancellation of the series. Then one date moved to
// another room and the whole series changed: still one series (one UID) in bob's mailbox.
import { expect, test } from '@playwright/test';
import { DateTime } from 'luxon';
import { bookInOutlook, items } from './emulator.ts';
import { expectNoSeriousA11yViolations, signIn } from './helpers.ts';

const ZONE = 'Europe/London';
let first = DateTime.now().setZone(ZONE).plus({ days: 2 }).startOf('day');
while (first.weekday !== 2) first = first.plus({ days: 1 });
const date = first.toFormat('yyyy-MM-dd');
const local = (d: DateTime, hhmm: string) => DateTime.fromISO(`${d.toFormat('yyyy-MM-dd')}T${hhmm}`, { zone: ZONE });

const UID = 'urn:schemas:calendar:uid';
const CLASS = 'http://schemas.microsoft.com/exchange/outlookmessageclass';
const RID = 'urn:schemas:calendar:recurrenceid';
const SUBJECT = 'urn:schemas:httpmail:subject';

async function bobsMessages(subject: string) {
  return (await items('bob', 'inbox'))
    .filter((i) => (i.props[SUBJECT] ?? '').includes(subject))
    .map((i) => ({ kind: i.props[CLASS] ?? '', uid: i.props[UID] ?? '', rid: (i.props as Record<string, string | undefined>)[RID] ?? null }));
}

test('alice books a weekly series with bob, takes the suggested room for a clash, moves a date, cancels the series', async ({ page }) => {
  const subject = `Weekly sync ${Date.now()}`;
  // The third Tuesday is taken in Mersey by a meeting booked in Outlook.
  await bookInOutlook('mersey', 'Held in Outlook', local(first.plus({ weeks: 2 }), '07:30'), local(first.plus({ weeks: 2 }), '08:00'));

  await signIn(page, 'alice');
  await page.goto('/bookings/new');
  const mersey = await page.locator('#roomId option', { hasText: 'Mersey' }).getAttribute('value');
  await page.getByLabel('Room').selectOption(mersey!);
  await page.getByLabel('Date').fill(date);
  await page.getByLabel('Start').fill('07:30');
  await page.getByLabel('End').fill('08:00');
  await page.getByLabel('Repeats', { exact: true }).selectOption('weekly');
  await page.getByLabel('Tue').check();
  await page.getByLabel('Number of times').fill('6');
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Required', { exact: true }).fill('bob@example.com');
  // The form says in words what was chosen before anything is sent.
  await expect(page.locator('#repeat-words')).toHaveText(/^Every Tuesday, 07:30–08:00 \(United Kingdom Time\), 6 times, until /);
  await page.getByRole('button', { name: 'Book', exact: true }).click();

  // The dates are checked before anything is sent: one clashes, with the nearest free room.
  await expect(page.getByRole('heading', { name: 'Check the dates' })).toBeVisible();
  await expect(page.getByText('1 of 6 dates clash')).toBeVisible();
  await expect(page.locator('.clashes li')).toContainText('free instead');
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel('Take the suggested room for those dates').check();
  await page.getByRole('button', { name: 'Book', exact: true }).click();

  await expect(page.getByRole('heading', { name: 'Series' })).toBeVisible();
  await expect(page.locator('#series')).toContainText('Every Tuesday, 07:30–08:00 (United Kingdom Time), 6 times');
  await expect(page.locator('#series tbody tr')).toHaveCount(5);
  await expect(page.locator('.state')).toHaveText('Booked', { timeout: 30_000 });
  await expectNoSeriousA11yViolations(page);
  await expect.poll(async () => (await bobsMessages(subject)).filter((m) => m.kind === 'IPM.Schedule.Meeting.Request').length, { timeout: 20_000 }).toBe(2);
  const requests = await bobsMessages(subject);
  // One request for the series, and one for the date booked in the other room (a meeting of its own).
  const seriesUid = requests.find((m) => !/-\d{8}-\d+$/.test(m.uid))!.uid;
  expect(requests.filter((m) => m.uid === seriesUid)).toHaveLength(1);

  // Move the second date to 08:00–08:30.
  await page.locator('#series tbody tr').nth(1).getByRole('link').click();
  await page.getByRole('link', { name: 'Change this date' }).click();
  await page.getByLabel('Start').fill('08:00');
  await page.getByLabel('End').fill('08:30');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('.facts')).toContainText('08:00–08:30');
  await expect(page.locator('.state')).toHaveText('Booked', { timeout: 30_000 });
  await expect.poll(async () => (await bobsMessages(subject)).filter((m) => m.uid === seriesUid && m.rid).length, { timeout: 20_000 }).toBe(1);

  // Cancel the whole series.
  await page.getByRole('button', { name: 'Cancel the whole series' }).click();
  await expect(page.locator('.state')).toHaveText('Cancelled', { timeout: 30_000 });
  await expect
    .poll(async () => (await bobsMessages(subject)).filter((m) => m.uid === seriesUid && m.kind === 'IPM.Schedule.Meeting.Canceled' && !m.rid).length, {
      timeout: 20_000,
    })
    .toBe(1);
  await expect(page.locator('#series tbody td[data-field="state"]')).toHaveText(Array(5).fill('Cancelled'));
});

test('alice moves one date of a weekly series to another room, then changes the whole series: bob sees one series throughout', async ({ page }) => {
  test.setTimeout(120_000);
  const subject = `Room moves ${Date.now()}`;
  let wednesday = first;
  while (wednesday.weekday !== 3) wednesday = wednesday.plus({ days: 1 });
  await signIn(page, 'alice');
  await page.goto('/bookings/new');
  const ouse = await page.locator('#roomId option', { hasText: /^Ouse \(/ }).getAttribute('value');
  await page.getByLabel('Room').selectOption(ouse!);
  await page.getByLabel('Date').fill(wednesday.toFormat('yyyy-MM-dd'));
  await page.getByLabel('Start').fill('07:00');
  await page.getByLabel('End').fill('07:30');
  await page.getByLabel('Repeats', { exact: true }).selectOption('weekly');
  await page.getByLabel('Wed').check();
  await page.getByLabel('Number of times').fill('4');
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Required', { exact: true }).fill('bob@example.com');
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await expect(page.locator('#series tbody tr')).toHaveCount(4);
  await expect(page.locator('.state')).toHaveText('Booked', { timeout: 30_000 });

  // The second date goes to Avon (this date only).
  await page.locator('#series tbody tr').nth(1).getByRole('link').click();
  await page.getByRole('link', { name: 'Change this date' }).click();
  const avon = await page.locator('#roomId option', { hasText: /^Avon \(/ }).getAttribute('value');
  await page.getByLabel('Room').selectOption(avon!);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('.state')).toHaveText('Booked', { timeout: 30_000 });
  await expect(page.locator('.facts')).toContainText('Avon');
  await expect(page.locator('#series tbody tr').nth(1).locator('[data-field="room"]')).toHaveText('Avon');
  await expectNoSeriousA11yViolations(page);

  // The whole series moves to 07:30–08:00: the same series, updated.
  await page.locator('#series tbody tr').nth(2).getByRole('link').click();
  await page.getByRole('link', { name: 'Change this date' }).click();
  await page.getByLabel('The whole series').check();
  await page.getByLabel('Start').fill('07:30');
  await page.getByLabel('End').fill('08:00');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('#series')).toContainText('Every Wednesday, 07:30–08:00 (United Kingdom Time), 4 times');
  await expect(page.locator('.state')).toHaveText('Booked', { timeout: 30_000 });

  // bob: the series request, the moved date's update (RECURRENCE-ID), the series' update; all one UID, nothing cancelled.
  await expect.poll(async () => (await bobsMessages(subject)).filter((m) => m.kind === 'IPM.Schedule.Meeting.Request').length, { timeout: 20_000 }).toBe(3);
  const messages = await bobsMessages(subject);
  expect(new Set(messages.map((m) => m.uid)).size).toBe(1);
  expect(messages.filter((m) => m.rid)).toHaveLength(1);
  expect(messages.filter((m) => m.kind === 'IPM.Schedule.Meeting.Canceled')).toHaveLength(0);
});
