// The Exchange SEARCH SQL dialect (§13): SELECT "prop", … FROM SCOPE('SHALLOW TRAVERSAL OF "url"') WHERE …
// ORDER BY "prop" ASC|DESC. Keywords are case-insensitive; property names double-quoted; literals
// single-quoted, numbers, TRUE/FALSE, or CAST("…" as 'dateTime').

export class SqlSyntaxError extends Error {}

export type Traversal = 'shallow' | 'deep' | 'hierarchical';

export type Literal =
  { kind: 'string'; value: string } | { kind: 'number'; value: number } | { kind: 'boolean'; value: boolean } | { kind: 'date'; value: string };

export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'cmp'; prop: string; op: '=' | '<>' | '<' | '>' | '<=' | '>='; value: Literal }
  | { kind: 'null'; prop: string; negated: boolean }
  | { kind: 'like'; prop: string; pattern: string; negated: boolean };

export interface SqlQuery {
  select: string[] | '*';
  /** Per column of `select`: the `AS alias` name the answer uses as element name (no namespace), if any. */
  aliases: (string | undefined)[];
  scopes: { traversal: Traversal; url: string }[];
  where: Expr | undefined;
  orderBy: { prop: string; desc: boolean }[];
}

/** `raw` keeps a word's spelling (an alias answers with the case the client wrote). */
type Token = { t: 'ident' | 'str' | 'num' | 'word' | 'op' | 'punct'; v: string; raw?: string };

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let v = '';
      for (;;) {
        if (j >= sql.length) throw new SqlSyntaxError('unterminated quoted text');
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            v += c;
            j += 2;
            continue;
          }
          break;
        }
        v += sql[j];
        j++;
      }
      out.push({ t: c === '"' ? 'ident' : 'str', v });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^-?\d+(\.\d+)?/.exec(sql.slice(i))!;
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))!;
      out.push({ t: 'word', v: m[0].toUpperCase(), raw: m[0] });
      i += m[0].length;
    } else if ('<>=!'.includes(c)) {
      const two = sql.slice(i, i + 2);
      const op = ['<=', '>=', '<>', '!='].includes(two) ? two : c;
      if (op === '!') throw new SqlSyntaxError('unexpected !');
      out.push({ t: 'op', v: op === '!=' ? '<>' : op });
      i += op.length;
    } else if ('(),*'.includes(c)) {
      out.push({ t: 'punct', v: c });
      i++;
    } else {
      throw new SqlSyntaxError(`unexpected character ${c}`);
    }
  }
  return out;
}

