// What the admin sync page does to the outbox, as one service (routes run no transaction of their own).
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit, type Actor } from '../audit/record.ts';
import { markResent } from '../bookings/service.ts';
import { NotFoundError } from '../errors.ts';
import * as repo from './outbox.repo.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'wakeOutbox'>;

/**
 * "Retry now": a failed job goes back in the queue and its booking back on its way; a waiting one (Exchange did not
 * answer, backing off) gets its next try now instead of after the back-off. Audited either way.
 */
export function retryFailedJob(ctx: Ctx, actor: Actor, id: number): void {
  ctx.db
    .transaction(() => {
      const at = toDbTime(ctx.clock.now());
      if (repo.retryWaitingNow(ctx.db, id, at)) {
        const job = repo.findJob(ctx.db, id)!;
        recordAudit(
          ctx,
          actor,
          'outbox.job_retried',
          { type: 'booking', id: job.bookingId },
          { job: id, status: 'waiting' },
          { job: id, status: 'waiting', nextAttemptAt: at },
        );
        return;
      }
      if (!repo.requeueJob(ctx.db, id, at)) throw new NotFoundError('job');
      const job = repo.findJob(ctx.db, id)!;
      const change = markResent(ctx, job.bookingId, job.kind);
      if (!change.ok) repo.recordProblem(ctx.db, id, change.problem, at);
      recordAudit(ctx, actor, 'outbox.job_retried', { type: 'booking', id: job.bookingId }, { job: id, status: 'failed' }, { job: id, status: 'waiting' });
    })
    .immediate();
  ctx.wakeOutbox();
}
