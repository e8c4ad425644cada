import { z } from 'zod';
import { attendeeList } from '../bookings/schema.ts';
import { integer, multi, optionalText } from '../http/fields.ts';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const date = (label: string) => z.preprocess(emptyToUndefined, z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, `${label} must look like 2026-11-24.`).optional());

/** GET /find-time: who, how long, and where; the organizer (the signed-in user) is always required. */
export const FindTimeQuery = z.object({
  required: attendeeList('Required attendees'),
  optional: attendeeList('Optional attendees'),
  duration: z.preprocess((v) => (v === '' || v === undefined ? 60 : v), integer('Duration', 15, 8 * 60)),
  people: z.preprocess(emptyToUndefined, integer('Number of people', 1, 1000).optional()),
  building: optionalText('Building', 80),
  equipment: multi(20),
  from: date('From'),
  day: date('Day'),
  subject: optionalText('Subject', 200),
});

export type FindTimeInput = z.output<typeof FindTimeQuery>;

/** POST /find-time/now: the home page's "Book a room now". */
export const BookNowForm = z.object({
  building: optionalText('Building', 80),
  duration: z.enum(['30', '60'], { error: 'Choose 30 or 60 minutes.' }).transform(Number),
});

/** GET /find-time/rooms: search across days ("any time this week", "Mon–Wed afternoon"). */
export const RangeQuery = z
  .object({
    from: date('From'),
    to: date('To'),
    part: z.preprocess((v) => (v === '' || v === undefined ? 'any' : v), z.enum(['any', 'morning', 'afternoon'], { error: 'Choose any time, morning or afternoon.' })),
    duration: z.preprocess((v) => (v === '' || v === undefined ? 60 : v), integer('Duration', 15, 8 * 60)),
    people: z.preprocess(emptyToUndefined, integer('Number of people', 1, 1000).optional()),
    building: optionalText('Building', 80),
    equipment: multi(20),
  })
  .refine((q) => !q.from || !q.to || q.to >= q.from, { path: ['to'], message: 'To must be on or after From.' });

export type RangeInput = z.output<typeof RangeQuery>;
