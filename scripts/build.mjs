// `npm start`'s first step (`npm run build` alone): the app's TypeScript compiled to plain JavaScript in .build/, one
// file per source file at the same relative place, so the app runs without a TypeScript loader. Under `--import tsx`,
// Node 20 runs the loader's hooks on a thread of their own (module.register): a second V8 heap, ~40 MB of resident
// memory for as long as the app runs. esbuild is the compiler tsx itself uses, so the JavaScript is the same.
//
// Source files find their data by paths relative to themselves (new URL('../../views/…', import.meta.url)), so the
// output holds links to the folders they look in (views, public, db, locales) and copies of the data files that live
// next to code (the emulator's default organisation, the PostgreSQL sync worker). `node scripts/build.mjs <dir>` builds
// elsewhere (the production-start test does).
import { build, stop } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const SOURCE_TREES = ['server', 'emulator'];
const LINKED = ['views', 'public', 'db', 'locales'];
/** Tests, their support files, protocol fixtures and the real-client harness never run in a deployment. */
const isTestOnly = (rel) => /(^|\/)(test|fixtures|clients)(\/|$)|\.test\.ts$/.test(rel);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** Compiles server/ and emulator/ into `out` (replacing it) and returns the path of the compiled server/main.js. */
export async function buildApp(out = join(root, '.build')) {
  const files = SOURCE_TREES.flatMap((t) => walk(join(root, t))).filter((f) => !isTestOnly(relative(root, f)));
  rmSync(out, { recursive: true, force: true });
  try {
    await build({
      entryPoints: files.filter((f) => f.endsWith('.ts')),
      outdir: out,
      outbase: root,
      // Bundling is on only so that the plugin sees every import; every import stays external, one output per input.
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Stack traces name the TypeScript lines (the app starts with source maps enabled).
      sourcemap: 'linked',
      logLevel: 'warning',
      plugins: [
        {
          name: 'imports-as-written',
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) => {
              if (args.kind === 'entry-point') return undefined;
              // A relative import of a .ts file is the compiled .js beside it; packages and node: stay as written.
              const path = /^\.\.?\//.test(args.path) ? args.path.replace(/\.ts$/, '.js') : args.path;
              return { path, external: true };
            });
          },
        },
      ],
    });
  } finally {
    await stop();
  }
  for (const f of files.filter((f) => !f.endsWith('.ts') && !f.endsWith('.md'))) {
    const to = join(out, relative(root, f));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(f, to);
  }
  for (const d of LINKED) symlinkSync(relative(out, join(root, d)), join(out, d));
  // Packages are found by walking up from each file: an output outside the project (a test's) needs its own link.
  if (relative(root, out).startsWith('..')) symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
  return join(out, 'server', 'main.js');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildApp(process.argv[2]);
