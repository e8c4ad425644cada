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
/**
 * A feature's faces: small files other features may import without depending on the whole feature (each file and
 * what it imports from its own folder is a node of its own below). Any feature's `queries.ts` and `events.ts`, plus
 * the outbox's public face and the formats it stores, which bookings writes inside its own transactions.
 */
const FACES = new Set([
  'server/sync/outbox.ts', // queue a version, supersede unsent ones, the admin page's overview
  'server/sync/series-job.ts', // the series part of a job's snapshot
  'server/sync/words.ts', // failure reasons in words (bookings keeps "Exchange does not know the room's mailbox")
]);
const isFace = (file: string) => FACES.has(file) || /^server\/[^/]+\/(queries|events)\.ts$/.test(file);

test('the named faces exist (a renamed face would silently count as its whole feature)', () => {
  for (const face of FACES) assert.ok(statSync(join(root, face)).isFile(), face);
});

test('features depend on each other one way only (no folder, or face, reaches back to one that uses it)', () => {
  const featureOf = (file: string) => file.split('/')[1]!;
  const sources = FEATURES.flatMap((f) => tsFiles(join('server', f))).filter((f) => !f.endsWith('.test.ts'));
  /** The files of other features each file imports (relative imports, resolved). */
  const imported = new Map<string, string[]>();
  for (const file of sources) {
    const targets = importsOf(file)
      .filter((s) => s.startsWith('.'))
      .map((spec) => relative(root, join(root, file, '..', spec)))
      .filter((t) => t.split('/').length > 2 && t.startsWith('server/') && FEATURES.includes(featureOf(t)));
    imported.set(file, targets);
  }
  // A node is a feature, or a face with the files of its own folder it imports (its closure).
  const nodeOf = (file: string) => (isFace(file) ? file : featureOf(file));
  const closure = (face: string) => {
    const seen = new Set([face]);
    for (const f of seen) for (const t of imported.get(f) ?? []) if (featureOf(t) === featureOf(face)) seen.add(t);
    return [...seen];
  };
  const uses = new Map<string, Set<string>>();
  const addUses = (node: string, files: string[]) => {
    const out = uses.get(node) ?? new Set<string>();
    for (const f of files) for (const t of imported.get(f) ?? []) if (featureOf(t) !== featureOf(f)) out.add(nodeOf(t));
    uses.set(node, out);
  };
  for (const feature of FEATURES)
    addUses(
      feature,
      sources.filter((f) => featureOf(f) === feature),
    );
  for (const face of sources.filter(isFace)) addUses(face, closure(face));
  // Any way back to where a path started is a cycle (of any length).
  const cycles: string[] = [];
  const visit = (path: string[]) => {
    for (const next of uses.get(path.at(-1)!) ?? []) {
      if (next === path[0]) cycles.push([...path, next].join(' → '));
      else if (!path.includes(next) && next > path[0]!) visit([...path, next]);
    }
  };
  for (const node of uses.keys()) visit([node]);
  assert.deepEqual(cycles, [], 'features that import each other');
});
