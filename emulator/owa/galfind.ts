// Cmd=galfind (search the global address list by AN/DN/FN/LN/EM): XML <item> elements with DN, FN, LN, AN,
// EM, … which DavMail reads keyed by AN (§5, §17.6). Cmd=gallookup (one entry by ADDR=<smtp>, §15): the
// detail shape DavMail reads, <person> elements keyed by <alias> with first/last/office/… children.
import type { MailboxConfig } from '../org.ts';
import type { RequestContext } from '../http/context.ts';
import { send } from '../http/respond.ts';
import { writeXml, type XNode } from '../http/xml-write.ts';

const WM = 'WM';

function entry(m: MailboxConfig, org: string): XNode {
  const [first, ...rest] = m.displayName.split(' ');
  const field = (local: string, text: string): XNode => ({ ns: WM, local, text });
  return {
    ns: WM,
    local: 'item',
    children: [
      field('DN', m.displayName),
      field('FN', m.kind === 'room' ? '' : (first ?? '')),
      field('LN', m.kind === 'room' ? '' : rest.join(' ')),
      field('AN', m.alias),
      field('EM', m.smtp),
      field('CP', org),
      field('OFFICE', m.kind === 'room' ? m.displayName : ''),
      field('TL', ''),
      field('PH', ''),
    ],
  };
}

function searchOf(ctx: RequestContext): (m: MailboxConfig) => boolean {
  const q = (name: string): string | undefined => {
    for (const [k, v] of ctx.url.searchParams) if (k.toUpperCase() === name) return v.toLowerCase();
    return undefined;
  };
  const an = q('AN');
  const dn = q('DN');
  const fn = q('FN');
  const ln = q('LN');
  const em = q('EM') ?? q('ADDR');
  return (m) => {
    const [first = '', ...rest] = m.displayName.toLowerCase().split(' ');
    if (an !== undefined && !m.alias.toLowerCase().startsWith(an)) return false;
    if (dn !== undefined && !m.displayName.toLowerCase().includes(dn)) return false;
    if (fn !== undefined && !first.startsWith(fn)) return false;
    if (ln !== undefined && !rest.join(' ').startsWith(ln)) return false;
    if (em !== undefined && !m.smtp.toLowerCase().startsWith(em.replace(/^smtp:/, ''))) return false;
    return an !== undefined || dn !== undefined || fn !== undefined || ln !== undefined || em !== undefined;
  };
}

export function handleGalfind(ctx: RequestContext): void {
  const { org } = ctx.state;
  const hits = org.mailboxes.filter(searchOf(ctx)).slice(0, 100);
  const xml = writeXml({ ns: WM, local: 'response', children: hits.map((m) => entry(m, org.name)) }, [[WM, 'a']]);
  send(ctx.res, 200, xml, 'text/xml');
}

function person(m: MailboxConfig, org: string): XNode {
  const [first, ...rest] = m.displayName.split(' ');
  const field = (local: string, text: string): XNode => ({ ns: WM, local, text });
  const room = m.kind === 'room';
  return {
    ns: WM,
    local: 'person',
    children: [
      field('alias', m.alias),
      field('displayname', m.displayName),
      field('email', m.smtp),
      field('first', room ? '' : (first ?? '')),
      field('initials', room ? '' : [first, ...rest].map((w) => w?.[0] ?? '').join('')),
      field('last', room ? '' : rest.join(' ')),
      field('title', ''),
      field('company', org),
      field('department', ''),
      field('office', room ? m.displayName : ''),
      field('phone', ''),
      field('mobile', ''),
      field('street', ''),
      field('city', ''),
      field('state', ''),
      field('zip', ''),
      field('country', ''),
    ],
  };
}

/** `?Cmd=gallookup&ADDR=<smtp>`: the one entry with that address (or alias), or an empty response. */
export function handleGallookup(ctx: RequestContext): void {
  const { org } = ctx.state;
  const addr =
    [...ctx.url.searchParams]
      .find(([k]) => k.toUpperCase() === 'ADDR')?.[1]
      ?.trim()
      .replace(/^smtp:/i, '')
      .toLowerCase() ?? '';
  const hits = addr ? org.mailboxes.filter((m) => m.smtp.toLowerCase() === addr || m.alias.toLowerCase() === addr) : [];
  const xml = writeXml({ ns: WM, local: 'response', children: hits.map((m) => person(m, org.name)) }, [[WM, 'a']]);
  send(ctx.res, 200, xml, 'text/xml');
}
