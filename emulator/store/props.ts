// DAV properties: full names (namespace + local name), their data types, and value normalisation.
// Types follow the Exchange `dt` datatypes namespace (protocol reference §4.2).
import type { XNode } from '../http/xml-node.ts';

export const NS = {
  dav: 'DAV:',
  dt: 'urn:uuid:c2f41010-65b3-11d1-a29f-00aa00c14882/',
  xml: 'xml:',
  mail: 'urn:schemas:httpmail:',
  cal: 'urn:schemas:calendar:',
  hdr: 'urn:schemas:mailheader:',
  ex: 'http://schemas.microsoft.com/exchange/',
  mapi: 'http://schemas.microsoft.com/mapi/',
  proptag: 'http://schemas.microsoft.com/mapi/proptag/',
  repl: 'http://schemas.microsoft.com/repl/',
} as const;

/** A stored property value: a type name (`string`, `int`, `dateTime.tz`, `mv.string`, …) and its text. */
export interface PropValue {
  type: string;
  value: string | string[];
  /** Computed DAV: properties whose value is XML (lockdiscovery, supportedlock): written as these children. */
  xml?: XNode[];
}

export type PropMap = Map<string, PropValue>;

const DEFAULT_TYPES: Record<string, string> = {
  [`${NS.cal}dtstart`]: 'dateTime.tz',
  [`${NS.cal}dtend`]: 'dateTime.tz',
  [`${NS.cal}dtstamp`]: 'dateTime.tz',
  [`${NS.cal}created`]: 'dateTime.tz',
  [`${NS.cal}lastmodified`]: 'dateTime.tz',
  [`${NS.cal}recurrenceid`]: 'dateTime.tz',
  [`${NS.cal}replytime`]: 'dateTime.tz',
  [`${NS.cal}instancetype`]: 'int',
  [`${NS.cal}sequence`]: 'int',
  [`${NS.cal}reminderoffset`]: 'int',
  [`${NS.cal}timezoneid`]: 'int',
  [`${NS.cal}duration`]: 'int',
  [`${NS.cal}alldayevent`]: 'boolean',
  [`${NS.cal}responserequested`]: 'boolean',
  [`${NS.cal}isorganizer`]: 'boolean',
  [`${NS.cal}rrule`]: 'mv.string',
  [`${NS.cal}exrule`]: 'mv.string',
  [`${NS.cal}rdate`]: 'mv.dateTime.tz',
  [`${NS.cal}exdate`]: 'mv.dateTime.tz',
  [`${NS.mapi}finvited`]: 'boolean',
  [`${NS.mapi}busystatus`]: 'int',
  [`${NS.mapi}intendedbusystatus`]: 'int',
  [`${NS.mapi}responsestatus`]: 'int',
  [`${NS.mapi}apptstateflags`]: 'int',
  [`${NS.mail}read`]: 'boolean',
  [`${NS.mail}hasattachment`]: 'boolean',
  [`${NS.mail}importance`]: 'int',
  [`${NS.mail}priority`]: 'int',
  [`${NS.mail}date`]: 'dateTime.tz',
  [`${NS.mail}datereceived`]: 'dateTime.tz',
  [`${NS.mail}unreadcount`]: 'int',
  [`${NS.dav}creationdate`]: 'dateTime.tz',
  [`${NS.dav}getlastmodified`]: 'dateTime.tz',
  [`${NS.dav}isfolder`]: 'boolean',
  [`${NS.dav}ishidden`]: 'boolean',
  [`${NS.dav}iscollection`]: 'boolean',
  [`${NS.dav}isreadonly`]: 'boolean',
  [`${NS.dav}hassubs`]: 'boolean',
  [`${NS.dav}getcontentlength`]: 'int',
  [`${NS.dav}childcount`]: 'int',
  [`${NS.dav}objectcount`]: 'int',
  [`${NS.dav}visiblecount`]: 'int',
  [`${NS.dav}uid`]: 'string',
  [`${NS.ex}expected-content-class`]: 'mv.string',
  [`${NS.ex}sensitivity`]: 'int',
  [`${NS.ex}keywords-utf8`]: 'mv.string',
};

/** MAPI property tags carry their type in the low word (PT_LONG 0003, PT_BOOLEAN 000b, PT_SYSTIME 0040, …). */
const PROPTAG_TYPES: Record<string, string> = {
  '0002': 'i2',
  '0003': 'int',
  '0005': 'float',
  '000b': 'boolean',
  '0014': 'i8',
  '0040': 'dateTime.tz',
  '0048': 'uuid',
  '0102': 'bin.base64',
  '001e': 'string',
  '001f': 'string',
};