export function parseSql(sql: string): SqlQuery {
  const tokens = tokenize(sql);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (what: string): never => {
    const at = peek();
    throw new SqlSyntaxError(`expected ${what}${at ? ` near ${at.v}` : ' at end'}`);
  };
  const isWord = (w: string): boolean => peek()?.t === 'word' && peek()!.v === w;
  const word = (w: string): void => {
    if (!isWord(w)) fail(w);
    pos++;
  };
  const punct = (p: string): void => {
    if (peek()?.t !== 'punct' || peek()!.v !== p) fail(p);
    pos++;
  };
  const ident = (): string => {
    const t = peek();
    if (t?.t !== 'ident') return fail('a quoted property name');
    pos++;
    return t.v;
  };

  word('SELECT');
  let select: string[] | '*';
  const aliases: (string | undefined)[] = [];
  if (peek()?.t === 'punct' && peek()!.v === '*') {
    pos++;
    select = '*';
  } else {
    select = [];
    // EXCHANGE: `"…/0x8570" AS deleted` (DavMail's IMAP and directory searches); the alias is a bare word or
    // a quoted name, and the answer's element for that column is the alias.
    const column = (): void => {
      (select as string[]).push(ident());
      if (!isWord('AS')) {
        aliases.push(undefined);
        return;
      }
      pos++;
      const t = peek();
      if (t?.t === 'word' && t.raw) aliases.push(t.raw);
      else if (t?.t === 'ident' && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(t.v)) aliases.push(t.v);
      else fail('an alias');
      pos++;
    };
    column();
    while (peek()?.t === 'punct' && peek()!.v === ',') {
      pos++;
      column();
    }
  }
  word('FROM');
  const scopes: SqlQuery['scopes'] = [];
  if (isWord('SCOPE')) {
    pos++;
    punct('(');
    do {
      if (scopes.length) pos++;
      const t = peek();
      if (t?.t !== 'str') fail('a scope string');
      pos++;
      scopes.push(parseScope(t!.v));
    } while (peek()?.t === 'punct' && peek()!.v === ',');
    punct(')');
  } else if (peek()?.t === 'ident') {
    scopes.push({ traversal: 'shallow', url: ident() });
  } else fail('SCOPE');

  const literal = (): Literal => {
    const t = peek();
    if (!t) return fail('a value');
    if (t.t === 'str') {
      pos++;
      return { kind: 'string', value: t.v };
    }
    if (t.t === 'num') {
      pos++;
      return { kind: 'number', value: Number(t.v) };
    }
    if (t.t === 'word' && (t.v === 'TRUE' || t.v === 'FALSE')) {
      pos++;
      return { kind: 'boolean', value: t.v === 'TRUE' };
    }
    if (t.t === 'word' && t.v === 'CAST') {
      pos++;
      punct('(');
      const v = peek();
      if (v?.t !== 'str' && v?.t !== 'ident') fail('a value to cast');
      pos++;
      word('AS');
      const type = peek();
      if (type?.t !== 'str' && type?.t !== 'ident') fail('a type name');
      pos++;
      punct(')');
      return /^datetime/i.test(type!.v) ? { kind: 'date', value: v!.v } : { kind: 'string', value: v!.v };
    }
    return fail('a value');
  };

  const primary = (): Expr => {
    if (peek()?.t === 'punct' && peek()!.v === '(') {
      pos++;
      const e = orExpr();
      punct(')');
      return e;
    }
    const prop = ident();
    if (isWord('IS')) {
      pos++;
      const negated = isWord('NOT');
      if (negated) pos++;
      word('NULL');
      return { kind: 'null', prop, negated };
    }
    const negated = isWord('NOT');
    if (negated) pos++;
    if (isWord('LIKE')) {
      pos++;
      const p = peek();
      if (p?.t !== 'str') fail('a LIKE pattern');
      pos++;
      return { kind: 'like', prop, pattern: p!.v, negated };
    }
    if (negated) fail('LIKE');
    const op = peek();
    if (op?.t !== 'op') return fail('a comparison operator');
    pos++;
    return { kind: 'cmp', prop, op: op.v as '=' | '<>' | '<' | '>' | '<=' | '>=', value: literal() };
  };
  const notExpr = (): Expr => {
    if (isWord('NOT')) {
      pos++;
      return { kind: 'not', expr: notExpr() };
    }
    return primary();
  };
  const andExpr = (): Expr => {
    let left = notExpr();
    while (isWord('AND')) {
      pos++;
      left = { kind: 'and', left, right: notExpr() };
    }
    return left;
  };
  function orExpr(): Expr {
    let left = andExpr();
    while (isWord('OR')) {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  }

  let where: Expr | undefined;
  if (isWord('WHERE')) {
    pos++;
    where = orExpr();
  }
  const orderBy: SqlQuery['orderBy'] = [];
  if (isWord('ORDER')) {
    pos++;
    word('BY');
    do {
      if (orderBy.length) pos++;
      const prop = ident();
      let desc = false;
      if (isWord('ASC')) pos++;
      else if (isWord('DESC')) {
        pos++;
        desc = true;
      }
      orderBy.push({ prop, desc });
    } while (peek()?.t === 'punct' && peek()!.v === ',');
  }
  if (pos !== tokens.length) fail('end of query');
  return { select, aliases, scopes, where, orderBy };
}

function parseScope(text: string): { traversal: Traversal; url: string } {
  const m = /^\s*(?:(SHALLOW|DEEP|HIERARCHICAL)\s+TRAVERSAL\s+OF\s+)?"([^"]*)"\s*$/i.exec(text);
  if (!m) throw new SqlSyntaxError(`bad scope ${text}`);
  const kind = (m[1] ?? 'DEEP').toLowerCase() as Traversal;
  return { traversal: kind, url: m[2]! };
}
