// npm run bench [filter]: every benchmark of the project, one after another, then ONE table of every figure with its
// target and, where the issue asks for one, its ratio (to the floor or to a figure measured in the same run).
// Each module in this folder exports `run(): Promise<BenchReport>`. No assertions: numbers for people to read.
// Options (environment): BENCH_MIXED_SECONDS (mixed load per minute-long phase, default 20; the issue's figure is 60),
// BENCH_HISTORY_ROWS (past bookings for the history bench, default 1000000), BENCH_PHASE_SECONDS (other load phases, default 5).
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchRow {
  figure: string;
  value: number;
  unit: string;
  /** What the issue asks for, in words ("≤ 1.5 × round trip"). */
  target: string;
  /** The figure divided by what it is compared with, measured in the same run. */
  ratio?: { value: number; of: string };
}

export interface BenchReport {
  name: string;
  rows?: BenchRow[];
  /** Older style: measured values with their units in the key, e.g. { 'median ms': 3.1 }. */
  results?: Record<string, number | string>;
  targets?: Record<string, string>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only || f.includes(only))
  .sort();

const table: { section: string; row: BenchRow | { figure: string; text: string } }[] = [];
for (const file of modules) {
  const mod = (await import(pathToFileURL(`${here}/${file}`).href)) as { run: () => Promise<BenchReport> };
  const started = Date.now();
  const report = await mod.run();
  console.error(`bench: ${report.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const row of report.rows ?? []) table.push({ section: report.name, row });
  for (const [figure, v] of Object.entries(report.results ?? {})) table.push({ section: report.name, row: { figure, text: String(v) } });
  for (const [figure, v] of Object.entries(report.targets ?? {})) table.push({ section: report.name, row: { figure: `target: ${figure}`, text: v } });
}
if (!modules.length) console.log('no benchmarks found');

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
let section = '';
console.log(`\n| figure | value | target | ratio |\n|---|---|---|---|`);
for (const { section: s, row } of table) {
  if (s !== section) console.log(`| **${(section = s)}** | | | |`);
  if ('text' in row) console.log(`| ${row.figure} | ${row.text} | | |`);
  else console.log(`| ${row.figure} | ${fmt(row.value)} ${row.unit} | ${row.target} | ${row.ratio ? `${fmt(row.ratio.value)} × ${row.ratio.of}` : ''} |`);
}
