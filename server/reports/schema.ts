import { DateTime } from 'luxon';
import { z } from 'zod';
import { msg } from '../i18n/zod.ts';

const blankToUndefined = (v: unknown) => (v === '' || v === undefined ? undefined : v);

/** A real calendar date (2026-02-30 is refused, not rolled over). */
const date = (label: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, msg('reports.date_format', { label: msg(label) }))
      .refine((v) => !/^\d{4}-\d{2}-\d{2}$/.test(v) || DateTime.fromISO(v, { zone: 'utc' }).isValid, msg('reports.not_calendar_date', { label: msg(label) }))
      .optional(),
  );

/** The longest period one report covers: a year and a leap day (the bench's 500 rooms × a year stay in budget). */
export const MAX_DAYS = 366;

/** GET /reports and /reports.csv: the period (inclusive local dates) and an optional building. */
export const ReportQuery = z
  .object({
    from: date('reports.from'),
    to: date('reports.to'),
    building: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .max(200, msg('form.max_chars', { label: msg('field.building'), max: 200 }))
        .optional(),
    ),
  })
  .superRefine((q, ctx) => {
    if (!q.from || !q.to) return;
    if (q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: msg('reports.to_after_from') });
    else if (DateTime.fromISO(q.to).diff(DateTime.fromISO(q.from), 'days').days + 1 > MAX_DAYS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: msg('reports.max_days', { max: MAX_DAYS }) });
  });
export type ReportQueryInput = z.output<typeof ReportQuery>;
