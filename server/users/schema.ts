import { z } from 'zod';
import { ROLES } from './roles.ts';
import { checkbox, email, text } from '../http/fields.ts';

const role = z.enum(ROLES, { error: 'Choose a role.' });

export const AccessForm = z.object({ role, active: checkbox });

export const NewUserForm = z.object({
  username: z
    .string({ error: 'User name is required.' })
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'User name must be 2–64 letters, digits, dots, dashes or underscores.'),
  displayName: text('Full name', 100),
  email: email('E-mail address'),
  role,
  password: z
    .string({ error: 'Password is required.' })
    .min(12, 'Password must be at least 12 characters.')
    .max(200, 'Password must be at most 200 characters.'),
});