/** The type a property has when a client writes it without `dt`, or the server computes it. */
export function defaultType(name: string): string {
  const known = DEFAULT_TYPES[name];
  if (known) return known;
  if (name.startsWith(NS.proptag)) {
    const tag = name.slice(NS.proptag.length).toLowerCase();
    const t = PROPTAG_TYPES[tag.slice(-4)];
    if (/^x[0-9a-f]{8}$/.test(tag) && t) return t;
  }
  return 'string';
}

/** Names the store keeps under another one (the SDK's `…/exchange/sensitivity` is PR_SENSITIVITY). */
const STORED_AS: Record<string, string> = { [`${NS.ex}sensitivity`]: `${NS.proptag}x00360003` };

/** The name a written property is stored under (every write path goes through this). */
export function storedName(name: string): string {
  return STORED_AS[name] ?? name;
}

export class PropValueError extends Error {}

/** Formats an instant the way Exchange returns dateTime.tz values: `yyyy-MM-ddTHH:mm:ss.SSSZ`. */
export function formatExchangeDate(d: Date): string {
  return d.toISOString();
}

/** Parses ISO 8601 (with Z, an offset, or none = UTC), and the SEARCH form `yyyy/MM/dd HH:mm:ss` (UTC). */
export function parseExchangeDate(text: string): Date | undefined {
  const t = text.trim();
  const slash = /^(\d{4})\/(\d{2})\/(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (slash) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = slash;
    return new Date(Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s));
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (!iso) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = iso;
  const ms = Math.round(Number(`0.${frac}`) * 1000);
  let utc = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, ms);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    utc -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function normalizeScalar(type: string, raw: string): string {
  switch (type) {
    case 'dateTime.tz':
    case 'dateTime': {
      const d = parseExchangeDate(raw);
      if (!d) throw new PropValueError(`not a date: ${raw}`);
      return formatExchangeDate(d);
    }
    case 'dateTime.rfc1123': {
      const d = new Date(raw);
      if (Number.isNaN(d.getTime())) throw new PropValueError(`not a date: ${raw}`);
      return d.toUTCString();
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (v === '1' || v === 'true') return '1';
      if (v === '0' || v === 'false') return '0';
      throw new PropValueError(`not a boolean: ${raw}`);
    }
    case 'int':
    case 'i2':
    case 'i4':
    case 'i8':
    case 'ui1':
    case 'ui2':
    case 'ui4':
    case 'ui8': {
      const v = raw.trim();
      if (!/^-?\d+$/.test(v)) throw new PropValueError(`not an integer: ${raw}`);
      return String(BigInt(v));
    }
    case 'float':
    case 'r4':
    case 'r8': {
      const n = Number(raw.trim());
      if (raw.trim() === '' || Number.isNaN(n)) throw new PropValueError(`not a number: ${raw}`);
      return String(n);
    }
    default:
      return raw;
  }
}

/** Checks and canonicalises a value written by a client; throws PropValueError on a bad value (→ 409 propstat). */
export function normalizeValue(name: string, type: string | undefined, value: string | string[]): PropValue {
  const t = type ?? defaultType(name);
  if (t.startsWith('mv.')) {
    const list = Array.isArray(value) ? value : value === '' ? [] : [value];
    return { type: t, value: list.map((v) => normalizeScalar(t.slice(3), v)) };
  }
  const scalar = Array.isArray(value) ? (value[0] ?? '') : value;
  return { type: t, value: normalizeScalar(t, scalar) };
}

export function str(value: PropValue | undefined): string | undefined {
  if (!value) return undefined;
  return Array.isArray(value.value) ? value.value[0] : value.value;
}

/**
 * Splits a full property name into namespace and local name at the last `/ : ; # ?`, as the Exchange store
 * does: it keeps only the concatenated name, so a namespace not ending in one of those comes back split
 * elsewhere (`http://example.com/kappa` + `somename` answers as `http://example.com/` + `kappasomename`).
 */
export function splitName(full: string): { ns: string; local: string } {
  const i = Math.max(...['/', ':', ';', '#', '?'].map((c) => full.lastIndexOf(c)));
  if (i < 0) return { ns: '', local: full };
  return { ns: full.slice(0, i + 1), local: full.slice(i + 1) };
}
