// Keeps the repositories' SQL one text for both engines (docs/scaling.md): SQLite-only words belong in the feature's
// sql-dialect.ts, which gives the PostgreSQL version beside it. The repository tests on both engines catch what they
// exercise; this catches the rest at once.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../', import.meta.url));

const SQLITE_ONLY: [RegExp, string][] = [
  [/\bjson_each\s*\(/, 'json_each: use the feature adapter’s ids()/texts() (LISTS in server/db/dialect.ts)'],
  [/\bjulianday\s*\(|\bstrftime\s*\(|\bdatetime\s*\(/, 'SQLite date functions: compare the ISO text, or add a fragment to sql-dialect.ts'],
  [/\bgroup_concat\s*\(/, 'group_concat: a fragment in sql-dialect.ts (string_agg on PostgreSQL)'],
  [/COLLATE\s+NOCASE/i, 'COLLATE NOCASE in a query: a caseless() fragment in sql-dialect.ts (the column itself is citext on PostgreSQL)'],
  [/INSERT\s+OR\s+(REPLACE|IGNORE)/i, 'INSERT OR …: use INSERT … ON CONFLICT (…) DO UPDATE / DO NOTHING'],
  [/\.lastInsertRowid\b/, 'lastInsertRowid: use INSERT … RETURNING id and .get()'],
  [/\bpragma\s*\(/, 'PRAGMA is SQLite only'],
];

function repositoryFiles(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(SERVER, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === 'db' || dir.name === 'test') continue;
    for (const f of readdirSync(join(SERVER, dir.name))) if (f === 'repo.ts' || f.endsWith('.repo.ts')) out.push(join(dir.name, f));
  }
  return out.sort();
}

test('repositories use no SQLite-only SQL outside their feature’s sql-dialect.ts', () => {
  const files = repositoryFiles();
  assert.ok(files.length >= 12, files.join(', '));
  const problems: string[] = [];
  for (const f of files) {
    const lines = readFileSync(join(SERVER, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments may name them
      for (const [pattern, why] of SQLITE_ONLY) if (pattern.test(line)) problems.push(`server/${f}:${i + 1}: ${why}`);
    });
  }
  assert.deepEqual(problems, []);
});
