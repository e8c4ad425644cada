// RFC 822 address lists as Exchange keeps them in `to`/`cc`/`bcc` (§6): `"Name" <addr>, addr2`.
import type { Attendee } from './gateway.ts';

// Characters that would break a quoted display name or a naive comma split are replaced, never escaped.
function safeName(name: string): string {
  return name
    .replace(/[",;<>\\\r\n\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function formatAddress(a: Attendee): string {
  const name = a.name ? safeName(a.name) : '';
  return name ? `"${name}" <${a.email}>` : a.email;
}

export function formatAddressList(list: readonly Attendee[]): string {
  return list.map(formatAddress).join(', ');
}

/** Split on commas (and semicolons) outside quotes and angle brackets. */
function splitList(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle = true;
    else if (!quoted && ch === '>') angle = false;
    if (!quoted && !angle && (ch === ',' || ch === ';')) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parseAddress(text: string): Attendee | null {
  const angled = /^(.*?)<([^<>]+)>\s*$/.exec(text);
  if (angled) {
    const name = angled[1]!
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
    const email = angled[2]!.trim().replace(/^mailto:/i, '');
    return name ? { email, name } : { email };
  }
  const bare = text
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/^smtp:/i, '');
  return bare.includes('@') ? { email: bare } : null;
}

export function parseAddressList(text: string | undefined): Attendee[] {
  if (!text) return [];
  return splitList(text)
    .map(parseAddress)
    .filter((a): a is Attendee => a !== null);
}
