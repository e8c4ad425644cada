// The request's language, without threading it through every service call: a request runs inside
// runInLocale(locale, …) (middleware.ts), and code that builds user-visible text calls t(). Outside a request
// (the outbox worker, the reconciler, unit tests) the language is English unless the caller says otherwise with
// runInLocale or tFor: e.g. a meeting body is written in its organizer's language, not the viewer's.
import { AsyncLocalStorage } from 'node:async_hooks';
import { translate, type Locale, type MessageValues } from './catalog.ts';

const store = new AsyncLocalStorage<Locale>();

export function runInLocale<T>(locale: Locale, fn: () => T): T {
  return store.run(locale, fn);
}

export const currentLocale = (): Locale => store.getStore() ?? 'en';

/** The message in the current request's language. */
export const t = (key: string, values?: MessageValues): string => translate(currentLocale(), key, values);

/** The message in a given language (organizer-facing text written outside any request). */
export const tFor = (locale: Locale, key: string, values?: MessageValues): string => translate(locale, key, values);
