import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const importsOf = (file: string) =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2]!,
  );

test('emulator/ never imports from server/ (it is an independent implementation)', () => {
  for (const file of tsFiles('emulator')) {
    for (const spec of importsOf(file)) assert.doesNotMatch(spec, /(^|\/)server\//, `${file} imports ${spec}`);
  }
});

test('server/ reaches the emulator only from main/start (embedded default) and test support', () => {
  for (const file of tsFiles('server')) {
    // Test support may start the emulator too: the shared test server and the gateway's suite fixture.
    const allowed =
      /^server\/(main|start)\.ts$/.test(file) ||
      file.endsWith('.int.test.ts') ||
      file.startsWith('server/test/') ||
      file === 'server/exchange/fixtures/test-emulator.ts';
    for (const spec of importsOf(file)) {
      if (/(^|\/)emulator\//.test(spec)) assert.ok(allowed, `${file} imports ${spec}`);
    }
  }
});

test('only server/exchange/ imports undici and fast-xml-parser', () => {
  for (const file of tsFiles('server')) {
    if (file.startsWith(join('server', 'exchange'))) continue;
    for (const spec of importsOf(file)) assert.ok(!['undici', 'fast-xml-parser'].includes(spec), `${relative(root, file)} imports ${spec}`);
  }
});

test('the emulator demo organisation has every demo room and user of the app', () => {
  const orgFile = join(root, 'emulator', 'default-org.json');
  let org: string;
  try {
    org = readFileSync(orgFile, 'utf8');
  } catch {
    return assert.fail('emulator/default-org.json is missing');
  }
  const demo = JSON.parse(readFileSync(join(root, 'db', 'seed', 'demo-data.json'), 'utf8')) as { rooms: { alias: string }[]; users: { username: string }[] };
  for (const r of demo.rooms) assert.ok(org.includes(`${r.alias}@example.com`), `room ${r.alias} missing from the emulator org`);
  for (const u of demo.users) assert.ok(org.includes(`${u.username}@example.com`), `user ${u.username} missing from the emulator org`);
});

/** The feature folders of DESIGN.md's layout (infrastructure such as db/, http/ and exchange/ is not a feature). */
const FEATURES = ['audit', 'auth', 'availability', 'bookings', 'home', 'rooms', 'schedule', 'scheduling', 'sync', 'users'];
// Features that still import each other, each removed by its owner's branch; delete a pair when it merges.
const KNOWN_FEATURE_CYCLES = new Set([
  'availability ⇄ bookings', // performance: availability reads bookings' busy times; bookings asks availability for free/busy
  'bookings ⇄ sync', // send path: bookings/service.ts writes the outbox; the worker updates bookings
]);

test('features depend on each other one way only (no folder imports a folder that imports it)', () => {
  const uses = new Map<string, Set<string>>(FEATURES.map((f) => [f, new Set()]));
  for (const feature of FEATURES) {
    for (const file of tsFiles(join('server', feature)).filter((f) => !f.endsWith('.test.ts'))) {
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        const target = relative(root, join(root, file, '..', spec)).split('/');
        if (target[0] === 'server' && target[1] && target[1] !== feature && FEATURES.includes(target[1]) && target.length > 2)
          uses.get(feature)!.add(target[1]);
      }
    }
  }
  // Leave out the known pairs, then any way back to where a path started is a cycle (of any length).
  for (const pair of KNOWN_FEATURE_CYCLES) {
    const [a, b] = pair.split(' ⇄ ') as [string, string];
    uses.get(a)!.delete(b);
    uses.get(b)!.delete(a);
  }
  const cycles: string[] = [];
  const visit = (path: string[]) => {
    for (const next of uses.get(path.at(-1)!)!) {
      if (next === path[0]) cycles.push([...path, next].join(' → '));
      else if (!path.includes(next) && next > path[0]!) visit([...path, next]);
    }
  };
  for (const f of FEATURES) visit([f]);
  assert.deepEqual(cycles, [], 'features that import each other');
});
