import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSql, SqlSyntaxError } from './sql.ts';
import { matches, orderComparator } from './sql-eval.ts';
import type { PropMap } from '../store/props.ts';

const props = (entries: [string, string, string | string[]][]): PropMap => new Map(entries.map(([k, type, value]) => [k, { type, value }]));

test('parseSql() reads the select list, a shallow scope, WHERE and ORDER BY', () => {
  const q = parseSql(
    `SELECT "DAV:href", "urn:schemas:calendar:dtstart" FROM SCOPE('SHALLOW TRAVERSAL OF "/exchange/a/Calendar/"') WHERE "DAV:isfolder" = false ORDER BY "urn:schemas:calendar:dtstart" DESC`,
  );
  assert.deepEqual(q.select, ['DAV:href', 'urn:schemas:calendar:dtstart']);
  assert.deepEqual(q.scopes, [{ traversal: 'shallow', url: '/exchange/a/Calendar/' }]);
  assert.deepEqual(q.orderBy, [{ prop: 'urn:schemas:calendar:dtstart', desc: true }]);
  assert.equal(q.where?.kind, 'cmp');
});

test('parseSql() reads FROM "" as the request folder and a scope without traversal as deep', () => {
  assert.deepEqual(parseSql('SELECT * FROM ""').scopes, [{ traversal: 'shallow', url: '' }]);
  assert.deepEqual(parseSql(`SELECT * FROM SCOPE('"/x/"')`).scopes, [{ traversal: 'deep', url: '/x/' }]);
});

test('parseSql() throws SqlSyntaxError on broken queries', () => {
  for (const sql of [
    '',
    'SELECT',
    'SELECT "a" FROM',
    `SELECT "a" FROM SCOPE('nonsense')`,
    `SELECT "a" FROM "" WHERE "b" =`,
    `SELECT "a" FROM "" WHERE "b" = 'x' extra`,
    `SELECT "a" FROM "" WHERE 'x`,
  ]) {
    assert.throws(() => parseSql(sql), SqlSyntaxError, sql);
  }
});

test('matches() compares dates as instants whatever the literal format', () => {
  const p = props([['urn:schemas:calendar:dtstart', 'dateTime.tz', '2030-11-20T09:00:00.000Z']]);
  const at = (lit: string) => matches(parseSql(`SELECT * FROM "" WHERE "urn:schemas:calendar:dtstart" >= ${lit}`).where, p);
  assert.equal(at(`'2030/11/20 09:00:00'`), true);
  assert.equal(at(`'2030/11/20 09:00:01'`), false);
  assert.equal(at(`CAST("2030-11-20T10:00:00+01:00" as 'dateTime')`), true);
});

test('matches() handles booleans, integers, NOT, OR, IS NULL and LIKE', () => {
  const p = props([
    ['DAV:isfolder', 'boolean', '0'],
    ['urn:schemas:calendar:instancetype', 'int', '0'],
    ['urn:schemas:httpmail:subject', 'string', 'Budget Review'],
  ]);
  const w = (cond: string) => matches(parseSql(`SELECT * FROM "" WHERE ${cond}`).where, p);
  assert.equal(w('"DAV:isfolder" = false'), true);
  assert.equal(w('"DAV:isfolder" = True'), false);
  assert.equal(w('NOT "urn:schemas:calendar:instancetype" = 1'), true);
  assert.equal(w('"urn:schemas:calendar:instancetype" = 1 OR "urn:schemas:calendar:instancetype" = 0'), true);
  assert.equal(w('"urn:schemas:calendar:uid" IS NULL'), true);
  assert.equal(w('"urn:schemas:httpmail:subject" IS NOT NULL'), true);
  assert.equal(w(`"urn:schemas:httpmail:subject" LIKE '%review'`), true);
  assert.equal(w(`"urn:schemas:httpmail:subject" = 'budget review'`), true, 'text compares case-insensitively');
  assert.equal(w(`"urn:schemas:calendar:uid" = 'x'`), false, 'a missing property never matches');
});

test('orderComparator() sorts numbers numerically and missing values first', () => {
  const rows = [['10'], ['9'], [undefined]].map(([v]) => props(v === undefined ? [] : [['n', 'int', v]]));
  rows.sort(orderComparator([{ prop: 'n', desc: false }]));
  assert.deepEqual(
    rows.map((r) => r.get('n')?.value),
    [undefined, '9', '10'],
  );
});

test('windowOf() finds the window in the SDK form and in the NOT (… OR …) form Asterisk sends', async () => {
  const { windowOf } = await import('./sql-eval.ts');
  const sdk = parseSql(
    `SELECT * FROM "" WHERE "DAV:isfolder" = false AND "urn:schemas:calendar:dtend" > '2030/11/20 00:00:00' AND "urn:schemas:calendar:dtstart" < '2030/11/27 00:00:00'`,
  );
  assert.deepEqual(windowOf(sdk.where), { from: Date.UTC(2030, 10, 20), to: Date.UTC(2030, 10, 27) });
  const ast = parseSql(
    `SELECT * FROM "" WHERE NOT "urn:schemas:calendar:instancetype" = 1 AND NOT ("urn:schemas:calendar:dtend" < '2030/11/20 00:00:00' OR "urn:schemas:calendar:dtstart" > '2030/11/27 00:00:00')`,
  );
  assert.deepEqual(windowOf(ast.where), { from: Date.UTC(2030, 10, 20), to: Date.UTC(2030, 10, 27) });
  const either = parseSql(
    `SELECT * FROM "" WHERE "urn:schemas:calendar:dtend" > '2030/11/20 00:00:00' OR "urn:schemas:calendar:dtstart" < '2030/11/27 00:00:00'`,
  );
  assert.equal(windowOf(either.where), undefined);
});
