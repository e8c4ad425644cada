// Evaluates a parsed SEARCH condition and ORDER BY against a resource's properties. Comparisons follow the
// property's type: dates as instants, numbers numerically, booleans as 1/0, text case-insensitively.
import { parseExchangeDate, type PropMap, type PropValue } from '../store/props.ts';
import type { Expr, Literal } from './sql.ts';

type Scalar = { kind: 'date' | 'number' | 'text'; v: number | string };

function scalarOf(type: string, text: string): Scalar {
  const base = type.startsWith('mv.') ? type.slice(3) : type;
  if (base.startsWith('dateTime')) {
    const d = base === 'dateTime.rfc1123' ? new Date(text) : parseExchangeDate(text);
    return { kind: 'date', v: d ? d.getTime() : Number.NaN };
  }
  if (['int', 'i2', 'i4', 'i8', 'float', 'r4', 'r8', 'boolean', 'ui1', 'ui2', 'ui4', 'ui8'].includes(base)) {
    return { kind: 'number', v: Number(text) };
  }
  return { kind: 'text', v: text.toLowerCase() };
}

function literalFor(target: Scalar['kind'], lit: Literal): Scalar | undefined {
  switch (lit.kind) {
    case 'boolean':
      return { kind: 'number', v: lit.value ? 1 : 0 };
    case 'number':
      return target === 'text' ? { kind: 'text', v: String(lit.value) } : { kind: 'number', v: lit.value };
    case 'date':
    case 'string': {
      if (target === 'date' || lit.kind === 'date') {
        const d = parseExchangeDate(lit.value) ?? new Date(lit.value);
        return Number.isNaN(d.getTime()) ? undefined : { kind: 'date', v: d.getTime() };
      }
      if (target === 'number') {
        const low = lit.value.trim().toLowerCase();
        if (low === 'true') return { kind: 'number', v: 1 };
        if (low === 'false') return { kind: 'number', v: 0 };
        const n = Number(lit.value);
        return lit.value.trim() === '' || Number.isNaN(n) ? undefined : { kind: 'number', v: n };
      }
      return { kind: 'text', v: lit.value.toLowerCase() };
    }
  }
}

function values(p: PropValue): string[] {
  return Array.isArray(p.value) ? p.value : [p.value];
}

function compare(a: Scalar, b: Scalar): number {
  if (typeof a.v === 'number' && typeof b.v === 'number') return a.v - b.v;
  return String(a.v) < String(b.v) ? -1 : String(a.v) > String(b.v) ? 1 : 0;
}

function likeRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

export function matches(expr: Expr | undefined, props: PropMap): boolean {
  if (!expr) return true;
  switch (expr.kind) {
    case 'and':
      return matches(expr.left, props) && matches(expr.right, props);
    case 'or':
      return matches(expr.left, props) || matches(expr.right, props);
    case 'not':
      return !matches(expr.expr, props);
    case 'null': {
      const p = props.get(expr.prop);
      const isNull = !p || values(p).length === 0;
      return expr.negated ? !isNull : isNull;
    }
    case 'like': {
      const p = props.get(expr.prop);
      if (!p) return false;
      const re = likeRegex(expr.pattern);
      const hit = values(p).some((v) => re.test(v));
      return expr.negated ? !hit : hit;
    }
    case 'cmp': {
      const p = props.get(expr.prop);
      if (!p) return false;
      return values(p).some((text) => {
        const left = scalarOf(p.type, text);
        const right = literalFor(left.kind, expr.value);
        if (!right || Number.isNaN(left.v) || Number.isNaN(right.v)) return false;
        const c = compare(left, right);
        switch (expr.op) {
          case '=':
            return c === 0;
          case '<>':
            return c !== 0;
          case '<':
            return c < 0;
          case '>':
            return c > 0;
          case '<=':
            return c <= 0;
          case '>=':
            return c >= 0;
        }
      });
    }
  }
}

/** ORDER BY comparator; missing values sort first (as NULLs do in SQL Server). */
export function orderComparator(orderBy: { prop: string; desc: boolean }[]): (a: PropMap, b: PropMap) => number {
  return (a, b) => {
    for (const { prop, desc } of orderBy) {
      const pa = a.get(prop);
      const pb = b.get(prop);
      let c = 0;
      if (!pa && pb) c = -1;
      else if (pa && !pb) c = 1;
      else if (pa && pb) c = compare(scalarOf(pa.type, values(pa)[0] ?? ''), scalarOf(pb.type, values(pb)[0] ?? ''));
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  };
}

/**
 * The time window a calendar query asks for: a lower bound on dtend and an upper bound on dtstart among the
 * terms that must all hold — `dtend > S AND dtstart < E` (§13) or Asterisk's `NOT (dtend < S OR dtstart > E)`.
 * Undefined unless both bounds are present.
 */
export function windowOf(expr: Expr | undefined): { from: number; to: number } | undefined {
  let from: number | undefined;
  let to: number | undefined;
  // `positive` is false under an odd number of NOTs, where OR plays the part of AND (De Morgan).
  const walk = (e: Expr | undefined, positive: boolean): void => {
    if (!e) return;
    if (e.kind === 'not') return walk(e.expr, !positive);
    if ((e.kind === 'and' && positive) || (e.kind === 'or' && !positive)) {
      walk(e.left, positive);
      walk(e.right, positive);
      return;
    }
    if (e.kind !== 'cmp' || (e.value.kind !== 'string' && e.value.kind !== 'date')) return;
    const at = parseExchangeDate(e.value.value)?.getTime();
    if (at === undefined) return;
    const greater = e.op === '>' || e.op === '>=';
    const less = e.op === '<' || e.op === '<=';
    const lowerBound = positive ? greater : less;
    const upperBound = positive ? less : greater;
    if (e.prop === 'urn:schemas:calendar:dtend' && lowerBound) from = Math.max(from ?? at, at);
    if (e.prop === 'urn:schemas:calendar:dtstart' && upperBound) to = Math.min(to ?? at, at);
  };
  walk(expr, true);
  return from !== undefined && to !== undefined ? { from, to } : undefined;
}
