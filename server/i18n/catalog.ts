// Message catalogs (locales/<locale>.json) formatted with FormatJS intl-messageformat.
//
// Why intl-messageformat and not i18next: the issue asks for ICU plural and select rules (Hungarian and English
// plurals differ). intl-messageformat *is* the ICU MessageFormat implementation (FormatJS, the one i18next-icu and
// react-intl wrap), with the CLDR plural rules of the runtime's Intl. i18next's own plural syntax is not ICU, and its
// ICU plugin (i18next-icu 2.4) cannot construct intl-messageformat when loaded as an ES module under Node (tried:
// "IntlMessageFormat is not a constructor"), so we use the formatter directly. The catalogs are flat JSON
// (key → ICU message), which every translation tool reads.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat, type PrimitiveType } from 'intl-messageformat';

export const LOCALES = ['en', 'hu'] as const;
export type Locale = (typeof LOCALES)[number];
export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (LOCALES as readonly string[]).includes(v);

/** Each language's own name, for the language switch (never translated: a reader looks for their own). */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', hu: 'Magyar' };

export type MessageValues = Record<string, PrimitiveType>;

const catalogFile = (locale: Locale) => fileURLToPath(new URL(`../../locales/${locale}.json`, import.meta.url));

function loadCatalog(locale: Locale): Record<string, string> {
  const parsed: unknown = JSON.parse(readFileSync(catalogFile(locale), 'utf8'));
  if (!parsed || typeof parsed !== 'object') throw new Error(`locales/${locale}.json is not an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw new Error(`locales/${locale}.json: ${k} is not a string`);
    out[k] = v;
  }
  return out;
}

/** Loaded once at start-up; a catalog that does not parse stops the app rather than showing keys. */
export const CATALOGS: Record<Locale, Record<string, string>> = { en: loadCatalog('en'), hu: loadCatalog('hu') };

// Compiled messages per locale: parsing an ICU message costs far more than formatting one.
const compiled: Record<Locale, Map<string, IntlMessageFormat>> = { en: new Map(), hu: new Map() };

function compiledMessage(locale: Locale, key: string): IntlMessageFormat | undefined {
  let m = compiled[locale].get(key);
  if (m) return m;
  const source = CATALOGS[locale][key];
  if (source === undefined) return undefined;
  // ignoreTag: messages are plain text; markup stays in the templates (EJS escapes every message it prints).
  m = new IntlMessageFormat(source, locale, undefined, { ignoreTag: true });
  compiled[locale].set(key, m);
  return m;
}

/**
 * The message for key in locale. A key missing in that locale falls back to English (the completeness test keeps
 * that from happening); one missing everywhere shows the key itself, which the catalog tests also catch.
 */
export function translate(locale: Locale, key: string, values?: MessageValues): string {
  const m = compiledMessage(locale, key) ?? compiledMessage('en', key);
  if (!m) return key;
  try {
    const out = m.format(values);
    return typeof out === 'string' ? out : String(out);
  } catch {
    // A value the message needs was not passed (a bug the tests should catch): show the message, never a 500 page.
    return CATALOGS[locale][key] ?? CATALOGS.en[key] ?? key;
  }
}

export const hasMessage = (key: string): boolean => key in CATALOGS.en;
