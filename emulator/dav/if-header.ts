// The WebDAV `If` header (RFC 4918 §10.4, as the SDK's LOCK pages use it with lock tokens): lists of
// conditions, each a state token `<opaquelocktoken:…>` or an entity tag `["…"]`, optionally negated with
// `Not`, either untagged (about the request URL) or tagged with a resource `<url>`.
import { HttpError } from '../http/context.ts';

export interface IfCondition {
  not: boolean;
  token?: string;
  etag?: string;
}

export interface IfList {
  /** The tagged resource URL; undefined = the request URL. */
  resource: string | undefined;
  conditions: IfCondition[];
}

/** Parses an If header; a malformed one is a 400 (RFC 4918 §10.4). */
export function parseIfHeader(value: string): IfList[] {
  const lists: IfList[] = [];
  let i = 0;
  let tag: string | undefined;
  const s = value;
  const bad = (): never => {
    throw new HttpError(400, 'Bad Request');
  };
  const skip = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const until = (close: string): string => {
    const end = s.indexOf(close, i + 1);
    if (end < 0) bad();
    const text = s.slice(i + 1, end);
    i = end + 1;
    return text;
  };
  skip();
  if (i >= s.length) bad();
  while (i < s.length) {
    if (s[i] === '<') {
      tag = until('>');
    } else if (s[i] === '(') {
      i++;
      const conditions: IfCondition[] = [];
      for (;;) {
        skip();
        if (i >= s.length) bad();
        if (s[i] === ')') {
          i++;
          break;
        }
        let not = false;
        if (/^not\b/i.test(s.slice(i))) {
          not = true;
          i += 3;
          skip();
        }
        if (s[i] === '<') conditions.push({ not, token: until('>').trim() });
        else if (s[i] === '[') conditions.push({ not, etag: until(']').trim().replace(/^W\//, '') });
        else bad();
      }
      if (!conditions.length) bad();
      lists.push({ resource: tag, conditions });
    } else {
      bad();
    }
    skip();
  }
  if (!lists.length) bad();
  return lists;
}

/** Every state token the header names (RFC 4918: naming a token in If is how a client submits it). */
export function submittedTokens(lists: IfList[]): Set<string> {
  const out = new Set<string>();
  for (const l of lists) for (const c of l.conditions) if (c.token && !c.not) out.add(c.token);
  return out;
}

/** What a condition is checked against: the resource's current etag and the tokens of the locks on it. */
export interface IfState {
  etag: string | undefined;
  tokens: Set<string>;
}

/** True when at least one list holds (all of its conditions do). */
export function evaluateIf(lists: IfList[], stateOf: (resource: string | undefined) => IfState): boolean {
  return lists.some((l) => {
    const st = stateOf(l.resource);
    return l.conditions.every((c) => {
      const holds = c.token !== undefined ? st.tokens.has(c.token) : st.etag !== undefined && st.etag === c.etag;
      return c.not ? !holds : holds;
    });
  });
}
