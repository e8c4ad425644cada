import { z } from 'zod';
import { ROLES } from './roles.ts';
import { checkbox, email, text } from '../http/fields.ts';
import { msg } from '../i18n/zod.ts';

const role = z.enum(ROLES, { error: msg('users.choose_role') });

export const AccessForm = z.object({ role, active: checkbox });

export const NewUserForm = z.object({
  username: z
    .string({ error: msg('form.required', { label: msg('home.username') }) })
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, msg('users.username_chars')),
  displayName: text('field.full_name', 100),
  email: email('field.email'),
  role,
  password: z
    .string({ error: msg('form.required', { label: msg('login.password') }) })
    .min(12, msg('users.password_min'))
    .max(200, msg('form.max_chars', { label: msg('login.password'), max: 200 })),
});
