// `npm start` compiles the app (scripts/build.mjs) and runs the JavaScript without a TypeScript loader. This proves the
// compiled app is whole: it starts on embedded defaults, finds its views, styles, translations and migrations through
// the links in the output, and carries no test code and no import of a .ts file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, spawnApp, type SpawnedApp } from '../test/spawn-app.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'roombook-build-'));
const out = join(dir, 'build');
let app: SpawnedApp | undefined;
after(async () => {
  await app?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const filesUnder = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isSymbolicLink() ? [] : e.isDirectory() ? filesUnder(join(d, e.name)) : [join(d, e.name)]));

test('the build compiles server/ and emulator/ into plain JavaScript, without tests', () => {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', out], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(built.status, 0, built.stderr);
  const files = filesUnder(out).map((f) => f.slice(out.length + 1));
  for (const must of ['server/main.js', 'server/app.js', 'emulator/main.js', 'emulator/default-org.json', 'server/db/pg-sync-worker.mjs'])
    assert.ok(files.includes(must), `${must} is in the build`);
  assert.deepEqual(
    files.filter((f) => f.endsWith('.ts') || /\.test\.js$|(^|\/)(test|fixtures)\//.test(f)),
    [],
    'no TypeScript and no test code in the build',
  );
  const tsImports = files
    .filter((f) => f.endsWith('.js'))
    .filter((f) => /\bfrom\s*["']\.{1,2}\/[^"']*\.ts["']|import\(\s*["']\.{1,2}\/[^"']*\.ts["']/.test(readFileSync(join(out, f), 'utf8')));
  assert.deepEqual(tsImports, [], 'every relative import names a compiled .js file');
});

test('the compiled app starts on embedded defaults and serves pages, styles and translations', async () => {
  const port = await freePort();
  app = await spawnApp(port, { DATABASE_PATH: join(dir, 'app.db'), EMULATOR_PORT: String(await freePort()) }, [
    '--enable-source-maps',
    join(out, 'server', 'main.js'),
  ]);
  const health = await fetch(`${app.url}/healthz`);
  assert.equal(health.status, 200);

  const login = await fetch(`${app.url}/login`, { headers: { 'accept-language': 'hu' } });
  assert.equal(login.status, 200);
  const html = await login.text();
  assert.match(html, /<html[^>]*lang="hu"/, 'the Hungarian catalogue was found');
  assert.match(html, /<form[^>]*method="post"/i, 'the sign-in view was rendered');
  const css = /href="(\/[^"]+\.css)"/.exec(html)?.[1];
  assert.ok(css, 'the page links a style sheet');
  const sheet = await fetch(`${app.url}${css}`);
  assert.equal(sheet.status, 200, `${css} is served from public/`);
  assert.match(sheet.headers.get('content-type') ?? '', /text\/css/);
});
