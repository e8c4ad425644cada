import type { AppContext } from '../context.ts';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import { countAdmins } from './repo.ts';
import { createLocalUser } from './service.ts';

/** Creates the configured first administrator when no active admin exists, so a fresh deployment can be reached. */
export async function ensureBootstrapAdmin(ctx: Pick<AppContext, 'db' | 'clock' | 'log' | 'config'>): Promise<void> {
  if (countAdmins(ctx.db) > 0) return;
  const admin = ctx.config.bootstrapAdmin;
  if (!admin) {
    ctx.log.warn({ event: 'auth.no_admin' }, 'no administrator exists: set BOOTSTRAP_ADMIN_USERNAME, _EMAIL and _PASSWORD to create one');
    return;
  }
  await createLocalUser(ctx, SYSTEM_ACTOR, {
    username: admin.username,
    displayName: 'Administrator',
    email: admin.email,
    role: 'admin',
    password: admin.password,
  });
  ctx.log.info({ event: 'auth.bootstrap_admin_created', username: admin.username }, 'first administrator created');
}
