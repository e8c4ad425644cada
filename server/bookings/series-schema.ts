// The booking form's "Repeats" fields (views/bookings/_repeats.ejs), read on their own so the one-off booking form
// schema stays as it is. Monthly patterns take their day from the first date ("on day 14", "on the second Tuesday").
import { DateTime } from 'luxon';
import { z } from 'zod';
import { integer, multi } from '../http/fields.ts';
import { WEEKDAYS, type Recurrence, type Weekday, type WeekOfMonth } from './recurrence.ts';
import { msg } from '../i18n/zod.ts';
import { t } from '../i18n/context.ts';

export const REPEATS = ['none', 'daily', 'weekdays', 'weekly', 'monthly-day', 'monthly-nth'] as const;

const optionalInt = (label: string, min: number, max: number) => z.preprocess((v) => (v === '' ? undefined : v), integer(label, min, max).optional());

export const RepeatFields = z.object({
  repeat: z.preprocess((v) => (v === '' || v === undefined ? 'none' : v), z.enum(REPEATS, { error: msg('series.err.repeat') })),
  repeatInterval: optionalInt('series.interval_label', 1, 99),
  repeatDays: multi(7).refine((days) => days.every((d) => (WEEKDAYS as readonly string[]).includes(d)), msg('series.err.days')),
  repeatEnd: z.preprocess((v) => (v === '' || v === undefined ? 'count' : v), z.enum(['count', 'until'], { error: msg('series.err.end') })),
  repeatCount: optionalInt('series.count', 1, 260),
  repeatUntil: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, msg('series.err.until_format'))
      .optional(),
  ),
  /** Set once the per-occurrence check was shown: the user chose what to do about clashing dates. */
  seriesChecked: z.preprocess((v) => v === '1', z.boolean()),
  /** skip: book the rest; alternative: take the suggested room for those dates. */
  clashChoice: z.preprocess((v) => (v === '' || v === undefined ? 'skip' : v), z.enum(['skip', 'alternative'], { error: msg('series.err.clash') })),
});

export type RepeatInput = z.output<typeof RepeatFields>;

/** The recurrence the fields describe (null for a one-off booking), or field messages. */
export function recurrenceOf(input: RepeatInput, firstDate: string): { recurrence: Recurrence | null; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  if (input.repeat === 'none') return { recurrence: null, problems };
  const interval = input.repeatInterval ?? 1;
  const first = DateTime.fromISO(firstDate);
  const weekday = WEEKDAYS[first.weekday - 1]!;
  let end: Recurrence['end'];
  if (input.repeatEnd === 'until') {
    if (!input.repeatUntil) problems.repeatUntil = t('series.err.until');
    end = { until: input.repeatUntil ?? firstDate };
  } else {
    if (!input.repeatCount) problems.repeatCount = t('series.err.count');
    end = { count: input.repeatCount ?? 1 };
  }
  let pattern: Recurrence['pattern'];
  switch (input.repeat) {
    case 'daily':
      pattern = { kind: 'daily', interval };
      break;
    case 'weekdays':
      pattern = { kind: 'weekdays' };
      break;
    case 'weekly': {
      const days = (input.repeatDays.length ? input.repeatDays : [weekday]) as Weekday[];
      pattern = { kind: 'weekly', interval, days };
      break;
    }
    case 'monthly-day':
      pattern = { kind: 'monthly-day', interval, day: first.day };
      break;
    case 'monthly-nth': {
      const nth = Math.ceil(first.day / 7);
      // The fifth week of a month does not exist every month: Outlook offers "last" for it.
      const week: WeekOfMonth = nth >= 5 || first.plus({ weeks: 1 }).month !== first.month ? (nth === 4 ? 4 : -1) : (nth as WeekOfMonth);
      pattern = { kind: 'monthly-nth', interval, week, weekday };
      break;
    }
  }
  return { recurrence: { pattern, end }, problems };
}
