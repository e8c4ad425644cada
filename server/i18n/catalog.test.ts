import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { CATALOGS, LOCALES, translate } from './catalog.ts';
import { runInLocale, t, tFor } from './context.ts';
import { formatDate, formatTimeRange } from './format.ts';
import { acceptedLanguages, chooseLocale, fromAcceptLanguage } from './negotiate.ts';

test('both catalogs have the same keys (a key in one language and not the other fails)', () => {
  const en = Object.keys(CATALOGS.en);
  const hu = Object.keys(CATALOGS.hu);
  assert.deepEqual(
    en.filter((k) => !(k in CATALOGS.hu)),
    [],
    'missing in hu.json',
  );
  assert.deepEqual(
    hu.filter((k) => !(k in CATALOGS.en)),
    [],
    'missing in en.json',
  );
  for (const k of en) assert.notEqual(CATALOGS.hu[k]!.trim(), '', `hu.json: ${k} is empty`);
});

/** The argument names a message uses, in ICU's own parse (so a typo in a placeholder is caught). */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) into.add(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      into.add(e.value);
      for (const o of Object.values(e.options)) argumentsOf(o.value, into);
    }
    if (e.type === TYPE.tag) argumentsOf(e.children, into);
  }
  return into;
}

test('every message is valid ICU and both languages use the same placeholders', () => {
  for (const key of Object.keys(CATALOGS.en)) {
    const args = LOCALES.map((l) => [...argumentsOf(parse(CATALOGS[l][key]!, { ignoreTag: true }))].sort());
    assert.deepEqual(args[1], args[0], `${key}: hu uses ${args[1]!.join(',')} but en uses ${args[0]!.join(',')}`);
  }
});

test('plural forms for 0, 1, 2 and 5: English inflects the noun, Hungarian keeps it singular after a numeral', () => {
  const rooms = (l: 'en' | 'hu') => [0, 1, 2, 5].map((count) => translate(l, 'rooms.count', { count }));
  assert.deepEqual(rooms('en'), ['0 rooms', '1 room', '2 rooms', '5 rooms']);
  assert.deepEqual(rooms('hu'), ['0 terem', '1 terem', '2 terem', '5 terem']);
  const free = (l: 'en' | 'hu') => [0, 1, 2, 5].map((count) => translate(l, 'find.results', { count }));
  assert.deepEqual(free('en'), ['0 free rooms', '1 free room', '2 free rooms', '5 free rooms']);
  assert.deepEqual(free('hu'), ['0 szabad terem', '1 szabad terem', '2 szabad terem', '5 szabad terem']);
  const people = (l: 'en' | 'hu') => [0, 1, 2, 5].map((count) => translate(l, 'room.people', { count }));
  assert.deepEqual(people('en'), ['0 people', '1 person', '2 people', '5 people']);
  assert.deepEqual(people('hu'), ['0 fő', '1 fő', '2 fő', '5 fő']);
  const fields = (l: 'en' | 'hu') => [1, 2].map((count) => translate(l, 'form.correct_fields', { count }));
  assert.deepEqual(fields('en'), ['Please correct the field marked below.', 'Please correct the 2 fields marked below.']);
  assert.deepEqual(fields('hu'), ['Javítsa az alább megjelölt mezőt.', 'Javítsa az alább megjelölt 2 mezőt.']);
});

test('select messages pick their branch in both languages', () => {
  assert.equal(translate('en', 'schedule.no_match', { search: 'yes' }), 'No room matches these filters and search.');
  assert.equal(translate('hu', 'schedule.no_match', { search: 'no' }), 'Egy terem sem felel meg a szűrőknek.');
});

test('t() follows the request’s language; tFor() names one; outside a request it is English', () => {
  assert.equal(t('nav.find'), 'Find a room');
  assert.equal(
    runInLocale('hu', () => t('nav.find')),
    'Teremkeresés',
  );
  assert.equal(tFor('hu', 'nav.bookings'), 'Foglalásaim');
  assert.equal(translate('hu', 'no.such.key'), 'no.such.key');
});

test('Hungarian dates: year first, abbreviated month with a dot, weekday last, 24-hour times', () => {
  const d = DateTime.fromISO('2026-12-03T13:05', { zone: 'Europe/Budapest' });
  assert.equal(formatDate(d, 'day', 'hu'), '2026. dec. 3., csütörtök');
  assert.equal(formatDate(d, 'date', 'hu'), '2026. dec. 3.');
  assert.equal(formatDate(d, 'dateLong', 'hu'), '2026. december 3., csütörtök');
  assert.equal(formatDate(d, 'dateTime', 'hu'), '2026. dec. 3. 13:05');
  assert.equal(formatTimeRange(d, d.plus({ hours: 1 }), 'hu'), '13:05–14:05');
  assert.equal(formatDate(d.set({ hour: 9 }), 'time', 'hu'), '09:05');
  // English keeps the app's British forms, which the English tests and people already read.
  assert.equal(formatDate(d, 'day', 'en'), 'Thu 3 Dec 2026');
  assert.equal(formatDate(d, 'dateTime', 'en'), '3 Dec 2026, 13:05');
  assert.equal(
    runInLocale('hu', () => formatDate(d, 'weekday')),
    'csütörtök',
  );
});

test('language choice: saved preference > cookie > Accept-Language > default', () => {
  assert.deepEqual(acceptedLanguages('de;q=0.5, hu-HU, en;q=0.8, fr;q=0'), ['hu-hu', 'en', 'de']);
  assert.equal(fromAcceptLanguage('hu-HU,hu;q=0.9,en;q=0.8'), 'hu');
  assert.equal(fromAcceptLanguage('de-DE, fr'), undefined);
  assert.equal(fromAcceptLanguage('de, en-GB;q=0.5'), 'en');
  assert.equal(chooseLocale({ acceptLanguage: 'hu', fallback: 'en' }), 'hu');
  assert.equal(chooseLocale({ saved: 'en', cookie: 'hu', acceptLanguage: 'hu', fallback: 'hu' }), 'en');
  assert.equal(chooseLocale({ saved: null, cookie: 'hu', acceptLanguage: 'en', fallback: 'en' }), 'hu');
  assert.equal(chooseLocale({ cookie: 'xx', acceptLanguage: 'de', fallback: 'hu' }), 'hu');
});

test('a stored failure reason reads in each reader’s language (references nest; old plain text stays as it was)', async () => {
  const { readStored, storedMessage } = await import('./stored.ts');
  const { employeeReasonRef } = await import('../sync/words.ts');
  const stored = storedMessage('booking.failed', { kind: 'send', reason: employeeReasonRef(new Error('bug')) });
  assert.match(readStored(stored, 'en'), /^Sending failed: The booking could not be sent to Exchange because of an internal error/);
  assert.match(readStored(stored, 'hu'), /^A küldés nem sikerült: A foglalást belső hiba miatt nem sikerült elküldeni/);
  assert.equal(readStored('Sending failed: an old reason', 'hu'), 'Sending failed: an old reason');
});
