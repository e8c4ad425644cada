import { DateTime } from 'luxon';
import { z } from 'zod';
import { checkbox, email, integer, multi, optionalText, text, timeOfDay, timeZone } from '../http/fields.ts';

export const RoomForm = z
  .object({
    name: text('Name', 80),
    alias: z
      .string({ error: 'Mailbox alias is required.' })
      .trim()
      .min(1, 'Mailbox alias is required.')
      .max(64, 'Mailbox alias must be at most 64 characters.')
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Mailbox alias may use letters, digits, dot, dash and underscore only.'),
    email: email('Mailbox address'),
    capacity: integer('Capacity', 1, 1000),
    building: text('Building', 80),
    floor: text('Floor', 20),
    timeZone,
    opensAt: timeOfDay('Opening time'),
    closesAt: timeOfDay('Closing time'),
    maxDurationMinutes: integer('Maximum booking length', 15, 24 * 60),
    horizonDays: integer('Booking horizon', 1, 730),
    active: checkbox,
    equipment: multi(50),
    /** Save even though Exchange does not know the mailbox or will not let the service account in (staged roll-outs). */
    saveAnyway: checkbox,
  })
  .refine((r) => r.closesAt > r.opensAt, { path: ['closesAt'], message: 'Closing time must be after the opening time.' });

export type RoomFormInput = z.output<typeof RoomForm>;

export const DirectoryQuery = z.object({
  building: optionalText('Building', 80),
  capacity: z.preprocess((v) => (v === '' ? undefined : v), integer('Minimum capacity', 1, 1000).optional()),
  equipment: multi(20),
});

export type DirectoryFilter = z.output<typeof DirectoryQuery>;

export const EquipmentForm = z.object({
  code: z
    .string({ error: 'Code is required.' })
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, 'Code must start with a letter and use lower-case letters, digits and dashes (at most 40).'),
  label: text('Label', 60),
});

/** GET /rooms/:id query: the day to show (blank or absent: today in the room's zone). */
export const RoomDayQuery = z.object({
  date: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string({ error: 'Date must look like 2026-11-24.' })
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Date must look like 2026-11-24.')
      // 2026-02-30 matches the pattern but is no day at all.
      .refine((d) => DateTime.fromISO(d).isValid, 'That date does not exist.')
      .optional(),
  ),
});
