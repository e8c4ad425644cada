// npm run bench: every benchmark of the project, one after another, printing numbers (no assertions).
// Each benchmark module in this folder exports `run(): Promise<BenchReport>`; targets live here as text.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchReport {
  name: string;
  /** Measured values with their units in the key, e.g. { 'median ms': 3.1 }. */
  results: Record<string, number | string>;
  /** What the issue asks for, for the reader to compare. */
  targets?: Record<string, string>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only || f.includes(only))
  .sort();

for (const file of modules) {
  const mod = (await import(pathToFileURL(`${here}/${file}`).href)) as { run: () => Promise<BenchReport> };
  const started = Date.now();
  const report = await mod.run();
  console.log(`\n## ${report.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const [k, v] of Object.entries(report.results)) console.log(`  ${k.padEnd(48)} ${v}`);
  if (report.targets) for (const [k, v] of Object.entries(report.targets)) console.log(`  target: ${k.padEnd(40)} ${v}`);
}
if (!modules.length) console.log('no benchmarks found');
