// The series part of an outbox job's snapshot (issue 14): what to do to a recurring meeting, written by the bookings
// feature when it queues a series version and read by the worker (series-path.ts runs it). The format only, so that
// bookings depends on this leaf and not on the worker: it imports nothing of either feature.
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { OccurrenceOverride } from '../exchange/gateway.ts';
import type { JobKind } from './outbox.repo.ts';

// release-room (check-in, server/checkin/series-release.ts): the room alone is told its dates are off (one CANCEL with
// the date's RECURRENCE-ID per released date), then the attendees get each date's update without the room.
export const SERIES_OPS = [
  'create',
  'update-series',
  'change-occurrence',
  'cancel-occurrence',
  'cancel-series',
  'move-occurrence',
  'change-series',
  'release-room',
] as const;
export type SeriesOp = (typeof SERIES_OPS)[number];

const instant = z.iso.datetime({ offset: true }).transform((s) => DateTime.fromISO(s, { zone: 'utc' }));
const roomRef = z.object({ alias: z.string().min(1), email: z.string().min(1), name: z.string() });
const override = z.object({
  originalStart: instant,
  start: instant,
  end: instant,
  subject: z.string().optional(),
  room: roomRef.optional(),
  withoutRoom: z.object({ location: z.string() }).optional(),
});
/** Those a change dropped (an old room, removed attendees): they get a cancellation, nobody else does. */
const dropped = z.object({ attendees: z.array(z.object({ email: z.string().min(1), name: z.string().optional() })), room: roomRef.optional() });

const seriesJobSchema = z.object({
  op: z.enum(SERIES_OPS),
  seriesId: z.number().int().positive(),
  rrule: z.string().min(1),
  excluded: z.array(instant),
  exceptions: z.array(override),
  /**
   * Dates released by check-in that go on without the room (also in `excluded`, so no message to the room or attendees
   * brings the room back): the organizer's own item keeps them as exceptions without the room instead.
   */
  roomless: z.array(override).optional(),
  occurrence: override.optional(),
  dropped: dropped.optional(),
  /** Rooms holding dates moved out of the series' room: a cancellation of the whole series goes to them too. */
  otherRooms: z.array(roomRef).optional(),
  /** release-room: the original starts of the dates the room is taken off. */
  released: z.array(instant).optional(),
  /** release-room: the LOCATION attendees' updates show instead of the room (in the organizer's language). */
  releasedLocation: z.string().optional(),
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
  roomless?: OccurrenceOverride[];
  occurrence?: OccurrenceOverride;
  dropped?: z.input<typeof dropped>;
  otherRooms?: z.input<typeof roomRef>[];
  released?: DateTime[];
  releasedLocation?: string;
  bookingIds: number[];
}

const iso = (t: DateTime) => t.toUTC().toISO()!;
const overrideJson = (o: OccurrenceOverride) => ({
  originalStart: iso(o.originalStart),
  start: iso(o.start),
  end: iso(o.end),
  ...(o.subject ? { subject: o.subject } : {}),
  ...(o.room ? { room: { alias: o.room.alias, email: o.room.email, name: o.room.name } } : {}),
  ...(o.withoutRoom ? { withoutRoom: { location: o.withoutRoom.location } } : {}),
});

export function seriesJobJson(j: SeriesJobInput): Record<string, unknown> {
  return {
    op: j.op,
    seriesId: j.seriesId,
    rrule: j.rrule,
    excluded: j.excluded.map(iso),
    exceptions: j.exceptions.map(overrideJson),
    ...(j.roomless?.length ? { roomless: j.roomless.map(overrideJson) } : {}),
    ...(j.occurrence ? { occurrence: overrideJson(j.occurrence) } : {}),
    ...(j.dropped ? { dropped: j.dropped } : {}),
    ...(j.otherRooms?.length ? { otherRooms: j.otherRooms } : {}),
    ...(j.released ? { released: j.released.map(iso) } : {}),
    ...(j.releasedLocation ? { releasedLocation: j.releasedLocation } : {}),
    bookingIds: j.bookingIds,
  };
}

export function parseSeriesJob(raw: Record<string, unknown>): SeriesJob {
  return seriesJobSchema.parse(raw);
}

/** The outbox kind a series op is stored as (the jobs table's CHECK knows these three). */
export function jobKindOf(op: SeriesOp): JobKind {
  if (op === 'release-room') return 'release';
  return op === 'create' ? 'create' : op === 'cancel-series' || op === 'cancel-occurrence' ? 'cancel' : 'update';
}
