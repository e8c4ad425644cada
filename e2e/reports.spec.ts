import { expect, test } from '@playwright/test';
import { DateTime } from 'luxon';
import { expectNoSeriousA11yViolations, signIn } from './helpers.ts';

// Issue 15: the utilisation report in a browser. rita (reception) opens a month of the demo organisation's bookings:
// the summary, the charts (server-drawn SVG with a title and a table beside each) and the CSV link; axe finds no
// serious violation.
test('the report for a month: summary, charts with their tables, CSV; axe clean', async ({ page }) => {
  await signIn(page, 'rita');
  const to = DateTime.now().toISODate()!;
  const from = DateTime.now().minus({ days: 29 }).toISODate()!;
  await page.goto(`/reports?from=${from}&to=${to}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Utilisation report' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Summary' })).toBeVisible();
  // The summary's term (the tables repeat it as a column heading once check-in is recorded somewhere).
  await expect(page.locator('.report-summary dt', { hasText: 'Released hours rebooked' })).toBeVisible();
  // Each chart is an image with a name, and its numbers are in a table beside it.
  const charts = page.locator('svg[role="img"]');
  expect(await charts.count()).toBeGreaterThan(0);
  await expect(charts.first().locator('title').first()).not.toBeEmpty();
  await expect(page.getByRole('heading', { name: 'Peak hours' })).toBeVisible();
  await expect(page.locator('#heat-table')).toBeVisible();
  const csv = page.getByRole('link', { name: 'Download CSV' });
  const href = await csv.getAttribute('href');
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(await res.text()).toMatch(/^level,/m);
  await expectNoSeriousA11yViolations(page);
});
