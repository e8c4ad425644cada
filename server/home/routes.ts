import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { roleAbilities, roleLabel } from '../users/roles.ts';
import { t } from '../i18n/context.ts';
import { pages } from '../http/access.ts';

export function homeRoutes(_ctx: AppContext): Router {
  const router = Router();

  /** GET / */
  router.get('/', ...pages.signedIn, (req, res) => {
    const user = req.user!;
    res.render('home/index', { title: t('home.title'), roleLabel: roleLabel(user.role), abilities: roleAbilities(user.role) });
  });

  return router;
}
