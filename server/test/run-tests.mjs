#!/usr/bin/env node
// Node 20's test runner does not discover .ts files, so this lists them and runs them.
// Usage: node server/test/run-tests.mjs unit|int [filter]
//   filter: a substring of the file path; '!substring' leaves those files out (e.g. int '!server/auth/')
//
// How (and why this way):
// - Files run in a few LANES side by side (TEST_LANES, default: the number of cores, at least 2). A lane is one node
//   process that runs its files one after another (lane.mjs), so node, tsx and the app's modules load once per lane
//   instead of once per file (about 1.5 s of CPU each). Files are dealt to lanes longest first, by the durations the
//   last run recorded (node_modules/.cache/roombook-tests/), so the lanes finish close together.
// - Every integration test uses its own temp database and port 0, so lanes share nothing. The exception is
//   server/auth/*.int.test.ts: they start a Samba DC on fixed ports. They run afterwards, one file at a time, each
//   in its own process (as before), never beside another lane.
// - A lane's output is printed in one piece when it ends, so the spec report of each file stays readable.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, rmSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

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
  .filter((f) => (filter.startsWith('!') ? !f.includes(filter.slice(1)) : f.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`no ${level} test files found`);
  process.exit(1);
}

/** Files that need the Samba DC on its fixed ports: never two at once, never beside other lanes. */
const needsDc = (f) => level === 'int' && /^server\/auth\/[^/]+\.int\.test\.ts$/.test(f);
const parallel = files.filter((f) => !needsDc(f));
const serial = files.filter(needsDc);

// Unit tests run in a zone with daylight saving so code that leans on the process zone fails (STYLE 2.10).
const env = { ...process.env, TZ: level === 'unit' ? 'Europe/Budapest' : (process.env.TZ ?? 'America/New_York'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' };

const cacheDir = join(root, 'node_modules', '.cache', 'roombook-tests');
const cacheFile = join(cacheDir, `durations-${level}.json`);
const known = (() => {
  try {
    return JSON.parse(readFileSync(cacheFile, 'utf8'));
  } catch {
    return {};
  }
})();
// Without a recorded duration, guess from the size (a few ms per line; child-process tests are the long ones).
const estimate = (f) => known[f] ?? statSync(join(root, f)).size / 10;

const laneCount = Math.max(1, Math.min(parallel.length, Number(process.env.TEST_LANES) || Math.max(2, availableParallelism())));
const lanes = Array.from({ length: laneCount }, () => ({ files: [], load: 0 }));
for (const f of [...parallel].sort((a, b) => estimate(b) - estimate(a))) {
  const lane = lanes.reduce((min, l) => (l.load < min.load ? l : min));
  lane.files.push(f);
  lane.load += estimate(f);
}

const scratch = mkdtempSync(join(tmpdir(), 'roombook-lanes-'));
const started = performance.now();
const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);

/** Runs a lane; resolves with its exit code once its whole output has been printed. */
function runLane(laneFiles, index) {
  const timings = join(scratch, `lane-${index}.json`);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test-reporter=spec', join(root, 'server/test/lane.mjs'), ...laneFiles], {
      cwd: root,
      env: { ...env, TEST_LANE_TIMINGS: timings },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks = [];
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
    // 'close' waits for every process holding the lane's output; one a test left behind could hold it forever, so
    // after the lane itself exits, wait for its output a few seconds at most.
    let finished = false;
    const finish = (code, signal) => {
      if (finished) return;
      finished = true;
      child.stdout.destroy();
      child.stderr.destroy();
      process.stdout.write(Buffer.concat(chunks));
      const status = code ?? 1;
      console.log(
        `\n── lane ${index + 1}/${laneCount}: ${laneFiles.length} files, ${status === 0 ? 'passed' : `FAILED (exit ${code ?? signal})`} in ${seconds(t0)} s ──\n`,
      );
      try {
        Object.assign(known, JSON.parse(readFileSync(timings, 'utf8')));
      } catch {
        // A lane that crashed records nothing; the next run estimates its files again.
      }
      resolve(status);
    };
    child.on('close', finish);
    child.on('exit', (code, signal) => setTimeout(() => finish(code, signal), 5_000).unref());
  });
}

/** The Samba DC files: one process per file, one at a time (node --test, as they always ran). */
function runSerial(serialFiles) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...serialFiles], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const codes = await Promise.all(lanes.map((l, i) => runLane(l.files, i)));
if (serial.length) codes.push(await runSerial(serial));

mkdirSync(cacheDir, { recursive: true });
writeFileSync(cacheFile, JSON.stringify(known, null, 1));
rmSync(scratch, { recursive: true, force: true });

const failed = codes.filter((c) => c !== 0).length;
console.log(
  `${level}: ${files.length} files in ${laneCount} lanes${serial.length ? ` + ${serial.length} serial (Samba DC)` : ''}, ${failed ? `${failed} group(s) FAILED` : 'all passed'} in ${seconds(started)} s`,
);
process.exit(failed ? 1 : 0);
