import { z } from 'zod';
import { attendeeList, checkbox, integer, optionalText, text } from '../http/fields.ts';

import { msg } from '../i18n/zod.ts';

const date = z
  .string({ error: msg('form.required', { label: msg('field.date') }) })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, msg('form.date'));
const time = (label: string) =>
  z
    .string({ error: msg('form.required', { label: msg(label) }) })
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg('form.time', { label: msg(label), example: '09:30' }));

const bookingFields = {
  roomId: integer('field.room', 1, Number.MAX_SAFE_INTEGER),
  date,
  start: time('field.start_time'),
  end: time('field.end_time'),
  subject: text('field.subject', 200),
  description: optionalText('field.description', 5000).transform((v) => v ?? ''),
  required: attendeeList('field.required_attendees'),
  optional: attendeeList('field.optional_attendees'),
  private: checkbox,
  organizerId: z.preprocess((v) => (v === '' ? undefined : v), integer('field.organizer', 1, Number.MAX_SAFE_INTEGER).optional()),
};

const endAfterStart = { path: ['end'], message: msg('form.end_after_start') };

/** What a new-booking form's hidden key looks like. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,64}$/;
const outOfDate = msg('form.out_of_date');

/** A new booking: the hidden idempotency key makes a double submit book once. */
export const BookingForm = z
  .object({
    ...bookingFields,
    idempotencyKey: z.string({ error: outOfDate }).trim().regex(IDEMPOTENCY_KEY, outOfDate),
  })
  .refine((f) => f.end > f.start, endAfterStart);

/** A change to an existing booking. */
export const BookingChangeForm = z.object(bookingFields).refine((f) => f.end > f.start, endAfterStart);

export type BookingFormInput = z.output<typeof BookingForm>;
export type BookingChangeInput = z.output<typeof BookingChangeForm>;

export const CancelForm = z.object({
  message: optionalText('field.message', 2000),
});
