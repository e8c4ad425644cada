// The series parts of the booking pages (issue 14), kept out of routes.ts: the "Repeats" choice on POST /bookings,
// the per-date check shown before anything is sent, the series section of a booking page and its actions.
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { flash } from '../http/flash.ts';
import { parseForm } from '../http/form.ts';
import { getRoom } from '../rooms/service.ts';
import type { User } from '../users/service.ts';
import { canChangeBooking } from './policy.ts';
import type { Booking } from './repo.ts';
import { BookingForm } from './schema.ts';
import { recurrenceOf, RepeatFields } from './series-schema.ts';
import * as series from './series-service.ts';
import { FieldErrors } from '../errors.ts';
import { isChangeable, stateLabel } from './states.ts';
import { describeSeries, planSeries } from './recurrence.ts';
import { t } from '../i18n/context.ts';
import { formatDate } from '../i18n/format.ts';

type FormModel = (req: Request) => Promise<Record<string, unknown>>;

const day = (iso: string, zone: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);

/**
 * POST /bookings with "Repeats" set: checks every date first. When some clash and the user has not chosen yet, the
 * form comes back with the dates that clash, each with the nearest free room, and the choices; otherwise the series
 * is booked. Returns false for a one-off booking (the caller books it as before).
 */
export async function handleSeriesCreate(ctx: AppContext, req: Request, res: Response, formModel: FormModel): Promise<boolean> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const repeat = parseForm(RepeatFields, body);
  if (repeat.repeat === 'none') return false;
  const input = parseForm(BookingForm, body);
  const { recurrence, problems } = recurrenceOf(repeat, input.date);
  if (Object.keys(problems).length || !recurrence) throw new FieldErrors(problems);
  const room = getRoom(ctx, input.roomId);
  if (!repeat.seriesChecked) {
    const check = await series.checkSeries(ctx, room, input, recurrence, input.required.length + input.optional.length);
    const broken = check.dates.filter((d) => d.problem);
    if (check.clashes.length || broken.length) {
      const zone = room.timeZone;
      res.render('bookings/form', {
        ...(await formModel(req)),
        values: body,
        errors: broken.length ? { repeat: `${broken[0]!.date}: ${broken[0]!.problem}` } : {},
        seriesCheck: {
          words: check.words,
          count: check.dates.length,
          exchangeUnavailable: check.exchangeUnavailable,
          clashes: check.clashes.map((c) => ({
            date: c.start ? formatDate(day(c.start, zone), 'day') : c.date,
            times: c.start ? `${day(c.start, zone).toFormat('HH:mm')}–${day(c.end, zone).toFormat('HH:mm')}` : '',
            alternative: c.alternative?.name ?? null,
          })),
          broken: broken.map((b) => ({ date: b.date, problem: b.problem })),
        },
      });
      return true;
    }
  }
  const result = await series.createSeries(ctx, req.user!, input, recurrence, repeat.clashChoice === 'alternative');
  flash(req, 'success', t('series.flash.saved', { words: result.series.words }));
  if (result.skipped.length) flash(req, 'info', t('series.flash.skipped', { dates: result.skipped.join(', ') }));
  if (result.raced.length) flash(req, 'info', t('series.flash.raced', { dates: result.raced.join(', ') }));
  for (const m of result.moved) flash(req, 'info', t('series.flash.moved', { date: m.date, room: m.roomName }));
  for (const w of result.warnings) flash(req, 'info', w);
  res.redirect(303, `/bookings/${result.booking.id}`);
  return true;
}

/** The booking page's series section: the series in words and every date with its own state. */
export function seriesSection(ctx: AppContext, viewer: User, booking: Booking) {
  if (!booking.seriesId) return null;
  const { series: s, occurrences } = series.getSeriesForViewer(ctx, viewer, booking.seriesId);
  const room = getRoom(ctx, s.roomId);
  const now = ctx.clock.now();
  const canChange = canChangeBooking(viewer, booking);
  return {
    id: s.id,
    words: s.words,
    current: booking.id,
    canChangeThis: canChange && isChangeable(booking.state) && DateTime.fromISO(booking.endsAt) > now,
    canChangeSeries: canChange && occurrences.some((o) => isChangeable(o.state)),
    dates: occurrences.map((o) => {
      const start = day(o.startsAt, room.timeZone);
      const moved = o.startsAt !== o.recurrenceId;
      return {
        id: o.id,
        day: formatDate(start, 'day'),
        times: `${start.toFormat('HH:mm')}–${day(o.endsAt, room.timeZone).toFormat('HH:mm')}`,
        state: o.state,
        stateLabel: o.roomResponse === 'declined' && o.state === 'declined' ? stateLabel('declined') : stateLabel(o.state),
        // A date moved to another room on its own names that room (issue 14).
        room: o.roomId !== s.roomId ? getRoom(ctx, o.roomId).name : null,
        changed: moved || o.subject !== s.subject || o.roomId !== s.roomId,
        current: o.id === booking.id,
      };
    }),
  };
}

/**
 * GET /bookings/series-words?roomId&date&start&end&repeat…: the series in words and its number of dates, for the form's
 * script to show while the user chooses (no Exchange request; the dates are checked when the form is sent).
 */
export function seriesWords(ctx: AppContext, req: Request, res: Response): void {
  res.set('Cache-Control', 'no-store');
  const q = req.query as Record<string, unknown>;
  const repeat = RepeatFields.safeParse(q);
  const date = typeof q.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(q.date) ? q.date : null;
  const time = (v: unknown) => (typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v) ? v : null);
  const start = time(q.start);
  const end = time(q.end);
  const roomId = Number(q.roomId);
  if (!repeat.success || !date || !start || !end || end <= start || !Number.isInteger(roomId)) return void res.json({ words: null });
  const { recurrence, problems } = recurrenceOf(repeat.data, date);
  if (!recurrence || Object.keys(problems).length) return void res.json({ words: null, problems });
  let zone: string;
  try {
    zone = getRoom(ctx, roomId).timeZone;
  } catch {
    return void res.json({ words: null });
  }
  const plan = planSeries(recurrence, { date, start, end, zone });
  if (Object.keys(plan.problems).length) return void res.json({ words: null, problems: plan.problems });
  res.json({ words: describeSeries(recurrence, { date, start, end, zone }, plan.occurrences), dates: plan.occurrences.length });
}
