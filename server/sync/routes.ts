import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { idParam } from '../http/params.ts';
import { toActor } from '../users/service.ts';
import { retryFailedJob } from './admin.ts';
import { outboxOverview } from './outbox.ts';
import type { Reconciler } from './reconciler.ts';

/** The admin page at /admin/sync (its URL kept for bookmarks): the outbox, failed jobs with a retry button, the reconciler and Exchange health. */
export function adminExchangeRoutes(ctx: AppContext, reconciler: Reconciler): Router {
  const router = Router();

  /** GET /admin/sync */
  router.get('/sync', ...pages.admin, (_req, res) => {
    const health = ctx.gateway.health();
    res.render('admin/sync', {
      title: 'Exchange sync',
      ...outboxOverview(ctx.db),
      health,
      lastReconcile: reconciler.last,
      exchangeUrl: ctx.config.exchangeUrl ?? 'built-in emulator',
    });
  });

  /** POST /admin/sync/jobs/:id/retry */
  router.post('/sync/jobs/:id/retry', ...pages.admin, (req, res) => {
    const id = idParam(req.params.id, 'job');
    retryFailedJob(ctx, toActor(req.user!), id);
    flash(req, 'success', `Job ${id} will be tried again now.`);
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
