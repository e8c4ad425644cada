#!/usr/bin/env node
// The fuzz level: `npm run test:fuzz` (part of `npm test`: seed 19, 120 cases) or a longer run,
// `npm run fuzz -- --runs 2000 [--seed 123] [--path 12:3:0]` (a fresh seed unless given; --path replays one failure).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' }, path: { type: 'string' }, long: { type: 'boolean' } } });
const seed = values.seed ?? (values.long ? String(Date.now() % 2 ** 31) : '19');
const runs = values.runs ?? (values.long ? '1000' : '120');
const root = new URL('../../../', import.meta.url).pathname;
console.log(`fuzz: seed ${seed}, ${runs} cases${values.path ? `, replaying path ${values.path}` : ''}`);
const env = {
  ...process.env,
  TZ: process.env.TZ ?? 'America/New_York',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  FUZZ_SEED: seed,
  FUZZ_RUNS: runs,
  ...(values.path ? { FUZZ_PATH: values.path } : {}),
};
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', 'server/test/fuzz/routes.fuzz.ts'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
