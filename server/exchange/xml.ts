// The one fast-xml-parser configuration. Builds DAV request bodies from typed values (never from strings
// with user data spliced in) and parses Exchange answers into namespace-resolved trees and typed rows.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { EntityDecoder, ENTITY_ACTION } from '@nodable/entities';
import type { DateTime } from 'luxon';
import { NS, PROPS, type DavType, type PropName, type PropertyDef } from './properties.ts';
import { toWireDate } from './dates.ts';

/** Thrown by the parsers; the DAV layer turns it into a RejectedError carrying the request facts. */
export class XmlShapeError extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

// EXCHANGE: letter-only prefixes in a fixed order (a: DAV:, b: types, c: xml:) as Exchange writes them (§4.3).
const PREFIX: Record<string, string> = {
  [NS.dav]: 'a',
  [NS.dt]: 'b',
  [NS.mv]: 'c',
  [NS.mail]: 'd',
  [NS.hdr]: 'e',
  [NS.cal]: 'f',
  [NS.ex]: 'g',
  [NS.mapi]: 'h',
};

export type DavValue = string | number | boolean | DateTime | readonly string[];
export type PropValues = Partial<Record<PropName, DavValue>>;

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true, format: false });

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // XML's own five entities and numeric references (&#10;), which is all Exchange writes. One decoder for every parse
  // (the parser resets it per document): `htmlEntities: true`, which this replaced, merged some 250 HTML entity names
  // into a new decoder on every parse, ~30 of the ~95 µs of parsing a room-check answer (issue 13). HTML names such as
  // &nbsp; are not XML and stay as written; a DTD's entities are never expanded.
  entityDecoder: new EntityDecoder({ numericAllowed: true, onInputEntity: () => ENTITY_ACTION.BLOCK }),
});

// XML 1.0 cannot carry most C0 controls even escaped; they are dropped, never passed through.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function clean(text: string): string {
  return text.replace(INVALID_XML_CHARS, '');
}

function tag(def: PropertyDef): string {
  const prefix = PREFIX[def.ns];
  if (!prefix) throw new Error(`no prefix for namespace ${def.ns}`);
  return `${prefix}:${def.name}`;
}

function namespaceAttributes(): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const [uri, prefix] of Object.entries(PREFIX)) attrs[`@_xmlns:${prefix}`] = uri;
  return attrs;
}

function encodeValue(def: PropertyDef, value: DavValue): unknown {
  const typed = (type: DavType, text: string) => ({ '#text': text, '@_b:dt': type });
  if (Array.isArray(value)) return { '@_b:dt': 'mv.string', 'c:v': value.map((v) => clean(String(v))) };
  switch (def.type) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${def.name} needs an integer`);
      return typed('int', String(value));
    case 'boolean':
      return typed('boolean', value === true || value === 1 || value === '1' ? '1' : '0');
    case 'dateTime.tz':
      if (typeof value !== 'object' || !('toUTC' in value)) throw new Error(`${def.name} needs a DateTime`);
      return typed('dateTime.tz', toWireDate(value as DateTime));
    default:
      return clean(String(value));
  }
}

/** PROPPATCH body: set the given properties, remove others (§4.4, §7 A). */
export function buildPropertyUpdate(set: PropValues, remove: readonly PropName[] = []): string {
  const prop: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(set) as [PropName, DavValue | undefined][]) {
    if (value === undefined) continue;
    prop[tag(PROPS[name])] = encodeValue(PROPS[name], value);
  }
  const body: Record<string, unknown> = { ...namespaceAttributes(), 'a:set': { 'a:prop': prop } };
  if (remove.length) body['a:remove'] = { 'a:prop': Object.fromEntries(remove.map((n) => [tag(PROPS[n]), ''])) };
  return '<?xml version="1.0"?>' + builder.build({ 'a:propertyupdate': body });
}

/** PROPFIND body asking for the named properties. */
export function buildPropfind(names: readonly PropName[]): string {
  const prop = Object.fromEntries(names.map((n) => [tag(PROPS[n]), '']));
  return '<?xml version="1.0"?>' + builder.build({ 'a:propfind': { ...namespaceAttributes(), 'a:prop': prop } });
}

/** SEARCH body; the SQL text is escaped by the builder (§13: `<`, `>` and `&` inside XML). */
export function buildSearchRequest(sql: string): string {
  return '<?xml version="1.0"?>' + builder.build({ 'a:searchrequest': { '@_xmlns:a': NS.dav, 'a:sql': clean(sql) } });
}

/** A namespace-resolved element. */
export interface XmlElement {
  ns: string;
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

type RawNode = Record<string, unknown>;

function resolve(node: RawNode, scope: Record<string, string>, root = false): XmlElement | null {
  const key = Object.keys(node).find((k) => k !== ':@');
  if (!key || key.startsWith('#') || key.startsWith('?') || key.startsWith('!')) return null;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  const local: Record<string, string> = { ...scope };
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns') local[''] = value;
    else if (name.startsWith('xmlns:')) local[name.slice(6)] = value;
  }
  const colon = key.indexOf(':');
  const prefix = colon >= 0 ? key.slice(0, colon) : '';
  // An unprefixed name with no default namespace in scope is in no namespace (Namespaces in XML 1.0 §6.2): a
  // SEARCH column named with `AS alias` comes back so (e.g. the counter-proposal columns, responses.ts). The root
  // must be namespaced all the same: an HTML error page is no multistatus.
  const ns = local[prefix] ?? (prefix === '' && !root ? '' : undefined);
  if (ns === undefined) throw new XmlShapeError('malformed-xml', `undeclared prefix ${prefix || '(default)'} on <${key}>`);
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const c = name.indexOf(':');
    attrs[c >= 0 ? (local[name.slice(0, c)] ?? '') + name.slice(c + 1) : name] = String(value);
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[key] ?? []) as RawNode[]) {
    if ('#text' in child) text += String(child['#text']);
    else {
      const el = resolve(child, local);
      if (el) children.push(el);
    }
  }
  return { ns, name: colon >= 0 ? key.slice(colon + 1) : key, attrs, children, text };
}

/** Parse and namespace-resolve a document; malformed XML is an error, never an empty result. */
export function parseXml(body: string): XmlElement {
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new XmlShapeError('malformed-xml', valid.err.msg);
  const nodes = parser.parse(body) as RawNode[];
  for (const node of nodes) {
    const el = resolve(node, { xml: 'http://www.w3.org/XML/1998/namespace' }, true);
    if (el) return el;
  }
  throw new XmlShapeError('malformed-xml', 'no root element');
}

export function childrenOf(el: XmlElement, ns: string, name: string): XmlElement[] {
  return el.children.filter((c) => c.ns === ns && c.name === name);
}

export function childOf(el: XmlElement, ns: string, name: string): XmlElement | undefined {
  return el.children.find((c) => c.ns === ns && c.name === name);
}
