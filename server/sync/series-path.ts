// The send path of recurring meetings (issue 14): the SERIES rows of the worker's send-path table. A series job is an
// ordinary outbox job (kind create / update / cancel, so the jobs table and its CHECK stay as they are) whose snapshot
// carries a `series` part saying what to do; it hangs on the series' first booking row, so all of a series' jobs run
// in order. Each step is a gateway series step (exchange/series.ts), recorded like the single-meeting steps.
//
// | op                | before       | gateway call          | after          | a resume from the last record…          |
// |-------------------|--------------|-----------------------|----------------|-----------------------------------------|
// | create            | —            | putSeriesItem         | item ref + `item-written` | `queued`: PUT again (create-only, ours = fine) |
// |                   | `submitting` | submitSeries          | `done`, occurrences booked | `submitting`: Sent Items checked first |
// | update-series     | —            | patchSeriesItem       | `item-written` | `queued`: PUT again (same values)         |
// |                   | `submitting` | submitSeries          | `done`         | `submitting`: Sent Items checked first     |
// | change-occurrence | —            | patchSeriesItem       | `item-written` | `queued`: PUT again                        |
// |                   | `submitting` | sendOccurrenceChange  | `done`         | `submitting`: Sent Items checked (RECURRENCE-ID) |
// | cancel-occurrence | —            | patchSeriesItem (EXDATE) | `item-written` | `queued`: PUT again                     |
// |                   | `submitting` | sendOccurrenceCancel  | `done`         | `submitting`: Sent Items checked (RECURRENCE-ID) |
// | cancel-series     | `submitting` | sendSeriesCancel      | `submitted`    | `submitting`: Sent Items checked           |
// |                   | —            | removeSeriesItem      | `done`         | `submitted`: DELETE again (gone = removed) |
// | move-occurrence   | —            | patchSeriesItem       | `item-written` | `queued`: PUT again                        |
// | (one date, other  | `submitting` | sendOccurrenceChange (new room Bcc) | `submitted` | `submitting`: Sent Items checked |
// |  room)            | —            | sendOccurrenceCancel (old room only) | `done` | always resumed: Sent Items checked first |
// | change-series     | —            | patchSeriesItem       | `item-written` | `queued`: PUT again                        |
// | (same UID,        | `submitting` | submitSeries (SEQUENCE+1) | `submitted` | `submitting`: Sent Items checked           |
// |  SEQUENCE+1)      | —            | sendSeriesCancel (dropped only, if any) | `done` | always resumed: Sent Items checked |
import type { ExchangeGateway, OccurrenceOverride, SeriesGateway, SeriesMeeting, SeriesSteps } from '../exchange/gateway.ts';
import { NotFoundError } from '../exchange/errors.ts';
import type { SeriesOp } from './series-job.ts';
import type { JobRun, SendStep } from './send-step.ts';

function stepsOf(gateway: ExchangeGateway): SeriesSteps {
  if (!('series' in gateway)) throw new Error('this gateway cannot send recurring meetings');
  return (gateway as SeriesGateway).series;
}

function seriesMeeting(run: JobRun): SeriesMeeting {
  const s = run.series;
  if (!s) throw new Error('not a series job');
  return { ...run.meeting, rrule: s.rrule, excluded: s.excluded };
}

function occurrenceOf(run: JobRun): OccurrenceOverride {
  const o = run.series?.occurrence;
  if (!o) throw new Error('the job names no occurrence');
  return o;
}

const itemOf = (run: JobRun) => {
  if (!run.ref) throw new Error('the step needs the series item, which the job has not written');
  return run.ref;
};

/**
 * What the organizer's own item holds: the series with its changed dates, and the dates check-in released as
 * exceptions without the room (not EXDATEs: the meeting goes on for the organizer as for the attendees).
 */
function itemShape(run: JobRun): { meeting: SeriesMeeting; exceptions: OccurrenceOverride[] } {
  const s = run.series!;
  const roomless = s.roomless ?? [];
  const kept = new Set(roomless.map((o) => o.originalStart.toMillis()));
  const meeting = seriesMeeting(run);
  return { meeting: { ...meeting, excluded: meeting.excluded.filter((x) => !kept.has(x.toMillis())) }, exceptions: [...s.exceptions, ...roomless] };
}

const patch: SendStep = {
  call: (run) => {
    const { meeting, exceptions } = itemShape(run);
    return stepsOf(run.gateway).patchSeriesItem(itemOf(run), meeting, exceptions);
  },
  after: 'item-written',
};

const submitWhole: SendStep = {
  before: 'submitting',
  call: async (run) => {
    run.submission = await stepsOf(run.gateway).submitSeries(itemOf(run), seriesMeeting(run), { resumed: run.resumed });
  },
  after: 'done',
};

/** The one date's update, to the attendees and the room the date is in now. */
const sendChange = (after: 'done' | 'submitted'): SendStep => ({
  before: 'submitting',
  call: async (run) => {
    run.submission = await stepsOf(run.gateway).sendOccurrenceChange(itemOf(run), seriesMeeting(run), occurrenceOf(run), { resumed: run.resumed });
  },
  after,
});

