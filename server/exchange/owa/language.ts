// The Accept-Language header of the OWA commands we send (Cmd=sendappt, Cmd=getcancel, Cmd=freebusy). OWA words
// what it writes on the user's behalf (a cancellation's "Canceled:" prefix, the free/busy aggregate's name) in the
// language the browser asks for; the original ASP.NET project sent `hu` for its Hungarian users (DSZ). We send the
// organizer's language, as that user's own browser would have: the BCP-47 tag lower-cased (IE 6 sent `hu`, `en-us`).

/** The tag in canonical form (`hu`, `en-GB`), or null when it is no BCP-47 language tag. */
export function canonicalLanguage(tag: string): string | null {
  // A header value must never carry anything but a tag: no list, no quality, no line break.
  if (!/^[A-Za-z0-9-]{1,35}$/.test(tag)) return null;
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/** The header value for a language (already validated); a tag that is not one falls back to the default. */
export function acceptLanguage(language: string | undefined, defaultLanguage: string): string {
  const tag = (language !== undefined ? canonicalLanguage(language) : null) ?? canonicalLanguage(defaultLanguage) ?? 'en';
  return tag.toLowerCase();
}
