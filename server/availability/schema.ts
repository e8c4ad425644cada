import { z } from 'zod';
import { checkbox, integer, multi, optionalText } from '../http/fields.ts';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const FindQuery = z
  .object({
    date: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date must look like 2026-11-24.'),
    start: z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Start must be a time such as 09:30.'),
    end: z.preprocess(emptyToUndefined, z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'End must be a time such as 10:30.').optional()),
    duration: z.preprocess(emptyToUndefined, integer('Duration', 5, 24 * 60).optional()),
    people: z.preprocess(emptyToUndefined, integer('Number of people', 1, 1000).optional()),
    equipment: multi(20),
    building: optionalText('Building', 80),
    floor: optionalText('Floor', 20),
    /** "Missing one thing" may offer rooms with fewer seats than people only when the user says so (issue 16). */
    allowFewerSeats: checkbox,
  })
  .refine((q) => q.end !== undefined || q.duration !== undefined, { path: ['end'], message: 'Give an end time or a duration.' })
  .refine((q) => q.end === undefined || q.end > q.start, { path: ['end'], message: 'End time must be after the start time.' });

export type FindInput = z.output<typeof FindQuery>;
