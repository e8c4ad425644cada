import { isLocale, LOCALES, type Locale } from './catalog.ts';

/** Languages in an Accept-Language header, best first (q=0 dropped; ties keep the header's order). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim().toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, i };
    })
    .filter((x) => x.tag && x.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.i - b.i)
    .map((x) => x.tag);
}

/** The first supported language of an Accept-Language header ("hu-HU" → hu), or undefined. */
export function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  for (const tag of acceptedLanguages(header)) {
    const primary = tag.split('-')[0];
    if (isLocale(primary)) return primary;
    if (tag === '*') return undefined;
  }
  return undefined;
}

/** The language rule of issue 17: saved preference (account, else cookie) > Accept-Language > DEFAULT_LOCALE. */
export function chooseLocale(input: { saved?: string | null; cookie?: string; acceptLanguage?: string; fallback: Locale }): Locale {
  if (isLocale(input.saved)) return input.saved;
  if (isLocale(input.cookie)) return input.cookie;
  return fromAcceptLanguage(input.acceptLanguage) ?? input.fallback;
}

export { LOCALES };
