// 207 Multi-Status bodies in Exchange's shape: href, optional response-level status (before the propstats,
// where DavMail reads "201 Created"), then one propstat per status with `status` before `prop` (§4.3).
import { NS, splitName, type PropValue } from '../store/props.ts';
import { writeXml, type XNode } from '../http/xml-write.ts';

export interface PropEntry {
  name: string;
  value?: PropValue;
  /** Element name to answer with instead of the property's own (a SEARCH `AS alias`: no namespace). */
  alias?: string;
}

export interface MsResponse {
  href: string;
  status?: number;
  propstats: { status: number; props: PropEntry[] }[];
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  403: 'Forbidden',
  404: 'Resource Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  424: 'Failed Dependency',
};

export function statusLine(code: number): string {
  return `HTTP/1.1 ${code} ${REASONS[code] ?? 'Unknown'}`;
}

const dav = (local: string, children?: XNode[], text?: string): XNode => ({ ns: NS.dav, local, children, text });

export function propNode(name: string, value: PropValue | undefined, alias?: string): XNode {
  const { ns, local } = alias !== undefined ? { ns: '', local: alias } : splitName(name);
  if (!value) return { ns, local };
  // DAV: properties whose value is XML, not text (resourcetype, the lock properties).
  if (value.xml) return { ns, local, children: value.xml };
  if (name === `${NS.dav}resourcetype` && alias === undefined) {
    return { ns, local, children: value.value === 'collection' ? [dav('collection')] : [] };
  }
  const attrs = value.type === 'string' ? [] : [{ ns: NS.dt, local: 'dt', value: value.type }];
  if (Array.isArray(value.value)) {
    return { ns, local, attrs, children: value.value.map((v) => ({ ns: NS.xml, local: 'v', text: v })) };
  }
  return { ns, local, attrs, text: value.value };
}

export function multistatusXml(responses: MsResponse[]): string {
  const root = dav(
    'multistatus',
    responses.map((r) => {
      const kids: XNode[] = [dav('href', undefined, r.href)];
      if (r.status !== undefined) kids.push(dav('status', undefined, statusLine(r.status)));
      for (const ps of r.propstats) {
        kids.push(
          dav('propstat', [
            dav('status', undefined, statusLine(ps.status)),
            dav(
              'prop',
              ps.props.map((p) => propNode(p.name, p.value, p.alias)),
            ),
          ]),
        );
      }
      return dav('response', kids);
    }),
  );
  return writeXml(root);
}
