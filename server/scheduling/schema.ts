import { z } from 'zod';
import { attendeeList } from '../http/fields.ts';
import { integer, multi, optionalText, timeOfDay, timeZone } from '../http/fields.ts';
import { msg } from '../i18n/zod.ts';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const date = (label: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, msg('reports.date_format', { label: msg(label) }))
      .optional(),
  );

/** GET /find-time: who, how long, and where; the organizer (the signed-in user) is always required. */
export const FindTimeQuery = z.object({
  required: attendeeList('field.required_attendees'),
  optional: attendeeList('field.optional_attendees'),
  duration: z.preprocess((v) => (v === '' || v === undefined ? 60 : v), integer('field.duration', 15, 8 * 60)),
  people: z.preprocess(emptyToUndefined, integer('field.people', 1, 1000).optional()),
  building: optionalText('field.building', 80),
  equipment: multi(20),
  from: date('reports.from'),
  day: date('week.day'),
  subject: optionalText('field.subject', 200),
});

export type FindTimeInput = z.output<typeof FindTimeQuery>;

/** POST /find-time/now: the home page's "Book a room now". */
export const BookNowForm = z.object({
  building: optionalText('field.building', 80),
  duration: z.enum(['30', '60'], { error: msg('scheduling.err.duration') }).transform(Number),
});

/** GET /find-time/rooms: search across days ("any time this week", "Mon–Wed afternoon"). */
export const RangeQuery = z
  .object({
    from: date('reports.from'),
    to: date('reports.to'),
    part: z.preprocess((v) => (v === '' || v === undefined ? 'any' : v), z.enum(['any', 'morning', 'afternoon'], { error: msg('scheduling.err.part') })),
    duration: z.preprocess((v) => (v === '' || v === undefined ? 60 : v), integer('field.duration', 15, 8 * 60)),
    people: z.preprocess(emptyToUndefined, integer('field.people', 1, 1000).optional()),
    building: optionalText('field.building', 80),
    equipment: multi(20),
  })
  .refine((q) => !q.from || !q.to || q.to >= q.from, { path: ['to'], message: msg('reports.to_after_from') });

export type RangeInput = z.output<typeof RangeQuery>;

/** POST /find-time/hours: the user's own working hours, in their own zone (issue 16). */
export const WorkHoursForm = z
  .object({
    timeZone,
    start: timeOfDay('scheduling.hours.start'),
    end: timeOfDay('scheduling.hours.end'),
    days: multi(7)
      .refine((d) => d.every((x) => /^[1-7]$/.test(x)), msg('scheduling.hours.err_days'))
      .refine((d) => d.length > 0, msg('scheduling.hours.err_days'))
      .transform((d) => [...new Set(d.map(Number))].sort()),
  })
  .refine((h) => h.end > h.start, { path: ['end'], message: msg('scheduling.hours.err_order') });

export type WorkHoursInput = z.output<typeof WorkHoursForm>;

const hhmm = (label: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg('form.time', { label: msg(label), example: '09:30' }))
      .optional(),
  );

/** GET /find-time/rows: the booking form's people-and-rooms panel for the day and room chosen so far. */
export const FormRowsQuery = z.object({
  date: z
    .string({ error: msg('form.date') })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, msg('form.date')),
  roomId: z.preprocess(emptyToUndefined, integer('field.room', 1, Number.MAX_SAFE_INTEGER).optional()),
  start: hhmm('field.start'),
  end: hhmm('field.end'),
  required: attendeeList('field.required_attendees'),
  optional: attendeeList('field.optional_attendees'),
});

export type FormRowsInput = z.output<typeof FormRowsQuery>;
