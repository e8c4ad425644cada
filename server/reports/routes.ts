import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { parseForm } from '../http/form.ts';
import { presentReport, reportCsv } from './present.ts';
import { ReportQuery } from './schema.ts';
import { buildReport, resolveRequest } from './service.ts';
import { t } from '../i18n/context.ts';

/** Utilisation reports for reception and administrators: the page with its charts, and the same numbers as CSV. */
export function reportRoutes(ctx: AppContext): Router {
  const router = Router();

  /** GET /reports?from=&to=&building= */
  router.get('/reports', ...pages.reception, (req, res) => {
    const data = buildReport(ctx, resolveRequest(ctx, parseForm(ReportQuery, req.query, 400)));
    res.render('reports/index', {
      title: t('reports.title'),
      r: presentReport(data),
      buildings: data.buildings,
      values: { from: data.request.period.from, to: data.request.period.to, building: data.request.building ?? '' },
    });
  });

  /** GET /reports.csv?from=&to=&building= */
  router.get('/reports.csv', ...pages.reception, (req, res) => {
    const data = buildReport(ctx, resolveRequest(ctx, parseForm(ReportQuery, req.query, 400)));
    const name = `utilisation-${data.request.period.from}-to-${data.request.period.to}.csv`;
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    // The byte order mark makes spreadsheet programs read the file as UTF-8 (room names, the em dash).
    res.type('text/csv; charset=utf-8').send('\uFEFF' + reportCsv(data));
  });

  return router;
}
