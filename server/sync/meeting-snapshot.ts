import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Meeting } from '../exchange/gateway.ts';

/**
 * One version of a meeting, frozen into the outbox job that sends it, so a retry sends exactly what the user saved
 * then, even if the booking changed again since. It is the gateway's `Meeting` itself (built once, by
 * bookings/meeting.ts) in JSON form, plus what only an update needs; nothing converts it a second time.
 */
export interface MeetingSnapshot {
  meeting: Meeting;
  /**
   * For an update: every address the previous version went to (attendees and room), so those no longer invited
   * get a cancellation — a room change frees the old room.
   */
  previousRecipients?: string[];
  /** For an update: addresses dropped that get nothing at all (a room that declined the meeting). */
  quietlyDropped?: string[];
  /** A series job (issue 14): what to do to the series, read by series-job.ts with its own schema. */
  series?: Record<string, unknown>;
}

const instant = z.iso.datetime({ offset: true }).transform((s) => DateTime.fromISO(s, { zone: 'utc' }));
const person = z.object({ email: z.string().min(1), name: z.string().optional() });
const mailbox = z.object({ alias: z.string().min(1), email: z.string().min(1), name: z.string() });
const withoutUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

// Loose: a field the gateway's Meeting gains before this schema names it travels through unchanged, never dropped.
const meetingSchema = z.looseObject({
  uid: z.string().min(1),
  organizer: mailbox,
  subject: z.string(),
  textBody: z.string(),
  htmlBody: z.string().optional(),
  location: z.string().optional(),
  start: instant,
  end: instant,
  timeZone: z.string().min(1),
  requiredAttendees: z.array(person),
  optionalAttendees: z.array(person),
  room: mailbox,
  sequence: z.number().int().nonnegative(),
  reminderMinutes: z.number().int().nullable(),
  busyStatus: z.enum(['free', 'tentative', 'busy', 'oof']),
  private: z.boolean().optional(),
  // The organizer's language (BCP-47), frozen with the meeting so a retry asks OWA for the same language.
  language: z.string().min(1).optional(),
});

const snapshotSchema = z.object({
  v: z.literal(2),
  meeting: meetingSchema,
  previousRecipients: z.array(z.string()).optional(),
  quietlyDropped: z.array(z.string()).optional(),
  series: z.looseObject({ op: z.string() }).optional(),
});

// CASE: jobs queued by a version before the snapshot was the Meeting itself (still in the queue after an upgrade).
const legacySchema = z.object({
  uid: z.string().min(1),
  organizer: mailbox,
  subject: z.string(),
  description: z.string(),
  start: instant,
  end: instant,
  timeZone: z.string().min(1),
  required: z.array(person),
  optional: z.array(person),
  room: mailbox,
  previousRecipients: z.array(z.string()).optional(),
  sequence: z.number().int().nonnegative(),
  message: z.string().nullable(),
  private: z.boolean().optional(),
});

export class InvalidSnapshotError extends Error {
  override readonly name = 'InvalidSnapshotError';
}

/** The JSON stored in `outbox_jobs.meeting_json`. */
export function serializeSnapshot(s: MeetingSnapshot): string {
  const { start, end, ...rest } = s.meeting;
  const meeting = { ...rest, start: start.toUTC().toISO(), end: end.toUTC().toISO() };
  return JSON.stringify({
    v: 2,
    meeting,
    ...(s.previousRecipients ? { previousRecipients: s.previousRecipients } : {}),
    ...(s.quietlyDropped ? { quietlyDropped: s.quietlyDropped } : {}),
    ...(s.series ? { series: s.series } : {}),
  });
}

/** Reads a job's snapshot back, checked: a job whose JSON is not a meeting fails as a bug, never sends half a meeting. */
export function parseSnapshot(json: string): MeetingSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new InvalidSnapshotError('the outbox job holds no JSON');
  }
  const current = snapshotSchema.safeParse(raw);
  if (current.success) {
    const { previousRecipients, quietlyDropped, meeting, series } = current.data;
    return {
      meeting: withoutUndefined(meeting) as Meeting,
      ...(previousRecipients ? { previousRecipients } : {}),
      ...(quietlyDropped ? { quietlyDropped } : {}),
      ...(series ? { series } : {}),
    };
  }
  const legacy = legacySchema.safeParse(raw);
  if (!legacy.success) throw new InvalidSnapshotError(`the outbox job's meeting is invalid: ${z.prettifyError(current.error)}`);
  const s = legacy.data;
  const meeting: Meeting = {
    uid: s.uid,
    organizer: s.organizer,
    subject: s.subject,
    textBody: s.message ? `${s.message}\n\n${s.description}`.trim() : s.description,
    location: s.room.name,
    start: s.start,
    end: s.end,
    timeZone: s.timeZone,
    requiredAttendees: s.required.map((p) => withoutUndefined(p)),
    optionalAttendees: s.optional.map((p) => withoutUndefined(p)),
    room: s.room,
    sequence: s.sequence,
    reminderMinutes: 15,
    busyStatus: 'busy',
    ...(s.private === undefined ? {} : { private: s.private }),
  };
  return { meeting, ...(s.previousRecipients ? { previousRecipients: s.previousRecipients } : {}) };
}
