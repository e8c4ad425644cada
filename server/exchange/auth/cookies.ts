// A minimal cookie jar for the FBA session cookies (sessionid, cadata). Values are kept as sent, quotes included.

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Apply Set-Cookie headers; an empty value or a past expiry removes the cookie (Exchange clears on 440, §3). */
  update(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expires = attributes.map((a) => a.trim()).find((a) => /^expires=/i.test(a));
      const expired = expires ? Date.parse(expires.slice(8)) < Date.now() : false;
      const maxAgeZero = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (!value || expired || maxAgeZero) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  has(predicate: (name: string) => boolean): boolean {
    return [...this.cookies.keys()].some(predicate);
  }

  clear(): void {
    this.cookies.clear();
  }

  /** The Cookie header value, or undefined when the jar is empty. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
