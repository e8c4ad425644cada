#!/usr/bin/env node
// Node 20's test runner does not discover .ts files, so this lists them and hands them to `node --test`.
// Usage: node server/test/run-tests.mjs unit|int [filter]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const level = process.argv[2];
const filter = process.argv[3] ?? '';
if (level !== 'unit' && level !== 'int') {
  console.error('usage: run-tests.mjs unit|int [filter]');
  process.exit(2);
}

const root = new URL('../../', import.meta.url).pathname;
const roots = ['server', 'emulator'];

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(relative(root, path));
  }
  return out;
}

const files = roots
  .flatMap((dir) => walk(join(root, dir), []))
  .filter((f) => (level === 'int' ? f.endsWith('.int.test.ts') : f.endsWith('.test.ts') && !f.endsWith('.int.test.ts')))
  .filter((f) => f.includes(filter))
  .sort();

if (files.length === 0) {
  console.error(`no ${level} test files found`);
  process.exit(1);
}

// Unit tests run in a zone with daylight saving so code that leans on the process zone fails (STYLE 2.10).
const env = { ...process.env, TZ: level === 'unit' ? 'Europe/Budapest' : (process.env.TZ ?? 'America/New_York'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' };
const concurrency = level === 'int' ? '1' : '2';
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
