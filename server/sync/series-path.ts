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
import type { ExchangeGateway, OccurrenceOverride, SeriesGateway, SeriesMeeting, SeriesSteps } from '../exchange/gateway.ts';
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

const patch: SendStep = {
  call: (run) => stepsOf(run.gateway).patchSeriesItem(itemOf(run), seriesMeeting(run), run.series!.exceptions),
  after: 'item-written',
};

const submitWhole: SendStep = {
  before: 'submitting',
  call: async (run) => {
    run.submission = await stepsOf(run.gateway).submitSeries(itemOf(run), seriesMeeting(run), { resumed: run.resumed });
  },
  after: 'done',
};

export const SERIES_SEND_PATH: Record<SeriesOp, readonly SendStep[]> = {
  create: [
    {
      call: async (run) => {
        run.ref = await stepsOf(run.gateway).putSeriesItem(seriesMeeting(run), run.series!.exceptions);
      },
      after: 'item-written',
      recordsItem: true,
    },
    submitWhole,
  ],
  'update-series': [patch, submitWhole],
  'change-occurrence': [
    patch,
    {
      before: 'submitting',
      call: async (run) => {
        run.submission = await stepsOf(run.gateway).sendOccurrenceChange(itemOf(run), seriesMeeting(run), occurrenceOf(run), { resumed: run.resumed });
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
        run.submission = await stepsOf(run.gateway).sendOccurrenceCancel(
          itemOf(run),
          seriesMeeting(run),
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
        run.submission = await stepsOf(run.gateway).sendSeriesCancel(itemOf(run), seriesMeeting(run), { resumed: run.resumed });
      },
      after: 'submitted',
    },
    {
      call: (run) => stepsOf(run.gateway).removeSeriesItem(itemOf(run)),
      after: 'done',
    },
  ],
};
