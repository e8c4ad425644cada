import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { pages } from '../http/access.ts';
import { flash } from '../http/flash.ts';
import { formPage, parseForm } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import { roleLabel, ROLES } from './roles.ts';
import { AccessForm, NewUserForm } from './schema.ts';
import { createLocalUser, listUsers, setUserAccess, toActor } from './service.ts';
import { t } from '../i18n/context.ts';

const messages = {
  saved: (name: string) => t('users.flash.saved', { name }),
  created: (name: string) => t('users.flash.created', { name }),
};

/** User and role administration under /admin. */
export function adminUserRoutes(ctx: AppContext): Router {
  const router = Router();
  // Built per request: the role names are in the reader's language.
  const roles = () => ROLES.map((r) => ({ value: r, label: roleLabel(r) }));
  const listModel = () => ({ title: t('home.tile.users_title'), users: listUsers(ctx), roles: roles() });
  const newModel = () => ({ title: t('users.new'), roles: roles(), values: { role: 'employee' } });

  /** GET /admin/users */
  router.get('/users', ...pages.admin, (_req, res) => res.render('admin/users/index', listModel()));

  /** POST /admin/users/:id/access */
  router.post('/users/:id/access', ...pages.admin, formPage('admin/users/index', listModel), (req, res) => {
    const input = parseForm(AccessForm, req.body);
    const user = setUserAccess(ctx, toActor(req.user!), idParam(req.params.id, 'user'), input.role, input.active);
    flash(req, 'success', messages.saved(user.displayName));
    res.redirect(303, '/admin/users');
  });

  /** GET /admin/users/new */
  router.get('/users/new', ...pages.admin, (_req, res) => res.render('admin/users/new', newModel()));

  /** POST /admin/users */
  router.post('/users', ...pages.admin, formPage('admin/users/new', newModel), async (req, res) => {
    const user = await createLocalUser(ctx, toActor(req.user!), parseForm(NewUserForm, req.body));
    flash(req, 'success', messages.created(user.displayName));
    res.redirect(303, '/admin/users');
  });

  return router;
}
