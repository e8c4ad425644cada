// Parses request bodies (propfind, propertyupdate, searchrequest) into elements with resolved namespaces.
// fast-xml-parser keeps prefixes as written, so namespace scoping is done here.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EntityDecoder, ENTITY_ACTION } from '@nodable/entities';

export interface XmlElement {
  ns: string;
  local: string;
  /** Attributes keyed by full name (namespace + local name; unprefixed ones by local name). */
  attrs: Map<string, string>;
  children: XmlElement[];
  /** Concatenated text content of this element (not of its children). */
  text: string;
}

export class XmlSyntaxError extends Error {}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // XML's five entities and numeric references (&#10;), one decoder for every parse (the parser resets it per
  // document). `htmlEntities: true` merged ~250 HTML names into a new decoder each time: parsing the app's 1.4 KB
  // SEARCH body took 173 µs with it, 77 µs now (issue 13). Those names are not XML, so they stay as written; DTDs are
  // refused before parsing.
  entityDecoder: new EntityDecoder({ numericAllowed: true, onInputEntity: () => ENTITY_ACTION.BLOCK }),
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type RawNode = Record<string, unknown>;

export function parseXml(text: string): XmlElement {
  const trimmed = text.trim();
  if (!trimmed) throw new XmlSyntaxError('empty body');
  // No DTDs: they are never part of a DAV request and invite entity-expansion attacks.
  if (/<!DOCTYPE/i.test(trimmed)) throw new XmlSyntaxError('DOCTYPE not allowed');
  const valid = XMLValidator.validate(trimmed);
  if (valid !== true) throw new XmlSyntaxError(`${valid.err.msg} (line ${valid.err.line})`);
  const nodes = parser.parse(trimmed) as RawNode[];
  const roots = nodes.filter((n) => Object.keys(n).some((k) => k !== ':@' && k !== '#text' && k !== '#comment'));
  if (roots.length !== 1) throw new XmlSyntaxError('expected one root element');
  return convert(roots[0]!, new Map([['xml', 'xml:']]));
}

function convert(node: RawNode, scope: Map<string, string>): XmlElement {
  const tag = Object.keys(node).find((k) => k !== ':@')!;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  const local = new Map(scope);
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns') local.set('', v);
    else if (k.startsWith('xmlns:')) {
      // Namespaces in XML 1.0 §3: a prefix cannot be bound to the empty name (litmus propfind_invalid2).
      if (String(v) === '') throw new XmlSyntaxError(`empty namespace for prefix ${k.slice(6)}`);
      local.set(k.slice(6), v);
    }
  }
  const resolve = (qname: string, isAttr: boolean): { ns: string; name: string } => {
    const i = qname.indexOf(':');
    if (i < 0) return { ns: isAttr ? '' : (local.get('') ?? ''), name: qname };
    const prefix = qname.slice(0, i);
    const ns = local.get(prefix);
    if (ns === undefined) throw new XmlSyntaxError(`undeclared namespace prefix ${prefix}`);
    return { ns, name: qname.slice(i + 1) };
  };
  const { ns, name } = resolve(tag, false);
  const attrs = new Map<string, string>();
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const a = resolve(k, true);
    attrs.set(a.ns + a.name, String(v));
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[tag] ?? []) as RawNode[]) {
    if ('#text' in child) text += String(child['#text']);
    else if ('#comment' in child) continue;
    else children.push(convert(child, local));
  }
  return { ns, local: name, attrs, children, text };
}

export function childrenOf(el: XmlElement, ns: string, local: string): XmlElement[] {
  return el.children.filter((c) => c.ns === ns && c.local === local);
}

export function childOf(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  return el.children.find((c) => c.ns === ns && c.local === local);
}
