// The gateway's import rules (STYLE §2.3): it never imports the emulator (only *.int.test.ts may, to start
// it), and nothing outside this folder may see undici or XML types, so index.ts re-exports only domain types,
// the factory, the error classes and the text rules the forms share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('.', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function imports(source: string): string[] {
  return [...source.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

test('gateway files never import the emulator, except integration tests and their fixture that starts it', () => {
  for (const file of files(root)) {
    if (file.endsWith('.int.test.ts') || file.endsWith('fixtures/test-emulator.ts')) continue;
    const bad = imports(readFileSync(file, 'utf8')).filter((s) => s.includes('emulator/'));
    assert.deepEqual(bad, [], relative(root, file));
  }
});

test('gateway files import nothing from the rest of the app', () => {
  for (const file of files(root)) {
    const escaping = imports(readFileSync(file, 'utf8')).filter(
      (s) => s.startsWith('.') && !join(file, '..', s).startsWith(root.replace(/\/$/, '')) && !s.includes('emulator/'),
    );
    assert.deepEqual(escaping, [], relative(root, file));
  }
});

test('index.ts exports no undici or XML module', () => {
  const source = readFileSync(join(root, 'index.ts'), 'utf8');
  const reexports = [...source.matchAll(/export\s[^;]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(reexports)].sort(), ['./config.ts', './errors.ts', './gateway.ts', './text-rules.ts']);
  assert.doesNotMatch(source, /from 'undici'|from 'fast-xml-parser'/);
});
