// What the admin sync page does to the outbox, as one service (routes run no transaction of their own).
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit, type Actor } from '../audit/record.ts';
import { markResent } from '../bookings/service.ts';
import { NotFoundError } from '../errors.ts';
import * as repo from './outbox.repo.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'wakeOutbox'>;

/** Puts a failed job back in the queue now and the booking back on its way; audited. */
export function retryFailedJob(ctx: Ctx, actor: Actor, id: number): void {
  ctx.db
    .transaction(() => {
      const at = toDbTime(ctx.clock.now());
      if (!repo.requeueJob(ctx.db, id, at)) throw new NotFoundError('failed job');
      const job = repo.findJob(ctx.db, id)!;
      const change = markResent(ctx, job.bookingId, job.kind);
      if (!change.ok) repo.recordProblem(ctx.db, id, change.problem, at);
      recordAudit(ctx, actor, 'outbox.job_retried', { type: 'booking', id: job.bookingId }, { job: id, status: 'failed' }, { job: id, status: 'waiting' });
    })
    .immediate();
  ctx.wakeOutbox();
}
