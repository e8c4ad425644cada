// OWA form bodies: `application/x-www-UTF8-encoded` (name=value lines, raw UTF-8, §15) or ordinary
// `application/x-www-form-urlencoded` (DavMail's Cmd=saveappt).
import type { RequestContext } from '../http/context.ts';

export class OwaForm {
  constructor(readonly fields: [string, string][]) {}

  get(name: string): string | undefined {
    const key = name.toLowerCase();
    return this.fields.find(([k]) => k.toLowerCase() === key)?.[1];
  }

  /** Fields whose names are full property URIs (urn:schemas:…, http://schemas.microsoft.com/…). */
  propertyFields(): [string, string][] {
    return this.fields
      .filter(([k]) => /^(urn:schemas:|http:\/\/schemas\.microsoft\.com\/|schemas\.microsoft\.com\/|DAV:)/i.test(k))
      .map(([k, v]) => [k.startsWith('schemas.microsoft.com/') ? `http://${k}` : k, v]);
  }
}

export function parseOwaForm(ctx: RequestContext): OwaForm {
  const type = (ctx.req.headers['content-type'] ?? '').toLowerCase();
  const text = ctx.body.toString('utf8');
  if (type.includes('x-www-utf8-encoded')) {
    const fields: [string, string][] = [];
    for (const line of text.split(/\r?\n/)) {
      if (!line) continue;
      const i = line.indexOf('=');
      if (i <= 0) continue;
      fields.push([line.slice(0, i), line.slice(i + 1)]);
    }
    return new OwaForm(fields);
  }
  return new OwaForm([...new URLSearchParams(text).entries()]);
}
