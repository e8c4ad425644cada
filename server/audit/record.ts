import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { insertAuditEvent, listAuditEvents, type AuditEvent, type AuditQuery } from './repo.ts';

/** Who did it: a signed-in user, or the system itself (seed, worker). */
export interface Actor {
  id: number | null;
  username: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, username: 'system' };

/** Records one change; call it inside the same transaction as the change itself. */
export function recordAudit(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: Actor,
  action: string,
  entity: { type: string; id: string | number },
  before: unknown,
  after: unknown,
): void {
  insertAuditEvent(ctx.db, {
    at: toDbTime(ctx.clock.now()),
    actorId: actor.id,
    actorName: actor.username,
    action,
    entityType: entity.type,
    entityId: String(entity.id),
    before,
    after,
  });
}

export type { AuditEvent, AuditQuery } from './repo.ts';

/** One page of the audit trail, newest first (the admin audit page). */
export function listAudit(ctx: Pick<AppContext, 'db'>, q: AuditQuery): { events: AuditEvent[]; total: number } {
  return listAuditEvents(ctx.db, q);
}
