// One test lane: runs the given test files one after another in THIS process, so node, tsx and the app's modules
// load once per lane instead of once per file (run-tests.mjs starts a few lanes side by side).
// Usage (from run-tests.mjs): node --import tsx --test-reporter=spec server/test/lane.mjs <file>...
//
// Each file is imported inside its own describe(), so its top-level before/after/beforeEach hooks stay scoped to
// that file as they would be in a process of its own (node:test attributes them to the enclosing suite).
import { writeFileSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const files = process.argv.slice(2);
const timings = {};

for (const file of files) {
  describe(file, async () => {
    let started = 0;
    before(() => {
      started = performance.now();
    });
    after(() => {
      timings[file] = Math.round(performance.now() - started);
    });
    await import(pathToFileURL(resolve(file)).href);
  });
}

// Durations go back to run-tests.mjs, which balances the next run's lanes with them.
process.on('exit', () => {
  if (process.env.TEST_LANE_TIMINGS) writeFileSync(process.env.TEST_LANE_TIMINGS, JSON.stringify(timings));
});

// A file that leaves a handle open (a server, a socket) would keep the lane alive after its last test; say so
// and end instead of hanging the whole run. The timer is unref'd: it never keeps a finished lane alive.
after(() => {
  setTimeout(() => {
    console.error(`lane [${files.join(', ')}]: something kept the process alive 10 s after the last test; exiting`);
    process.exit(process.exitCode || 1);
  }, 10_000).unref();
});
