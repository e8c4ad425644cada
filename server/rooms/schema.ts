import { DateTime } from 'luxon';
import { z } from 'zod';
import { checkbox, email, integer, multi, optionalText, text, timeOfDay, timeZone } from '../http/fields.ts';
import { msg } from '../i18n/zod.ts';

export const RoomForm = z
  .object({
    name: text('field.name', 80),
    alias: z
      .string({ error: msg('form.required', { label: msg('field.mailbox_alias') }) })
      .trim()
      .min(1, msg('form.required', { label: msg('field.mailbox_alias') }))
      .max(64, msg('form.max_chars', { label: msg('field.mailbox_alias'), max: 64 }))
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, msg('rooms.alias_chars')),
    email: email('field.mailbox_address'),
    capacity: integer('field.capacity', 1, 1000),
    building: text('field.building', 80),
    floor: text('field.floor', 20),
    timeZone,
    opensAt: timeOfDay('field.opening_time'),
    closesAt: timeOfDay('field.closing_time'),
    maxDurationMinutes: integer('field.max_length', 15, 24 * 60),
    horizonDays: integer('field.horizon', 1, 730),
    active: checkbox,
    equipment: multi(50),
    /** Save even though Exchange does not know the mailbox or will not let the service account in (staged roll-outs). */
    saveAnyway: checkbox,
  })
  .refine((r) => r.closesAt > r.opensAt, { path: ['closesAt'], message: msg('rooms.closes_after_opens') });

export type RoomFormInput = z.output<typeof RoomForm>;

export const DirectoryQuery = z.object({
  building: optionalText('field.building', 80),
  capacity: z.preprocess((v) => (v === '' ? undefined : v), integer('field.min_capacity', 1, 1000).optional()),
  equipment: multi(20),
});

export type DirectoryFilter = z.output<typeof DirectoryQuery>;

export const EquipmentForm = z.object({
  code: z
    .string({ error: msg('form.required', { label: msg('field.code') }) })
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, msg('equipment.code_chars')),
  label: text('field.label', 60),
});

/** GET /rooms/:id query: the day to show (blank or absent: today in the room's zone). */
export const RoomDayQuery = z.object({
  date: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string({ error: msg('form.date') })
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, msg('form.date'))
      // 2026-02-30 matches the pattern but is no day at all.
      .refine((d) => DateTime.fromISO(d).isValid, msg('form.no_such_date'))
      .optional(),
  ),
});
