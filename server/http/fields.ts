import { IANAZone } from 'luxon';
import { z } from 'zod';
import { isExchangeAddress, multiLineProblem, singleLineProblem, type TextProblem } from '../exchange/index.ts';
import { msg } from '../i18n/zod.ts';

/** The catalog sentence for each of Exchange's text problems (text-rules.ts keeps the gateway's own English). */
const TEXT_PROBLEM_KEYS: Record<TextProblem, string> = { 'line-break': 'form.single_line', control: 'form.no_control' };

/**
 * Reusable form-field schemas: strings are trimmed and capped; messages are sentences for people, as catalog
 * references (i18n/zod.ts). `label` is the catalog key of the field's name, e.g. 'field.subject'.
 */

/**
 * A form field that must arrive once: `a=1&a=2` (an array), or a field sent where none was expected, is a
 * field error, never "expected string".
 */
const oneString = (label: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? msg('form.required', { label: msg(label) }) : msg('form.once', { label: msg(label) })) });

/** Exchange's own rule for single-line text (text-rules.ts): what the gateway refuses, the form refuses first. */
const exchangeSingleLine = (label: string) => (v: string, ctx: z.RefinementCtx) => {
  const problem = singleLineProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: msg(TEXT_PROBLEM_KEYS[problem], { label: msg(label) }) });
};

const exchangeMultiLine = (label: string) => (v: string, ctx: z.RefinementCtx) => {
  const problem = multiLineProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: msg(TEXT_PROBLEM_KEYS[problem], { label: msg(label) }) });
};

/** A required single-line text (a subject, a name). */
export const text = (label: string, max: number) =>
  oneString(label)
    .trim()
    .min(1, msg('form.required', { label: msg(label) }))
    .max(max, msg('form.max_chars', { label: msg(label), max }))
    .superRefine(exchangeSingleLine(label));

/** An optional text that may span lines (a description, a message); empty is undefined. */
export const optionalText = (label: string, max: number) =>
  oneString(label)
    .trim()
    .max(max, msg('form.max_chars', { label: msg(label), max }))
    .superRefine(exchangeMultiLine(label))
    .optional()
    .transform((v) => (v ? v : undefined));

/** An address typed among others (attendee lists) must be one Exchange can send to (text-rules.ts). */
export const isSendableAddress = (value: string) => isExchangeAddress(value);

export const integer = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: msg('form.whole_number', { label: msg(label) }) })
    .int(msg('form.whole_number', { label: msg(label) }))
    .min(min, msg('form.at_least', { label: msg(label), min }))
    .max(max, msg('form.at_most', { label: msg(label), max }));

/** An HTML checkbox: present ("on", "1", "true") or absent. */
export const checkbox = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => v !== undefined && v !== '' && v !== '0' && v !== 'false');

/** Repeated form fields (`equipment=a&equipment=b`) arrive as a string or an array. */
export const multi = (max: number) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean))
    .refine((v) => v.length <= max, msg('form.choose_at_most', { max }));

export const timeOfDay = (label: string) =>
  z
    .string({ error: msg('form.required', { label: msg(label) }) })
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg('form.time', { label: msg(label), example: '07:30' }));

export const timeZone = z
  .string({ error: msg('form.required', { label: msg('field.time_zone') }) })
  .trim()
  .min(1, msg('form.required', { label: msg('field.time_zone') }))
  .refine((v) => IANAZone.isValidZone(v) && v.includes('/'), msg('form.time_zone'));

export const email = (label: string) =>
  z
    .string({ error: msg('form.required', { label: msg(label) }) })
    .trim()
    .toLowerCase()
    .max(254, msg('form.too_long', { label: msg(label) }))
    .pipe(z.email(msg('form.email', { label: msg(label) })));

// Attendee lists: the booking form, find-a-room and find-a-time take them alike, so the rule lives here, not in one
// feature that the others would then have to import.
const MAX_ATTENDEES = 100;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** Attendees typed as addresses separated by commas, semicolons, spaces or new lines ("Outlook style"). */
export const attendeeList = (label: string) =>
  z
    .string({ error: msg('form.once', { label: msg(label) }) })
    .optional()
    .transform((v, ctx) => {
      const parts = (v ?? '')
        .split(/[\s,;]+/)
        .map((s) => s.trim().replace(/^<|>$/g, '').toLowerCase())
        .filter(Boolean);
      // An address Exchange cannot send to (non-ASCII, a control character, a NEL) is no address either.
      const bad = parts.find((p) => !EMAIL.test(p) || p.length > 254 || !isSendableAddress(p));
      if (bad) {
        ctx.addIssue({ code: 'custom', message: msg('form.not_email', { label: msg(label), value: bad.slice(0, 60) }) });
        return z.NEVER;
      }
      const unique = [...new Set(parts)];
      if (unique.length > MAX_ATTENDEES) {
        ctx.addIssue({ code: 'custom', message: msg('form.max_people', { label: msg(label), max: MAX_ATTENDEES }) });
        return z.NEVER;
      }
      return unique;
    });
