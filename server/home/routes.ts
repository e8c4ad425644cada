import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { ROLE_ABILITIES, ROLE_LABELS } from '../users/roles.ts';
import { isDatabaseHealthy } from '../db/connection.ts';
import { pages } from '../http/access.ts';

export function homeRoutes(ctx: AppContext): Router {
  const router = Router();

  /** GET /healthz: no sign-in; for load balancers and the admin. */
  router.get('/healthz', (_req, res) => {
    const db = isDatabaseHealthy(ctx.db);
    const exchange = ctx.gateway.health();
    // Exchange being unreachable is reported but does not fail the check: bookings wait in the outbox meanwhile.
    res.status(db ? 200 : 503).json({
      status: db ? 'ok' : 'degraded',
      database: db ? 'ok' : 'unavailable',
      mode: ctx.config.embedded ? 'embedded' : 'exchange',
      exchange: { reachable: exchange.reachable, lastError: exchange.lastError ? { at: exchange.lastError.at, operation: exchange.lastError.operation } : null },
      uptimeSeconds: Math.round(process.uptime()),
    });
  });

  /** GET / */
  router.get('/', ...pages.signedIn, (req, res) => {
    const user = req.user!;
    res.render('home/index', { title: 'Home', roleLabel: ROLE_LABELS[user.role], abilities: ROLE_ABILITIES[user.role] });
  });

  return router;
}
