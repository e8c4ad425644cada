// One step of the send path and what a job's steps share while it runs: the shape of the rows of the worker's
// SEND_PATH (worker.ts) and of SERIES_SEND_PATH (series-path.ts), in a file of its own so the two tables import it
// and not each other.
import type { ExchangeGateway, ItemRef, Meeting, Submission } from '../exchange/gateway.ts';
import type { JobStep } from './outbox.repo.ts';
import type { SeriesJob } from './series-job.ts';

/** What one job's steps share while it runs. */
export interface JobRun {
  gateway: ExchangeGateway;
  meeting: Meeting;
  previousRecipients?: string[];
  quietlyDropped?: string[];
  /** The organizer's calendar item; null until the create's first step wrote it. */
  ref: ItemRef | null;
  /** The step may have reached Exchange before (its `before` mark was recorded): the gateway checks first. */
  resumed: boolean;
  /** What Exchange accepted for delivery (the SEQUENCE it sent). */
  submission: Submission | null;
  /** A recurring meeting's job (series-path.ts): what to do to the series. */
  series?: SeriesJob;
}

/** One gateway step of a job. A step whose `after` is recorded is never run again; see SEND_PATH. */
export interface SendStep {
  /** Recorded before the call, only for calls that send mail: a resume from it passes `resumed`. */
  before?: JobStep;
  /** The gateway call. */
  call(run: JobRun): Promise<void>;
  /** Recorded after the call, with the item's ref when `recordsItem` (one transaction); `done` finishes the job. */
  after: JobStep;
  recordsItem?: true;
}
