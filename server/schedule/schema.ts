import { z } from 'zod';
import { checkbox, integer, multi, text } from '../http/fields.ts';

const blankToUndefined = (v: unknown) => (v === '' || v === undefined ? undefined : v);

const date = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Date must look like 2026-11-24.')
    .optional(),
);

/** GET /schedule query: the day and the filters; everything optional, blanks ignored. */
export const DayQuery = z.object({
  date,
  building: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
  floor: z.preprocess(blankToUndefined, z.string().trim().max(50).optional()),
  capacity: z.preprocess(blankToUndefined, integer('Capacity', 1, 10_000).optional()),
  equipment: multi(20),
  q: z.preprocess(blankToUndefined, z.string().trim().max(100, 'Search must be at most 100 characters.').optional()),
});
export type DayQueryInput = z.output<typeof DayQuery>;

export const WeekQuery = z.object({ date });

/** GET /display/:alias and the API: `now` is honoured only outside production (tests and demos). */
export const DeviceQuery = z.object({
  date,
  now: z.preprocess(blankToUndefined, z.string().trim().max(40).optional()),
});

/** POST /admin/displays: a new device token. */
export const TokenForm = z.object({
  label: text('Name', 80),
  roomIds: multi(500)
    .refine((v) => v.length > 0, 'Choose at least one room.')
    .refine((v) => v.every((id) => /^[1-9]\d{0,15}$/.test(id)), 'Choose rooms from the list.')
    .transform((v) => v.map(Number)),
  showSubjects: checkbox,
});
export type TokenFormInput = z.output<typeof TokenForm>;
