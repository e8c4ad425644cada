// A room's photo (issue 16): the admin uploads it on the room form; alice sees it on the room's page on a phone.
import { expect, test, type Page } from '@playwright/test';
import { SAMPLE_ROOM_JPEG, SAMPLE_SVG } from '../server/rooms/photo-samples.ts';
import { expectNoSeriousA11yViolations, signIn, signOut } from './helpers.ts';

const ALT = 'Long table for eight, a screen on the far wall';

async function trentId(page: Page): Promise<string> {
  await page.goto('/rooms');
  const href = await page.getByRole('link', { name: 'Trent', exact: true }).first().getAttribute('href');
  return /\/rooms\/(\d+)/.exec(href ?? '')![1]!;
}

test.describe('a room photo', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the admin uploads a photo (an SVG refused first); alice sees it on the room page at 390 px without sideways scroll', async ({ page }) => {
    await signIn(page, 'adam');
    const id = await trentId(page);
    await page.goto(`/admin/rooms/${id}/edit`);
    const section = page.locator('#room-photo');
    await expect(section.getByRole('heading', { name: 'Photo' })).toBeVisible();

    // An SVG is refused with the form's error, the description kept.
    await section.getByLabel('Description of the photo').fill(ALT);
    await section.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'room.svg', mimeType: 'image/svg+xml', buffer: SAMPLE_SVG });
    await section.getByRole('button', { name: 'Save the photo' }).click();
    await expect(page.getByText('This file is not a JPEG, PNG or WebP image')).toBeVisible();
    await expect(section.getByLabel('Description of the photo')).toHaveValue(ALT);
    await expectNoSeriousA11yViolations(page);

    await section.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'trent.jpg', mimeType: 'image/jpeg', buffer: SAMPLE_ROOM_JPEG });
    await section.getByRole('button', { name: 'Save the photo' }).click();
    await expect(page.getByText('The photo of Trent is saved.')).toBeVisible();
    await expect(section.getByRole('img', { name: ALT })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await signOut(page);

    await signIn(page, 'alice');
    await page.goto(`/rooms/${id}`);
    const photo = page.getByRole('img', { name: ALT });
    await photo.scrollIntoViewIfNeeded();
    await expect(photo).toBeVisible();
    await expect(photo).toHaveAttribute('loading', 'lazy');
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);
    // The 640-px photo shrinks into the phone's column: no sideways scroll.
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
    expect(widths.doc).toBe(widths.view);
    const box = (await photo.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(390);
    await expectNoSeriousA11yViolations(page);
    await signOut(page);

    // Removed again, so the other specs see Trent as before.
    await signIn(page, 'adam');
    await page.goto(`/admin/rooms/${id}/edit`);
    await page.getByRole('button', { name: 'Remove the photo' }).click();
    await expect(page.getByText('The photo of Trent is removed.')).toBeVisible();
    await expect(page.locator('#room-photo').getByRole('img')).toHaveCount(0);
  });
});
