import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { parseForm } from '../http/form.ts';
import { listAudit } from './record.ts';
import { t } from '../i18n/context.ts';
import { msg } from '../i18n/zod.ts';

const PAGE_SIZE = 50;

const AuditQuery = z.object({
  entity: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['room', 'user', 'equipment', 'booking'], { error: msg('audit.unknown_kind') }).optional()),
  id: z.string().trim().max(40).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

/** GET /admin/audit: who changed what, newest first. */
export function adminAuditRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/audit', ...pages.admin, (req, res) => {
    const q = parseForm(AuditQuery, req.query, 400);
    const { events, total } = listAudit(ctx, {
      entityType: q.entity,
      entityId: q.id || undefined,
      limit: PAGE_SIZE,
      offset: (q.page - 1) * PAGE_SIZE,
    });
    res.render('admin/audit', {
      title: t('audit.title'),
      events: events.map((e) => ({
        ...e,
        beforeText: e.before ? JSON.stringify(e.before, null, 1) : '',
        afterText: e.after ? JSON.stringify(e.after, null, 1) : '',
      })),
      page: q.page,
      pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      filter: { entity: q.entity ?? '', id: q.id ?? '' },
    });
  });
  return router;
}