export const SERIES_SEND_PATH: Record<SeriesOp, readonly SendStep[]> = {
  create: [
    {
      call: async (run) => {
        const { meeting, exceptions } = itemShape(run);
        run.ref = await stepsOf(run.gateway).putSeriesItem(meeting, exceptions);
      },
      after: 'item-written',
      recordsItem: true,
    },
    submitWhole,
  ],
  'update-series': [patch, submitWhole],
  'change-occurrence': [patch, sendChange('done')],
  // One date moved to another room (issue 14): the attendees and the new room get the date's update, then the room it
  // left gets a cancellation of that date only (Outlook's way: a removed resource is sent a cancellation).
  'move-occurrence': [
    patch,
    sendChange('submitted'),
    {
      // No mark before it (the worker has four): a resume always looks in Sent Items first, so it is never sent twice.
      call: async (run) => {
        const room = run.series?.dropped?.room;
        if (!room) return;
        const o = occurrenceOf(run);
        const only = { attendees: [], room };
        await stepsOf(run.gateway).sendOccurrenceCancel(
          itemOf(run),
          { ...seriesMeeting(run), room },
          { originalStart: o.originalStart },
          { resumed: true, only },
        );
      },
      after: 'done',
    },
  ],
  // "Change the whole series" (issue 14): the same series updated (same UID, SEQUENCE+1, the RRULE kept), then those
  // the change dropped (the old room, removed attendees) get a cancellation of the series, nobody else.
  'change-series': [
    patch,
    { ...submitWhole, after: 'submitted' },
    {
      call: async (run) => {
        const gone = run.series?.dropped;
        if (!gone || (!gone.room && !gone.attendees.length)) return;
        const only = {
          attendees: gone.attendees.map((a) => (a.name ? { email: a.email, name: a.name } : { email: a.email })),
          ...(gone.room ? { room: gone.room } : {}),
        };
        await stepsOf(run.gateway).sendSeriesCancel(itemOf(run), { ...seriesMeeting(run), ...(gone.room ? { room: gone.room } : {}) }, { resumed: true, only });
      },
      after: 'done',
    },
  ],
  'cancel-occurrence': [
    patch,
    {
      before: 'submitting',
      call: async (run) => {
        const o = occurrenceOf(run);
        // A date in another room: that room gets the cancellation (with the attendees), not the series' room.
        run.submission = await stepsOf(run.gateway).sendOccurrenceCancel(
          itemOf(run),
          o.room ? { ...seriesMeeting(run), room: o.room } : seriesMeeting(run),
          { originalStart: o.originalStart },
          { resumed: run.resumed },
        );
      },
      after: 'done',
    },
  ],
  'cancel-series': [
    {
      before: 'submitting',
      call: async (run) => {
        const alsoRooms = run.series?.otherRooms ?? [];
        run.submission = await stepsOf(run.gateway).sendSeriesCancel(itemOf(run), seriesMeeting(run), { resumed: run.resumed, alsoRooms });
      },
      after: 'submitted',
    },
    {
      call: (run) => stepsOf(run.gateway).removeSeriesItem(itemOf(run)),
      after: 'done',
    },
  ],
  // | release-room | —            | patchSeriesItem: the dates roomless in the organizer's item | `item-written` | `queued`: PUT again |
  // |              | `submitting` | sendOccurrenceCancel to the room alone, per date | `submitted` | `submitting`: each date's CANCEL looked up in Sent Items first |
  // |              | —            | sendOccurrenceChange to the attendees alone, per date, no room | `done`, dates cancelled | always resumed: Sent Items checked per date |
  'release-room': [
    {
      // The organizer's own item first, like every other series change: the released dates stay in it, without the
      // room. CASE: the organizer deleted the series in Outlook: there is no item to fix, the room is still freed.
      call: async (run) => {
        try {
          await patch.call(run);
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
        }
      },
      after: 'item-written',
    },
    {
      before: 'submitting',
      call: async (run) => {
        // Addressed to the room alone (no To/Cc): the room's calendar frees the dates.
        const roomOnly = { ...seriesMeeting(run), requiredAttendees: [], optionalAttendees: [] };
        for (const originalStart of run.series?.released ?? []) {
          run.submission = await stepsOf(run.gateway).sendOccurrenceCancel(itemOf(run), roomOnly, { originalStart }, { resumed: run.resumed });
        }
      },
      after: 'submitted',
    },
    {
      // Issue 15: the attendees keep the meeting but are told it has no room: each released date's update (RECURRENCE-ID,
      // same SEQUENCE as the room's CANCEL) names no resource and goes to them only. No mark before it: a resume always
      // looks in Sent Items first, date by date, so no attendee gets a date's update twice.
      call: async (run) => {
        const s = run.series!;
        const m = seriesMeeting(run);
        const attendees = [...m.requiredAttendees, ...m.optionalAttendees];
        // CASE: nobody but the organizer was invited: there is nobody to tell.
        if (!attendees.length) return;
        const withoutRoom: SeriesMeeting = { ...m, withoutRoom: true, ...(s.releasedLocation ? { location: s.releasedLocation } : {}) };
        const length = m.end.diff(m.start);
        for (const originalStart of s.released ?? []) {
          // A date moved in time keeps its own times (its roomless entry carries them, as do the exceptions of jobs
          // queued before migration 0018); the room it is taken off is the series' (no room named).
          const same = (e: OccurrenceOverride) => e.originalStart.toMillis() === originalStart.toMillis();
          const moved = (s.roomless ?? []).find(same) ?? s.exceptions.find(same);
          const change: OccurrenceOverride = moved
            ? { originalStart, start: moved.start, end: moved.end, ...(moved.subject ? { subject: moved.subject } : {}) }
            : { originalStart, start: originalStart, end: originalStart.plus(length) };
          const sent = await stepsOf(run.gateway).sendOccurrenceChange(itemOf(run), withoutRoom, change, { resumed: true, only: { attendees } });
          run.submission ??= sent;
        }
      },
      after: 'done',
    },
  ],
};
