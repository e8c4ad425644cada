// The request's language, without threading it through every service call: a request runs inside
// runInLocale(locale, …) (middleware.ts), and code that builds user-visible text calls t(). Outside a request
// (the outbox worker, the reconciler, unit tests) the language is English unless the caller says otherwise with
// runInLocale or tFor: e.g. a meeting body is written in its organizer's language, not the viewer's.
import { AsyncLocalStorage } from 'node:async_hooks';
import { translate, type Locale, type MessageValues } from './catalog.ts';

// The scope also carries the organisation's language (DEFAULT_LOCALE): text written in an organizer's language falls
// back to it, not to the request's, when the organizer chose none (someone else, e.g. reception, may be booking).
interface LocaleScope {
  locale: Locale;
  organisation: Locale;
}
const store = new AsyncLocalStorage<LocaleScope>();

/** Runs fn in `locale`; `organisation` (DEFAULT_LOCALE) is kept from the enclosing scope when not given. */
export function runInLocale<T>(locale: Locale, fn: () => T, organisation?: Locale): T {
  return store.run({ locale, organisation: organisation ?? store.getStore()?.organisation ?? 'en' }, fn);
}

export const currentLocale = (): Locale => store.getStore()?.locale ?? 'en';

/** The organisation's language (DEFAULT_LOCALE) as the enclosing request or job set it; English outside any. */
export const organisationLocale = (): Locale => store.getStore()?.organisation ?? 'en';

/** The message in the current request's language. */
export const t = (key: string, values?: MessageValues): string => translate(currentLocale(), key, values);

/** The message in a given language (organizer-facing text written outside any request). */
export const tFor = (locale: Locale, key: string, values?: MessageValues): string => translate(locale, key, values);
