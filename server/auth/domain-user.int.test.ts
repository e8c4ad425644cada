// A Windows account's record follows the directory's name at each sign-in (domain-user.ts): a rename in Active
// Directory reaches pages, schedules and invitations; a lookup that gave no name (timed out) leaves the record alone,
// and the address never changes by itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listAuditEvents } from '../audit/repo.ts';
import { startTestApp, type TestApp } from '../test/test-app.ts';
import { refreshDomainUserName, signInDomainUser } from './domain-user.ts';

describe('domain accounts keep the directory name', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
  });
  after(() => app.close());
  const renames = () => listAuditEvents(app.ctx.db, { limit: 100, offset: 0 }).events.filter((e) => e.action === 'user.renamed_by_directory');

  test('a new name at sign-in is kept and audited; no name or the same name changes nothing', () => {
    const carol = { domain: 'CORP', user: 'carol', displayName: 'Carol Cooper', email: 'carol@corp.test' };
    const first = signInDomainUser(app.ctx, carol, 'ldap', null)!;
    assert.equal(first.displayName, 'Carol Cooper');

    const renamed = signInDomainUser(app.ctx, { ...carol, displayName: '  Carol Smith ', email: 'c.smith@corp.test' }, 'ldap', null)!;
    assert.equal(renamed.id, first.id);
    assert.equal(renamed.displayName, 'Carol Smith');
    assert.equal(renamed.email, 'carol@corp.test', 'the address stays: it decides whose mailbox sent the meetings');
    const events = renames();
    assert.equal(events.length, 1);

    // NTLM without a directory answer, and the same name again: nothing written.
    assert.equal(signInDomainUser(app.ctx, { domain: 'CORP', user: 'carol' }, 'ntlm', null)!.displayName, 'Carol Smith');
    refreshDomainUserName(app.ctx, first.id, undefined);
    refreshDomainUserName(app.ctx, first.id, 'Carol Smith');
    assert.equal(renames().length, 1);

    // The lookup after an NTLM sign-in found a new name.
    refreshDomainUserName(app.ctx, first.id, 'Carol Jones');
    assert.equal(signInDomainUser(app.ctx, { domain: 'CORP', user: 'carol' }, 'ntlm', null)!.displayName, 'Carol Jones');
  });
});
