// Dates, times and numbers in the reader's language (issue 17). English keeps the British forms the app has always
// shown ("Thu 3 Dec 2026", 24-hour "13:00"); Hungarian uses CLDR's forms through Intl ("2026. dec. 3., csütörtök",
// 24-hour). Templates and presenters call these, never luxon's toFormat for text a person reads.
import { DateTime } from 'luxon';
import type { Locale } from './catalog.ts';
import { currentLocale } from './context.ts';

type Style = 'day' | 'dayShort' | 'date' | 'dateLong' | 'dateTime' | 'time' | 'weekday' | 'weekdayShort' | 'weekdayDay' | 'weekdayDate' | 'monthDay';

// English: luxon format tokens (British order, 24-hour). Hungarian: Intl options (CLDR order and punctuation).
const EN: Record<Style, string> = {
  day: 'ccc d LLL yyyy', // Thu 3 Dec 2026
  dayShort: 'ccc d LLL', // Thu 3 Dec
  date: 'd LLL yyyy', // 3 Dec 2026
  dateLong: 'cccc d LLLL yyyy', // Thursday 3 December 2026
  dateTime: 'd LLL yyyy, HH:mm', // 3 Dec 2026, 13:00
  time: 'HH:mm',
  weekday: 'cccc',
  weekdayShort: 'ccc', // Thu
  weekdayDay: 'cccc d', // Thursday 3
  weekdayDate: 'cccc d LLLL', // Thursday 3 December
  monthDay: 'd LLLL yyyy', // 3 December 2026
};

const HU: Record<Style, Intl.DateTimeFormatOptions> = {
  day: { year: 'numeric', month: 'short', day: 'numeric', weekday: 'long' }, // 2026. dec. 3., csütörtök
  dayShort: { month: 'short', day: 'numeric', weekday: 'short' }, // dec. 3., Cs
  date: { year: 'numeric', month: 'short', day: 'numeric' }, // 2026. dec. 3.
  dateLong: { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }, // 2026. december 3., csütörtök
  dateTime: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  weekday: { weekday: 'long' },
  weekdayShort: { weekday: 'short' }, // Cs
  weekdayDay: { day: 'numeric', weekday: 'long' }, // 3., csütörtök
  weekdayDate: { month: 'long', day: 'numeric', weekday: 'long' }, // december 3., csütörtök
  monthDay: { year: 'numeric', month: 'long', day: 'numeric' }, // 2026. december 3.
};

/** A luxon DateTime as text in a style, in its own zone. */
export function formatDate(t: DateTime, style: Style, locale: Locale = currentLocale()): string {
  if (!t.isValid) return '—';
  if (locale === 'en') return t.setLocale('en-GB').toFormat(EN[style]);
  return t.setLocale('hu').toLocaleString(HU[style]);
}

/** An ISO instant shown in a zone. */
export function formatInstant(iso: string | null | undefined, zone: string, style: Style, locale: Locale = currentLocale()): string {
  if (!iso) return '—';
  return formatDate(DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone), style, locale);
}

/** "10:00–11:00" (both locales use 24-hour times and an en dash). */
export const formatTimeRange = (start: DateTime, end: DateTime, locale: Locale = currentLocale()): string =>
  `${formatDate(start, 'time', locale)}–${formatDate(end, 'time', locale)}`;

const NUMBER_LOCALE: Record<Locale, string> = { en: 'en-GB', hu: 'hu' };
// Number formats are costly to build and reports format thousands of cells: one per language and style.
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${locale}|${key}`;
  let f = numberFormats.get(id);
  if (!f) numberFormats.set(id, (f = new Intl.NumberFormat(NUMBER_LOCALE[locale], options)));
  return f;
}

export const formatNumber = (n: number, locale: Locale = currentLocale()): string => numberFormat(locale, 'n', {}).format(n);

/**
 * A number with fixed decimals through Intl: English "5,460.0", Hungarian "5460,0" and "15 460,0" (CLDR: a decimal
 * comma, and a space between thousands only from five digits on).
 */
export const formatDecimal = (n: number, digits: number, locale: Locale = currentLocale()): string =>
  numberFormat(locale, `d${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);

/**
 * A percentage given as 0–100 (at most one decimal shown): English "8.1 %" (the app's form, a space before the sign),
 * Hungarian "8,1%" (CLDR's percent pattern, no space). Whole numbers show no decimals: "100 %", "100%".
 */
export function formatPercent(pct: number, locale: Locale = currentLocale()): string {
  if (locale === 'en') return `${numberFormat(locale, 'p', { maximumFractionDigits: 1 }).format(pct)} %`;
  // Intl's percent style multiplies by 100; rounding to one decimal first keeps 8.1 from showing as 8,099999%.
  return numberFormat(locale, 'p', { style: 'percent', maximumFractionDigits: 1 }).format(Math.round(pct * 10) / 1000);
}

/**
 * A zone as people read it, in the reader's language (issue 17): CLDR's generic name through Intl, "Central European
 * Time" / "közép-európai idő" for Europe/Budapest, "United Kingdom Time" / "Egyesült Királyság idő" for Europe/London.
 * Zones without a generic name (UTC answers "GMT+00:00") take the long name ("Coordinated Universal Time"); a zone Intl
 * does not know stays its id. Forms keep the id as their value; only the text people read uses this.
 */
export function zoneLabel(zone: string, at: DateTime = DateTime.utc(), locale: Locale = currentLocale()): string {
  const key = `${locale}\u0000${zone}`;
  const known = zoneNames.get(key);
  if (known !== undefined) return known;
  const name = (style: 'longGeneric' | 'long') => {
    try {
      return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'hu', { timeZone: zone, timeZoneName: style })
        .formatToParts(at.toJSDate())
        .find((p) => p.type === 'timeZoneName')?.value;
    } catch {
      return undefined; // RangeError: a zone Intl does not know
    }
  };
  const generic = name('longGeneric');
  const label = generic && !/^GMT/.test(generic) ? generic : (name('long') ?? zone.replace(/_/g, ' '));
  // Generic names do not change with the date, so one per language and zone is kept (a few dozen at most).
  if (generic && !/^GMT/.test(generic)) zoneNames.set(key, label);
  return label;
}
const zoneNames = new Map<string, string>();

/** The example shown next to date and time inputs, in the format the text uses. */
// A fixed instant, so each is one string per language: kept, since every page's locals offered them (issue 13: the
// two luxon formats were the largest part of a cached page's per-request cost).
const EXAMPLE = DateTime.fromISO('2026-12-03T13:00', { zone: 'utc' });
const examples = new Map<string, string>();
const example = (kind: 'date' | 'time', locale: Locale): string => {
  const key = `${kind}|${locale}`;
  let text = examples.get(key);
  if (text === undefined) examples.set(key, (text = formatDate(EXAMPLE, kind, locale)));
  return text;
};
export const dateExample = (locale: Locale = currentLocale()): string => example('date', locale);
export const timeExample = (locale: Locale = currentLocale()): string => example('time', locale);
