import { expect, test } from '@playwright/test';
import { signIn, signOut } from './helpers.ts';

test('a wrong password is refused and the user name stays in the form', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('User name').fill('alice');
  await page.getByLabel('Password').fill('not-her-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The user name or password is incorrect.');
  await expect(page.getByLabel('User name')).toHaveValue('alice');
  await expect(page.getByLabel('Password')).toHaveValue('');
});

test('alice signs in, sees who she is and what an employee may do, then signs out', async ({ page }) => {
  await signIn(page, 'alice');
  await expect(page.getByRole('heading', { name: 'Welcome, Alice Anderson' })).toBeVisible();
  await expect(page.locator('.facts')).toContainText('Employee');
  await expect(page.getByText('Find a free room and book it')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Manage rooms' })).toHaveCount(0);
  await signOut(page);
  await page.goto('/rooms');
  await expect(page).toHaveURL(/\/login$/);
});
