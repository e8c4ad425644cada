import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { liveness, readiness, type ExchangeProbe, type HealthReport } from './health.ts';
import { metricsAccess, type AppMetrics } from './metrics.ts';

/**
 * /healthz, /readyz and /metrics. Mounted before the session middleware: a probe never reads or writes a session,
 * never gets a cookie, and none of these handlers writes to the database.
 */
export function opsRoutes(ctx: AppContext, deps: { probe: ExchangeProbe; metrics: AppMetrics }): Router {
  const router = Router();
  const access = metricsAccess(ctx.config.metrics);
  const mode = ctx.config.embedded ? 'embedded' : 'exchange';

  const answer = (res: Response, r: HealthReport, extra: Record<string, unknown>) => {
    res.set('Cache-Control', 'no-store');
    res
      .status(r.status === 'ok' ? 200 : 503)
      .json({ status: r.status, ...extra, problems: r.problems, checks: r.checks, mode, uptimeSeconds: Math.round(process.uptime()) });
  };

  /** GET /healthz: liveness (the process and the database). Exchange is /readyz's business: restarting won't fix it. */
  router.get('/healthz', (_req, res) => {
    const r = liveness(ctx);
    answer(res, r, { database: r.checks.database!.ok ? 'ok' : 'unavailable' });
  });

  /** GET /readyz: readiness (also Exchange answered a real probe recently, and the outbox is not stuck). */
  router.get('/readyz', async (_req, res) => {
    answer(res, await readiness(ctx, deps.probe), {});
  });

  /** GET /metrics: Prometheus text format; bearer token or allow-listed network (METRICS_TOKEN, METRICS_ALLOW). */
  router.get('/metrics', async (req: Request, res: Response) => {
    const verdict = access(req);
    if (verdict === 'hidden') return void res.status(404).type('text/plain').send('Not found\n');
    if (verdict === 'unauthorized') return void res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').type('text/plain').send('Unauthorized\n');
    // Keep Exchange's readiness probe going while someone scrapes, so the probe gauges are current.
    void deps.probe.current(0);
    res
      .set('Cache-Control', 'no-store')
      .type(deps.metrics.registry.contentType)
      .send(await deps.metrics.registry.metrics());
  });

  return router;
}
