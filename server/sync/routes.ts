import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { idParam } from '../http/params.ts';
import { toActor } from '../users/service.ts';
import { retryFailedJob } from './admin.ts';
import { outboxOverview } from './outbox.ts';
import type { Reconciler } from './reconciler.ts';
import { t } from '../i18n/context.ts';
import { readStored } from '../i18n/stored.ts';

/** The admin page at /admin/sync (its URL kept for bookmarks): the outbox, failed jobs with a retry button, the reconciler and Exchange health. */
export function adminExchangeRoutes(ctx: AppContext, reconciler: Reconciler): Router {
  const router = Router();

  /** GET /admin/sync */
  router.get('/sync', ...pages.admin, (_req, res) => {
    const health = ctx.gateway.health();
    res.render('admin/sync', {
      title: t('sync.title'),
      ...outboxOverview(ctx.db),
      health,
      lastReconcile: reconciler.last,
      exchangeUrl: ctx.config.exchangeUrl ?? t('sync.emulator'),
      // Reconcile problems are catalog references (bookings/exchange-state.ts): read in the admin's language.
      readStored,
    });
  });

  /** POST /admin/sync/jobs/:id/retry */
  router.post('/sync/jobs/:id/retry', ...pages.admin, (req, res) => {
    const id = idParam(req.params.id, 'job');
    retryFailedJob(ctx, toActor(req.user!), id);
    flash(req, 'success', t('sync.flash.retry', { id }));
    res.redirect(303, '/admin/sync');
  });

  /** POST /admin/sync/reconcile: read the room calendars from Exchange now */
  router.post('/sync/reconcile', ...pages.admin, async (req, res) => {
    const s = await reconciler.runNow();
    flash(
      req,
      s.failedRooms.length ? 'error' : 'success',
      t('sync.flash.reconciled', { rooms: s.rooms, failed: s.failedRooms.length, external: s.external, declined: s.declined, cancelled: s.cancelled }),
    );
    res.redirect(303, '/admin/sync');
  });

  return router;
}
