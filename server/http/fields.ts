import { IANAZone } from 'luxon';
import { z } from 'zod';
import { isExchangeAddress, multiLineProblem, singleLineProblem, TEXT_PROBLEM_MESSAGES } from '../exchange/index.ts';

/** Reusable form-field schemas: strings are trimmed and capped; messages are sentences for people. */

/**
 * A form field that must arrive once: `a=1&a=2` (an array), or a field sent where none was expected, is a
 * field error, never "expected string".
 */
const oneString = (label: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${label} is required.` : `${label} must be given once.`) });

/** Exchange's own rule for single-line text (text-rules.ts): what the gateway refuses, the form refuses first. */
const exchangeSingleLine = (label: string) => (v: string, ctx: z.RefinementCtx) => {
  const problem = singleLineProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `${label} ${TEXT_PROBLEM_MESSAGES[problem]}` });
};

const exchangeMultiLine = (label: string) => (v: string, ctx: z.RefinementCtx) => {
  const problem = multiLineProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `${label} ${TEXT_PROBLEM_MESSAGES[problem]}` });
};

/** A required single-line text (a subject, a name). */
export const text = (label: string, max: number) =>
  oneString(label)
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} must be at most ${max} characters.`)
    .superRefine(exchangeSingleLine(label));

/** An optional text that may span lines (a description, a message); empty is undefined. */
export const optionalText = (label: string, max: number) =>
  oneString(label)
    .trim()
    .max(max, `${label} must be at most ${max} characters.`)
    .superRefine(exchangeMultiLine(label))
    .optional()
    .transform((v) => (v ? v : undefined));

/** An address typed among others (attendee lists) must be one Exchange can send to (text-rules.ts). */
export const isSendableAddress = (value: string) => isExchangeAddress(value);

export const integer = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${label} must be a whole number.` })
    .int(`${label} must be a whole number.`)
    .min(min, `${label} must be at least ${min}.`)
    .max(max, `${label} must be at most ${max}.`);

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
    .refine((v) => v.length <= max, `Choose at most ${max}.`);

export const timeOfDay = (label: string) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, `${label} must be a time such as 07:30.`);

export const timeZone = z
  .string({ error: 'Time zone is required.' })
  .trim()
  .min(1, 'Time zone is required.')
  .refine((v) => IANAZone.isValidZone(v) && v.includes('/'), 'Time zone must be an IANA zone such as Europe/London.');

export const email = (label: string) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .toLowerCase()
    .max(254, `${label} is too long.`)
    .pipe(z.email(`${label} must be an e-mail address such as room@example.com.`));
