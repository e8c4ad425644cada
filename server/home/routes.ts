import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { ROLE_ABILITIES, ROLE_LABELS } from '../auth/roles.ts';
import { pages } from '../http/access.ts';

export function homeRoutes(ctx: AppContext): Router {
  const router = Router();

  /** GET / */
  router.get('/', ...pages.signedIn, (req, res) => {
    const user = req.user!;
    res.render('home/index', { title: 'Home', roleLabel: ROLE_LABELS[user.role], abilities: ROLE_ABILITIES[user.role] });
  });

  return router;
}
