import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HelperUnavailableError, NtlmHelper } from './ntlm-helper.ts';

// Stand-ins for ntlm_auth that misbehave on purpose; the real helper is exercised in ntlm.int.test.ts.
describe('NtlmHelper', () => {
  let dir: string;
  const script = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const helper = (helperPath: string) => new NtlmHelper({ helperPath, helperConfigFile: null, timeoutMs: 200, maxHandshakes: 10 });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'roombook-helper-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('NtlmHelper.ask() gives up with HelperUnavailableError when the helper never answers', async () => {
    const h = helper(script('silent', 'sleep 30'));
    await assert.rejects(h.ask('YR', 'TlRMTVNTUAABAAAA'), HelperUnavailableError);
    h.close();
  });

  test('NtlmHelper.ask() treats BH as unavailable, never as a refusal or a sign-in', async () => {
    const h = helper(script('broken', 'read line; echo "BH NT_STATUS_UNSUCCESSFUL"; sleep 30'));
    await assert.rejects(h.ask('KK', 'TlRMTVNTUAADAAAA'), /BH NT_STATUS_UNSUCCESSFUL/);
    h.close();
  });

  test('NtlmHelper.ask() refuses an answer that does not fit the request', async () => {
    const h = helper(script('confused', 'read line; echo "AF CORP\\\\mallory"; sleep 30'));
    await assert.rejects(h.ask('YR', 'TlRMTVNTUAABAAAA'), /unexpected answer/);
    h.close();
  });

  test('NtlmHelper.ask() reports a helper that exits or is missing instead of crashing', async () => {
    const gone = helper(script('exits', 'exit 3'));
    await assert.rejects(gone.ask('YR', 'TlRMTVNTUAABAAAA'), HelperUnavailableError);
    const missing = helper(join(dir, 'no-such-helper'));
    await assert.rejects(missing.ask('YR', 'TlRMTVNTUAABAAAA'), HelperUnavailableError);
  });

  test('NtlmHelper.ask() passes NA on with only the status name', async () => {
    const h = helper(script('refuses', 'read line; echo "NA NT_STATUS_LOGON_FAILURE extra words"; sleep 30'));
    assert.deepEqual(await h.ask('KK', 'TlRMTVNTUAADAAAA'), { code: 'NA', reason: 'NT_STATUS_LOGON_FAILURE' });
    h.close();
  });
});
