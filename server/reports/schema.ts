import { DateTime } from 'luxon';
import { z } from 'zod';

const blankToUndefined = (v: unknown) => (v === '' || v === undefined ? undefined : v);

/** A real calendar date (2026-02-30 is refused, not rolled over). */
const date = (label: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, `${label} must look like 2026-11-24.`)
      .refine((v) => !/^\d{4}-\d{2}-\d{2}$/.test(v) || DateTime.fromISO(v, { zone: 'utc' }).isValid, `${label} is not a date in the calendar.`)
      .optional(),
  );

/** The longest period one report covers: a year and a leap day (the bench's 500 rooms × a year stay in budget). */
export const MAX_DAYS = 366;

/** GET /reports and /reports.csv: the period (inclusive local dates) and an optional building. */
export const ReportQuery = z
  .object({
    from: date('From'),
    to: date('To'),
    building: z.preprocess(blankToUndefined, z.string().trim().max(200, 'Building must be at most 200 characters.').optional()),
  })
  .superRefine((q, ctx) => {
    if (!q.from || !q.to) return;
    if (q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'To must be on or after From.' });
    else if (DateTime.fromISO(q.to).diff(DateTime.fromISO(q.from), 'days').days + 1 > MAX_DAYS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `A report covers at most ${MAX_DAYS} days.` });
  });
export type ReportQueryInput = z.output<typeof ReportQuery>;
