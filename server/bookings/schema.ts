import { z } from 'zod';
import { checkbox, integer, isSendableAddress, optionalText, text } from '../http/fields.ts';

const date = z
  .string({ error: 'Date is required.' })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Date must look like 2026-11-24.');
const time = (label: string) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, `${label} must be a time such as 09:30.`);

const MAX_ATTENDEES = 100;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** Attendees typed as addresses separated by commas, semicolons, spaces or new lines ("Outlook style"). */
export const attendeeList = (label: string) =>
  z
    .string({ error: `${label} must be given once.` })
    .optional()
    .transform((v, ctx) => {
      const parts = (v ?? '')
        .split(/[\s,;]+/)
        .map((s) => s.trim().replace(/^<|>$/g, '').toLowerCase())
        .filter(Boolean);
      // An address Exchange cannot send to (non-ASCII, a control character, a NEL) is no address either.
      const bad = parts.find((p) => !EMAIL.test(p) || p.length > 254 || !isSendableAddress(p));
      if (bad) {
        ctx.addIssue({ code: 'custom', message: `${label}: “${bad.slice(0, 60)}” is not an e-mail address.` });
        return z.NEVER;
      }
      const unique = [...new Set(parts)];
      if (unique.length > MAX_ATTENDEES) {
        ctx.addIssue({ code: 'custom', message: `${label}: at most ${MAX_ATTENDEES} people.` });
        return z.NEVER;
      }
      return unique;
    });

const bookingFields = {
    roomId: integer('Room', 1, Number.MAX_SAFE_INTEGER),
    date,
    start: time('Start time'),
    end: time('End time'),
    subject: text('Subject', 200),
    description: optionalText('Description', 5000).transform((v) => v ?? ''),
    required: attendeeList('Required attendees'),
    optional: attendeeList('Optional attendees'),
    private: checkbox,
    organizerId: z.preprocess((v) => (v === '' ? undefined : v), integer('Organizer', 1, Number.MAX_SAFE_INTEGER).optional()),
};

const endAfterStart = { path: ['end'], message: 'End time must be after the start time.' };

/** What a new-booking form's hidden key looks like. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,64}$/;
const outOfDate = 'This form is out of date. Reload the page and try again.';

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
  message: optionalText('Message', 2000),
});
