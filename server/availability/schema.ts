import { z } from 'zod';
import { checkbox, integer, multi, optionalText } from '../http/fields.ts';
import { msg } from '../i18n/zod.ts';
import { attendeeList } from '../http/fields.ts';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const FindQuery = z
  .object({
    date: z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, msg('form.date')),
    start: z
      .string()
      .trim()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg('form.time', { label: msg('field.start'), example: '09:30' })),
    end: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg('form.time', { label: msg('field.end'), example: '10:30' }))
        .optional(),
    ),
    duration: z.preprocess(emptyToUndefined, integer('field.duration', 5, 24 * 60).optional()),
    people: z.preprocess(emptyToUndefined, integer('field.people', 1, 1000).optional()),
    equipment: multi(20),
    building: optionalText('field.building', 80),
    floor: optionalText('field.floor', 20),
    /** "Missing one thing" may offer rooms with fewer seats than people only when the user says so (issue 16). */
    allowFewerSeats: checkbox,
    /** People whose free/busy is shown as rows beside the rooms, asked in the same request (issue 16). */
    attendees: attendeeList('find.attendees'),
  })
  .refine((q) => q.end !== undefined || q.duration !== undefined, { path: ['end'], message: msg('find.end_or_duration') })
  .refine((q) => q.end === undefined || q.end > q.start, { path: ['end'], message: msg('form.end_after_start') });

export type FindInput = z.output<typeof FindQuery>;
