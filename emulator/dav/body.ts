// Reading DAV request bodies: propfind prop lists and propertyupdate set/remove lists.
import { NS, PropValueError, normalizeValue, type PropValue } from '../store/props.ts';
import { HttpError, type RequestContext } from '../http/context.ts';
import { childOf, childrenOf, parseXml, XmlSyntaxError, type XmlElement } from '../http/xml-read.ts';

export function parseBody(ctx: RequestContext): XmlElement {
  try {
    return parseXml(ctx.body.toString('utf8'));
  } catch (err) {
    if (err instanceof XmlSyntaxError) {
      ctx.log.info({ event: 'dav.bad_xml', reason: err.message }, 'malformed XML body');
      throw new HttpError(400, 'Bad Request');
    }
    throw err;
  }
}

export type PropfindRequest = { mode: 'allprop' } | { mode: 'propname' } | { mode: 'prop'; names: string[] };

export function readPropfind(ctx: RequestContext): PropfindRequest {
  if (ctx.body.toString('utf8').trim() === '') return { mode: 'allprop' };
  const root = parseBody(ctx);
  if (root.ns !== NS.dav || root.local !== 'propfind') throw new HttpError(400, 'Bad Request');
  const prop = childOf(root, NS.dav, 'prop');
  if (prop) return { mode: 'prop', names: prop.children.map((c) => c.ns + c.local) };
  if (childOf(root, NS.dav, 'propname')) return { mode: 'propname' };
  return { mode: 'allprop' };
}

export type PatchOp = { op: 'set'; name: string; value: PropValue } | { op: 'remove'; name: string } | { op: 'invalid'; name: string; reason: string };

function elementValue(el: XmlElement): { type: string | undefined; value: string | string[] } {
  const type = el.attrs.get(`${NS.dt}dt`);
  if (type?.startsWith('mv.') || (el.children.length > 0 && el.children.every((c) => c.local === 'v'))) {
    return { type, value: el.children.map((c) => c.text) };
  }
  return { type, value: el.text };
}

/** The set/remove operations of a propertyupdate, in document order; bad values become `invalid` (→ 409). */
export function readPropertyUpdate(root: XmlElement): PatchOp[] {
  if (root.ns !== NS.dav || root.local !== 'propertyupdate') throw new HttpError(400, 'Bad Request');
  const ops: PatchOp[] = [];
  for (const block of root.children) {
    if (block.ns !== NS.dav || (block.local !== 'set' && block.local !== 'remove')) continue;
    for (const prop of childrenOf(block, NS.dav, 'prop')) {
      for (const el of prop.children) {
        const name = el.ns + el.local;
        if (block.local === 'remove') {
          ops.push({ op: 'remove', name });
          continue;
        }
        const { type, value } = elementValue(el);
        try {
          ops.push({ op: 'set', name, value: normalizeValue(name, type, value) });
        } catch (err) {
          if (!(err instanceof PropValueError)) throw err;
          ops.push({ op: 'invalid', name, reason: err.message });
        }
      }
    }
  }
  return ops;
}
