import { z } from 'zod';
import { checkbox, integer, multi, text } from '../http/fields.ts';
import { msg } from '../i18n/zod.ts';
import { LOCALES } from '../i18n/catalog.ts';

const blankToUndefined = (v: unknown) => (v === '' || v === undefined ? undefined : v);

const date = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, msg('form.date'))
    .optional(),
);

/** GET /schedule query: the day and the filters; everything optional, blanks ignored. */
export const DayQuery = z.object({
  date,
  building: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
  floor: z.preprocess(blankToUndefined, z.string().trim().max(50).optional()),
  capacity: z.preprocess(blankToUndefined, integer('field.capacity', 1, 10_000).optional()),
  equipment: multi(20),
  q: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(100, msg('form.max_chars', { label: msg('field.search'), max: 100 }))
      .optional(),
  ),
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
  label: text('field.name', 80),
  roomIds: multi(500)
    .refine((v) => v.length > 0, msg('displays.choose_room'))
    .refine((v) => v.every((id) => /^[1-9]\d{0,15}$/.test(id)), msg('displays.rooms_from_list'))
    .transform((v) => v.map(Number)),
  showSubjects: checkbox,
  // The display's language: blank = the organisation default (DEFAULT_LOCALE).
  locale: z.preprocess(blankToUndefined, z.enum(LOCALES, { error: msg('error.locale_unknown') }).optional()),
});
export type TokenFormInput = z.output<typeof TokenForm>;
