// Writes XML the way Exchange 2003 does: prefixes a: (DAV:), b: (datatypes), c: (xml:), then d:, e:, … in
// the order namespaces first appear, all declared on the root (protocol reference §4.3). Text and attribute
// values are always escaped here; no caller concatenates XML.
import { NS } from '../store/props.ts';
import type { XNode } from './xml-node.ts';

export type { XNode } from './xml-node.ts';

/** Escapes text content (quotes stay as they are, as Exchange writes etags: `"…"`). */
export function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // XML 1.0 cannot carry most control characters at all.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

function escapeAttr(text: string): string {
  return escapeXml(text).replace(/"/g, '&quot;');
}

/** Letter-only prefixes: d … z, then aa, ab, … (DavMail breaks on prefixes with digits). */
function prefixName(n: number): string {
  let s = '';
  let x = n;
  do {
    s = String.fromCharCode(97 + (x % 26)) + s;
    x = Math.floor(x / 26) - 1;
  } while (x >= 0);
  return s;
}

/** The multistatus set: a: DAV:, b: datatypes, c: xml: (always declared). */
export const DAV_PREFIXES: [string, string][] = [
  [NS.dav, 'a'],
  [NS.dt, 'b'],
  [NS.xml, 'c'],
];

export function writeXml(root: XNode, preset: [string, string][] = DAV_PREFIXES): string {
  const prefixes = new Map<string, string>(preset);
  let next = preset.length;
  const visit = (n: XNode): void => {
    for (const ns of [n.ns, ...(n.attrs ?? []).map((a) => a.ns)]) {
      if (ns && !prefixes.has(ns)) prefixes.set(ns, prefixName(next++));
    }
    n.children?.forEach(visit);
  };
  visit(root);
  // Exchange declares a: last (`<a:multistatus xmlns:b=… xmlns:c=… xmlns:d=… xmlns:a="DAV:">`).
  const decls = [...prefixes.entries()]
    .sort(([, p], [, q]) => (p === 'a' ? 1 : 0) - (q === 'a' ? 1 : 0))
    .map(([ns, p]) => ` xmlns:${p}="${escapeAttr(ns)}"`)
    .join('');
  const qname = (ns: string, local: string): string => (ns ? `${prefixes.get(ns)}:${local}` : local);
  const emit = (n: XNode, isRoot: boolean): string => {
    const name = qname(n.ns, n.local);
    let attrs = isRoot ? decls : '';
    for (const a of n.attrs ?? []) attrs += ` ${qname(a.ns, a.local)}="${escapeAttr(a.value)}"`;
    const kids = (n.children ?? []).map((c) => emit(c, false)).join('');
    const body = (n.text !== undefined ? escapeXml(n.text) : '') + kids;
    return body ? `<${name}${attrs}>${body}</${name}>` : `<${name}${attrs}/>`;
  };
  return `<?xml version="1.0"?>${emit(root, true)}`;
}
