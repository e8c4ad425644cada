import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { recordAudit } from '../audit/record.ts';
import { toDbTime } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { idParam } from '../http/params.ts';
import { toActor } from '../users/service.ts';
import { markResent } from '../bookings/service.ts';
import * as outbox from './outbox.repo.ts';
import type { Reconciler } from './reconciler.ts';

/** Admin "sync" page: the outbox, failed jobs with a retry button, the reconciler and Exchange health. */
export function adminSyncRoutes(ctx: AppContext, reconciler: Reconciler): Router {
  const router = Router();

  /** GET /admin/sync */
  router.get('/sync', ...pages.admin, (_req, res) => {
    const health = ctx.gateway.health();
    res.render('admin/sync', {
      title: 'Exchange sync',
      counts: outbox.countJobs(ctx.db),
      failed: outbox.listJobs(ctx.db, ['failed'], 100),
      pending: outbox.listJobs(ctx.db, ['waiting', 'running'], 100),
      health,
      lastReconcile: reconciler.last,
      exchangeUrl: ctx.config.exchangeUrl ?? 'built-in emulator',
    });
  });

  /** POST /admin/sync/jobs/:id/retry */
  router.post('/sync/jobs/:id/retry', ...pages.admin, (req, res) => {
    const id = idParam(req.params.id, 'job');
    ctx.db
      .transaction(() => {
        const at = toDbTime(ctx.clock.now());
        if (!outbox.requeueJob(ctx.db, id, at)) throw new NotFoundError('failed job');
        const job = outbox.findJob(ctx.db, id)!;
        markResent(ctx, job.bookingId, job.kind);
        recordAudit(ctx, toActor(req.user!), 'outbox.job_retried', { type: 'booking', id: job.bookingId }, { job: id, status: 'failed' }, { job: id, status: 'waiting' });
      })
      .immediate();
    ctx.wakeOutbox();
    flash(req, 'success', `Job ${id} is queued again.`);
    res.redirect(303, '/admin/sync');
  });

  /** POST /admin/sync/reconcile: read the room calendars from Exchange now */
  router.post('/sync/reconcile', ...pages.admin, async (req, res) => {
    const s = await reconciler.runNow();
    flash(req, s.failedRooms.length ? 'error' : 'success', `Read ${s.rooms} room calendars${s.failedRooms.length ? `; ${s.failedRooms.length} could not be read` : ''}: ${s.external} meetings from Outlook, ${s.declined} declined, ${s.cancelled} cancelled in Outlook.`);
    res.redirect(303, '/admin/sync');
  });

  return router;
}
