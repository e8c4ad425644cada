// Issue 17 for a Hungarian employee in a Hungarian browser (Chromium with locale hu-HU, so Accept-Language: hu-HU):
// eszter (demo data: Hungarian saved on her account, working in Europe/Budapest) signs in, finds the Hungarian room
// Duna, books and cancels it, every page in Hungarian; her Exchange mailbox is Hungarian too (the item lands in her
// "Naptár", read through the emulator). What the pages say is checked against locales/hu.json itself, not against a
// list typed here: every visible line, once the catalog's words and the data (people, rooms, equipment, the subject
// typed, dates and zone names from Intl) are taken out, must have no letters left. axe finds nothing serious with lang="hu".
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { expect, test, type Page } from '@playwright/test';
import { DateTime } from 'luxon';
import { items, meetingMessages } from './emulator.ts';
import { expectNoSeriousA11yViolations } from './helpers.ts';

const read = (path: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8'));
const hu = read('../locales/hu.json') as Record<string, string>;
const demo = read('../db/seed/demo-data.json') as {
  users: { username: string; displayName: string; locale?: string; timeZone?: string }[];
  equipment: { label: string }[];
  rooms: { name: string; building: string; alias: string; timeZone: string }[];
};
// The Hungarian person and room of the demo data (the spec fails here if the demo data loses them).
const eszter = demo.users.find((u) => u.username === 'eszter' && u.locale === 'hu')!;
const duna = demo.rooms.find((r) => r.alias === 'duna')!;

/** The literal words of every Hungarian message (placeholders, plural and select arms taken apart). */
function literals(elements: MessageFormatElement[], out: string[]): string[] {
  for (const e of elements) {
    if (e.type === TYPE.literal) out.push(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) for (const o of Object.values(e.options)) literals(o.value, out);
  }
  return out;
}
// The phrases, and each word of them (a phrase's edge may touch a number: "1. emelet").
const phrases = Object.values(hu).flatMap((m) => literals(parse(m, { ignoreTag: true }), []));
const catalogWords = [...new Set([...phrases.map((s) => s.trim()), ...phrases.flatMap((s) => s.match(/[\p{L}][\p{L}'’-]*/gu) ?? [])])].filter((s) =>
  /\p{L}/u.test(s),
);

const ZONE = duna.timeZone;
const day = DateTime.now().setZone(ZONE).plus({ days: 2 });
const date = day.toFormat('yyyy-MM-dd');

/** Month, weekday and time-zone names as Intl writes them in Hungarian (Intl's forms, not the catalog's). */
function intlWords(): string[] {
  const words: string[] = ['UTC'];
  // Zones are shown by name ("közép-európai idő"), the names the server takes from Intl for the rooms' zones.
  for (const zone of new Set([...demo.rooms.map((r) => r.timeZone), 'UTC'])) {
    const parts = new Intl.DateTimeFormat('hu', { timeZone: zone, timeZoneName: 'longGeneric' }).formatToParts(new Date());
    words.push(parts.find((p) => p.type === 'timeZoneName')!.value);
  }
  for (let m = 0; m < 12; m++) {
    const d = new Date(Date.UTC(2026, m, 15));
    for (const month of ['short', 'long'] as const) words.push(new Intl.DateTimeFormat('hu', { month, timeZone: 'UTC' }).format(d));
  }
  for (let i = 0; i < 7; i++) {
    const d = new Date(Date.UTC(2026, 10, 30 + i));
    for (const weekday of ['short', 'long'] as const) words.push(new Intl.DateTimeFormat('hu', { weekday, timeZone: 'UTC' }).format(d));
  }
  return words;
}

/** Lines of the page that still hold letters once catalog words and data are removed (should be none). */
async function textOutsideCatalog(page: Page, data: string[]): Promise<string[]> {
  const lines = (await page.locator('body').innerText())
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // Meeting subjects are data too (other specs' bookings may show on the day): they are the links to a booking page.
  const subjects = (await page.locator('a[href^="/bookings/"]').allInnerTexts()).map((s) => s.trim()).filter((s) => s && !catalogWords.includes(s));
  // Longest first, so a phrase goes before a word inside it; only whole words are taken out.
  const known = [...catalogWords, ...data, ...subjects, ...intlWords(), 'English', 'Magyar'].sort((a, b) => b.length - a.length);
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns = known.map((k) => new RegExp(`(?<![\\p{L}\\p{N}])${escape(k)}(?![\\p{L}\\p{N}])`, 'gu'));
  return lines.filter((line) => {
    // Zone ids (Europe/London) and e-mail addresses are data.
    let rest = line.replace(/[A-Z][A-Za-z]+\/[A-Za-z_]+/g, ' ').replace(/[^\s<>()]+@[^\s<>()]+/g, ' ');
    for (const p of patterns) rest = rest.replace(p, ' ');
    return /\p{L}/u.test(rest);
  });
}

test.use({ locale: 'hu-HU', timezoneId: 'Europe/Budapest' });

test('eszter, in a Hungarian browser, signs in, finds, books and cancels Duna — all in Hungarian, into her Naptár', async ({ page }) => {
  const subject = `Tervezés ${Date.now()}`;
  const data = [
    ...demo.users.flatMap((u) => [u.displayName, u.username]),
    ...demo.equipment.map((e) => e.label),
    ...demo.rooms.flatMap((r) => [r.name, r.building]),
    subject,
    'Roombook',
    'Exchange',
    'Outlook',
    'Microsoft',
  ];
  const allHungarian = async () => {
    await expect(page.locator('html')).toHaveAttribute('lang', 'hu');
    expect(await textOutsideCatalog(page, data)).toEqual([]);
  };

  await page.goto('/login');
  await allHungarian();
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel(hu['home.username']!).fill(eszter.username);
  await page.getByLabel(hu['login.password']!).fill('demo');
  await page.getByRole('button', { name: hu['login.title']!, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(hu['home.welcome']!.replace('{name}', eszter.displayName));
  // Rooms other specs created in the shared app (admin's Kennet) are data too: read their names from the room list.
  const roomList = await (await page.request.get('/rooms')).text();
  for (const m of roomList.matchAll(/<h2><a href="\/rooms\/\d+">([^<]+)<\/a><\/h2>/g)) data.push(m[1]!.replace(/&amp;/g, '&'));
  await allHungarian();

  await page.getByRole('navigation', { name: hu['nav.main']! }).getByRole('link', { name: hu['nav.find']! }).click();
  await page.getByLabel(hu['field.date']!).fill(date);
  await page.getByLabel(hu['field.start']!).fill('11:00');
  await page.getByLabel(hu['field.end']!).fill('12:00');
  await page.getByLabel(hu['find.people']!).fill('4');
  await page.getByLabel(hu['field.building']!).selectOption(duna.building);
  await page.getByRole('button', { name: hu['find.submit']! }).click();
  await expect(page.getByRole('heading', { name: /^\d+ szabad terem$/ })).toBeVisible({ timeout: 15_000 });
  await allHungarian();
  await expectNoSeriousA11yViolations(page);

  const first = page.locator('.room-option').first();
  expect((await first.locator('h3').innerText()).split(' ·')[0]!.trim()).toBe(duna.name);
  await first.getByRole('link', { name: /foglalása: 11:00–12:00$/ }).click();
  await expect(page.getByLabel(hu['displays.col.room']!, { exact: true })).toHaveValue(/\d+/);
  await allHungarian();
  await page.getByLabel(hu['field.subject']!).fill(subject);
  await page.getByLabel(hu['booking.role.required']!, { exact: true }).fill('bob@example.com');
  await page.getByRole('button', { name: hu['booking.form.book']!, exact: true }).click();

  await expect(page.locator('.state')).toHaveText(hu['booking.state.booked']!, { timeout: 20_000 });
  await expect(page.getByText(`${hu['booking.room_answer']} ${hu['booking.response.accepted']}`)).toBeVisible({ timeout: 15_000 });
  // The booking's day in Hungarian form: "2026. dec. 3., csütörtök", 24-hour times.
  const huDay = day.setLocale('hu').toLocaleString({ year: 'numeric', month: 'short', day: 'numeric', weekday: 'long' });
  await expect(page.locator('.facts')).toContainText(`${huDay}, 11:00–12:00`);
  await allHungarian();
  await expectNoSeriousA11yViolations(page);
  const invitations = await meetingMessages('bob', 'inbox', subject);
  expect(invitations.map((m) => m.kind)).toEqual(['IPM.Schedule.Meeting.Request']);
  // eszter's own copy is in her Hungarian calendar folder, and Duna's calendar holds the meeting.
  const inNaptar = async () =>
    // The control API gives an item's folder as its path of folder names.
    ((await items(eszter.username, 'calendar')) as { folder?: string[]; props: Record<string, string> }[])
      .filter((i) => (i.props['urn:schemas:httpmail:subject'] ?? '').includes(subject))
      .map((i) => (i.folder ?? []).join('/'));
  expect(await inNaptar()).toEqual(['Naptár']);
  expect((await meetingMessages(duna.alias, 'calendar', subject)).length).toBe(1);

  await page.getByRole('link', { name: hu['booking.cancel_booking']! }).click();
  await allHungarian();
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel(hu['booking.cancel.message']!).fill('Elnézést, elmarad.');
  await page.getByRole('button', { name: hu['booking.cancel.confirm']! }).click();
  await expect(page.locator('.state')).toHaveText(hu['booking.state.cancelled']!, { timeout: 20_000 });
  await allHungarian();
  await expect.poll(async () => (await meetingMessages('bob', 'inbox', subject)).some((m) => m.kind === 'IPM.Schedule.Meeting.Canceled')).toBe(true);
  expect((await meetingMessages(duna.alias, 'calendar', subject)).length).toBe(0);
  await expect.poll(async () => (await inNaptar()).length).toBe(0);

  await page.getByRole('navigation', { name: hu['nav.main']! }).getByRole('link', { name: hu['nav.bookings']! }).click();
  await allHungarian();
});
