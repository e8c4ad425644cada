import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import dockerfileUtils from 'dockerfile-utils';

const { validate } = dockerfileUtils;
// LSP severities: 1 error, 2 warning (3 information and 4 hint are not findings).
const FINDING = new Set([1, 2]);

const root = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');

const works = (cmd: string, args: string[], timeoutMs = 15_000) => {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs });
  return r.status === 0;
};

/** Instructions with line continuations joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const sp = l.search(/\s/);
      return { op: l.slice(0, sp).toUpperCase(), args: l.slice(sp + 1).trim() };
    });
}

test('the Dockerfile: multi-stage, npm ci --omit=dev, non-root, HEALTHCHECK on /healthz', () => {
  const ins = instructions(dockerfile);
  const froms = ins.filter((i) => i.op === 'FROM');
  assert.ok(froms.length >= 2, 'multi-stage');
  for (const f of froms) assert.doesNotMatch(f.args, /:latest\b|^[^:\s]+(\s|$)/, `pinned base image: ${f.args}`);
  const lastFrom = ins.lastIndexOf(froms.at(-1)!);
  const final = ins.slice(lastFrom);
  assert.ok(
    ins.some((i) => i.op === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args)),
    'npm ci --omit=dev',
  );
  assert.ok(
    final.some((i) => i.op === 'COPY' && /--from=/.test(i.args) && /node_modules/.test(i.args)),
    'the final stage takes node_modules from the build stage',
  );
  assert.ok(!final.some((i) => i.op === 'RUN' && /apt-get install|g\+\+|make/.test(i.args)), 'no build tools in the final stage');
  const user = final.filter((i) => i.op === 'USER').at(-1);
  assert.ok(user && !/^(root|0)(:|$)/.test(user.args), 'runs as a non-root user');
  assert.ok(
    final.some((i) => i.op === 'HEALTHCHECK' && /\/healthz/.test(i.args)),
    'HEALTHCHECK on /healthz',
  );
  assert.ok(!ins.some((i) => i.op === 'ADD' && /https?:/.test(i.args)), 'no remote ADD');
  const ignore = readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8').split('\n');
  for (const p of ['node_modules', 'data', '.git']) assert.ok(ignore.includes(p), `.dockerignore leaves out ${p}`);
});

test('the image builds with a container engine, else the Dockerfile passes a linter (says which ran)', { timeout: 900_000 }, (t) => {
  const engine = ['docker', 'podman'].find((e) => works(e, ['info']));
  if (engine) {
    const tag = `roombook-test:${process.pid}`;
    const build = spawnSync(engine, ['build', '-t', tag, '.'], { cwd: root, encoding: 'utf8', timeout: 840_000 });
    assert.equal(build.status, 0, `${engine} build failed:\n${build.stdout}\n${build.stderr}`);
    try {
      const inspect = spawnSync(engine, ['image', 'inspect', tag, '--format', '{{.Config.User}} {{json .Config.Healthcheck}}'], { encoding: 'utf8' });
      assert.match(inspect.stdout, /^node /);
      assert.match(inspect.stdout, /healthz/);
    } finally {
      spawnSync(engine, ['image', 'rm', '-f', tag]);
    }
    t.diagnostic(`built the image with ${engine}`);
    console.log(`container check: built the image with ${engine}`);
    return;
  }
  if (works('hadolint', ['--version'])) {
    const lint = spawnSync('hadolint', ['Dockerfile'], { cwd: root, encoding: 'utf8' });
    assert.equal(lint.status, 0, `hadolint:\n${lint.stdout}${lint.stderr}`);
    t.diagnostic('no container engine running: linted the Dockerfile with hadolint');
    console.log('container check: no container engine running; linted the Dockerfile with hadolint');
    return;
  }
  // Neither runs here (hadolint is not packaged by Debian): dockerfile-utils, the linter of VS Code's Docker support.
  const problems = validate(dockerfile).filter((d) => d.severity !== undefined && FINDING.has(d.severity));
  assert.deepEqual(
    problems.map((p) => `line ${p.range.start.line + 1}: ${p.message}`),
    [],
  );
  t.diagnostic('no container engine running and no hadolint: linted the Dockerfile with dockerfile-utils');
  console.log('container check: no container engine running and no hadolint; linted the Dockerfile with dockerfile-utils');
});
