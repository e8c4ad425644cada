// 207 Multi-Status → typed rows (§4.3). Property statuses are kept so a 403/409 inside a 207 is never lost.
import { NS, PROPS, qualifiedName, type PropName } from '../properties.ts';
import { RejectedError, type RequestFacts } from '../errors.ts';
import { childOf, childrenOf, parseXml, XmlShapeError, type XmlElement } from '../xml.ts';

export interface DavProp {
  text: string;
  /** The `b:dt` type attribute, when present. */
  type: string | null;
  /** The `<c:v>` values of a multivalued property. */
  values: string[] | null;
}

export interface MultistatusRow {
  /** The href as sent (often absolute). */
  href: string;
  /** Its server-relative path, %-encoding kept. */
  path: string;
  /** Response-level status (e.g. `201 Created` on a creating PROPPATCH), if any. */
  status: number | null;
  /** Properties with a 2xx propstat, by qualified name. */
  props: Map<string, DavProp>;
  /** Properties with a non-2xx propstat → their status. */
  failed: Map<string, number>;
}

/** `HTTP/1.1 404 Resource Not Found` → 404. */
export function parseStatusLine(line: string): number {
  const match = /^\s*HTTP\/\d\.\d\s+(\d{3})/.exec(line);
  if (!match?.[1]) throw new XmlShapeError('malformed-multistatus', `bad status line "${line.slice(0, 60)}"`);
  return Number(match[1]);
}

/** Absolute or relative href → server-relative path. */
export function hrefToPath(href: string): string {
  const trimmed = href.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    const url = new URL(trimmed);
    return url.pathname;
  }
  return trimmed.startsWith('/') ? trimmed.split('?')[0]! : '/' + trimmed;
}

function readProp(el: XmlElement): DavProp {
  const type = el.attrs[NS.dt + 'dt'] ?? null;
  const vs = childrenOf(el, NS.mv, 'v');
  const isMulti = (type?.startsWith('mv.') ?? false) || vs.length > 0;
  return { text: el.text, type, values: isMulti ? vs.map((v) => v.text) : null };
}

export function parseMultistatus(body: string): MultistatusRow[] {
  const root = parseXml(body);
  if (root.ns !== NS.dav || root.name !== 'multistatus') {
    throw new XmlShapeError('malformed-multistatus', `root is <${root.name}>, not <multistatus>`);
  }
  return childrenOf(root, NS.dav, 'response').map((response) => {
    const href = childOf(response, NS.dav, 'href')?.text ?? '';
    if (!href.trim()) throw new XmlShapeError('malformed-multistatus', 'response without href');
    const statusEl = childOf(response, NS.dav, 'status');
    const row: MultistatusRow = {
      href: href.trim(),
      path: hrefToPath(href),
      status: statusEl ? parseStatusLine(statusEl.text) : null,
      props: new Map(),
      failed: new Map(),
    };
    for (const propstat of childrenOf(response, NS.dav, 'propstat')) {
      const statusText = childOf(propstat, NS.dav, 'status')?.text;
      const status = statusText ? parseStatusLine(statusText) : 200;
      for (const prop of childrenOf(propstat, NS.dav, 'prop')) {
        for (const el of prop.children) {
          const key = el.ns + el.name;
          if (status >= 200 && status < 300) row.props.set(key, readProp(el));
          else row.failed.set(key, status);
        }
      }
    }
    return row;
  });
}

/** The text of a property on a row; undefined when absent. */
export function propText(row: MultistatusRow, name: PropName): string | undefined {
  return row.props.get(qualifiedName(PROPS[name]))?.text;
}

/** The values of a (possibly multivalued) property. */
export function propValues(row: MultistatusRow, name: PropName): string[] {
  const prop = row.props.get(qualifiedName(PROPS[name]));
  if (!prop) return [];
  return prop.values ?? (prop.text ? [prop.text] : []);
}

/** Parse a response body, turning shape problems into a RejectedError that carries the request facts. */
export function parseOrReject<T>(res: { body: string; facts: RequestFacts }, parse: (body: string) => T): T {
  try {
    return parse(res.body);
  } catch (error) {
    if (error instanceof XmlShapeError) throw new RejectedError(error.reason, res.facts, error.message, { cause: error });
    throw error;
  }
}

/** The multistatus of a 207, or a RejectedError when it is not XML (e.g. an HTML error page with 207). */
export function readMultistatus(res: {
  status: number;
  body: string;
  facts: RequestFacts;
  headers: Record<string, string | string[] | undefined>;
}): MultistatusRow[] {
  return parseOrReject(res, parseMultistatus);
}
