// The series part of an outbox job's snapshot (issue 14): what to do to a recurring meeting, written by the bookings
// feature when it queues a series version and read by the worker (series-path.ts runs it). The format only, so that
// bookings depends on this leaf and not on the worker: it imports nothing of either feature.
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { OccurrenceOverride } from '../exchange/gateway.ts';
import type { JobKind } from './outbox.repo.ts';

export const SERIES_OPS = ['create', 'update-series', 'change-occurrence', 'cancel-occurrence', 'cancel-series'] as const;
export type SeriesOp = (typeof SERIES_OPS)[number];

const instant = z.iso.datetime({ offset: true }).transform((s) => DateTime.fromISO(s, { zone: 'utc' }));
const override = z.object({ originalStart: instant, start: instant, end: instant, subject: z.string().optional() });

const seriesJobSchema = z.object({
  op: z.enum(SERIES_OPS),
  seriesId: z.number().int().positive(),
  rrule: z.string().min(1),
  excluded: z.array(instant),
  exceptions: z.array(override),
  occurrence: override.optional(),
  /** The booking rows this job decides the state of (all live occurrences, or the one date). */
  bookingIds: z.array(z.number().int().positive()),
});

export type SeriesJob = z.output<typeof seriesJobSchema>;

/** The JSON form of a series job, as stored in the snapshot (instants as UTC ISO). */
export interface SeriesJobInput {
  op: SeriesOp;
  seriesId: number;
  rrule: string;
  excluded: DateTime[];
  exceptions: OccurrenceOverride[];
  occurrence?: OccurrenceOverride;
  bookingIds: number[];
}

const iso = (t: DateTime) => t.toUTC().toISO()!;
const overrideJson = (o: OccurrenceOverride) => ({
  originalStart: iso(o.originalStart),
  start: iso(o.start),
  end: iso(o.end),
  ...(o.subject ? { subject: o.subject } : {}),
});

export function seriesJobJson(j: SeriesJobInput): Record<string, unknown> {
  return {
    op: j.op,
    seriesId: j.seriesId,
    rrule: j.rrule,
    excluded: j.excluded.map(iso),
    exceptions: j.exceptions.map(overrideJson),
    ...(j.occurrence ? { occurrence: overrideJson(j.occurrence) } : {}),
    bookingIds: j.bookingIds,
  };
}

export function parseSeriesJob(raw: Record<string, unknown>): SeriesJob {
  return seriesJobSchema.parse(raw);
}

/** The outbox kind a series op is stored as (the jobs table's CHECK knows these three). */
export function jobKindOf(op: SeriesOp): JobKind {
  return op === 'create' ? 'create' : op === 'cancel-series' || op === 'cancel-occurrence' ? 'cancel' : 'update';
}
