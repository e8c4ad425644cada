// The gateway's domain interface: the only shapes the rest of the app sees (STYLE §2.3).
// Protocol words stay below this file; nothing here mentions WebDAV, OWA, undici or XML.
import type { DateTime } from 'luxon';

/** A person taking part in a meeting. */
export interface Attendee {
  /** SMTP address, e.g. `bob@example.com`. */
  email: string;
  /** Display name shown to other attendees; optional. */
  name?: string;
}

/** The organizer: an employee whose mailbox the service account may write to as a delegate. */
export interface Organizer {
  /** Mailbox alias (the `/exchange/<alias>/` path segment). */
  alias: string;
  email: string;
  name: string;
}

/** The meeting room, invited as a resource. */
export interface Room {
  alias: string;
  email: string;
  /** Display name; also the meeting's location unless `Meeting.location` says otherwise. */
  name: string;
}

export type BusyStatus = 'free' | 'tentative' | 'busy' | 'oof';

/** Everything the gateway needs to create, update or cancel one meeting. */
export interface Meeting {
  /** Stable iCalendar UID derived from the booking uid by the caller; also names the Exchange items. */
  uid: string;
  organizer: Organizer;
  subject: string;
  /** Plain-text body; always sent. */
  textBody: string;
  /** HTML body; when absent one is made from `textBody`. */
  htmlBody?: string;
  /** Free-text location; defaults to the room's name. */
  location?: string;
  /** Start and end as instants (UTC on the wire); `end` must be after `start`. */
  start: DateTime;
  end: DateTime;
  /** The room's IANA zone, e.g. `Europe/London` (used for local-time fields and checks, never the process zone). */
  timeZone: string;
  requiredAttendees: Attendee[];
  optionalAttendees: Attendee[];
  room: Room;
  /** iCalendar SEQUENCE: 0 on create, raised by the caller on each update or cancel. */
  sequence: number;
  /** Minutes before start; `null` = no reminder. */
  reminderMinutes: number | null;
  busyStatus: BusyStatus;
  /** A private booking: Exchange marks the items private (PR_SENSITIVITY 2); `false` normal (0); absent = not sent. */
  private?: boolean;
  /**
   * The organizer's language as a BCP-47 tag (`hu`, `en-GB`): the OWA commands sent for this meeting ask for it in
   * `Accept-Language`, as the organizer's own browser would. Absent: the gateway's `defaultLanguage` (DEFAULT_LOCALE).
   */
  language?: string;
}

/** Where a meeting lives in Exchange. Plain JSON so the outbox can store it. */
export interface ItemRef {
  /** Mailbox alias of the organizer. */
  mailbox: string;
  /** Server-relative, %-encoded path of the organizer's calendar item. */
  path: string;
  /** The meeting's iCalendar UID. */
  uid: string;
}

/** The outcome of handing a meeting message to Exchange for delivery. */
export interface Submission {
  /** `submitted`: Exchange accepted it now. `already-submitted`: an earlier attempt had already done it. */
  outcome: 'submitted' | 'already-submitted';
  /** Which route sent it (the OWA command or the WebDAV-only fallback). */
  route: MeetingRoute;
  /** The SEQUENCE of the message Exchange sent (OWA's getcancel takes it from the item, not from the caller). */
  sequence: number;
}

export type MeetingRoute = 'owa' | 'webdav';

/** Options for a step that may be a retry of an attempt whose outcome is unknown (e.g. after a timeout). */
export interface StepOptions {
  /** True when a previous attempt of this same step may have reached Exchange; the gateway then checks first. */
  resumed?: boolean;
}

/** Options for sending an update. */
export interface UpdateOptions extends StepOptions {
  /**
   * Addresses the previous version went to. On the WebDAV route those no longer invited get a cancellation
   * (OWA works this out itself). Omit when nobody was removed.
   */
  previousRecipients?: readonly string[];
  /**
   * Addresses dropped from the meeting that get nothing, not even a cancellation: a room that declined it (or whose
   * mailbox does not exist) when the meeting moves to another room. Sent on the WebDAV route, which OWA is not:
   * OWA's sendappt cancels for everyone dropped.
   */
  quietlyDropped?: readonly string[];
}

/** Options for a free/busy read. */
export interface FreeBusyOptions {
  /** The asking user's language (BCP-47), sent in `Accept-Language`; absent: the gateway's `defaultLanguage`. */
  language?: string;
  /**
   * Told each batch's answers as soon as that batch is read, before the whole call settles: a caller can work on them
   * while the other batches are still on the wire (issue 13). The same answers come again in the result, in order.
   * Throwing fails the call. A gateway may never call it (the test fakes do not): callers fall back to the result.
   */
  onBatch?: (answers: readonly MailboxFreeBusy[]) => void;
}

/** A half-open time window [start, end). */
export interface TimeWindow {
  start: DateTime;
  end: DateTime;
}

/** A stretch of time in which a mailbox is not free. */
export interface BusySlot {
  start: DateTime;
  end: DateTime;
  status: Exclude<BusyStatus, 'free'>;
  /** `start` and `end` as epoch ms, when the reader has them (the OWA answer does): loops over many rooms read these, not DateTimes. */
  readonly startMs?: number;
  readonly endMs?: number;
}

/** Free/busy of one mailbox over the requested window. */
export interface MailboxFreeBusy {
  /** The address as the caller passed it. */
  email: string;
  /** False when Exchange has no data for the mailbox (unknown address or nothing published). */
  known: boolean;
  /** Non-free stretches, merged, in time order. */
  busy: BusySlot[];
  /**
   * Whether any non-free time overlaps [startMs, endMs) (epoch ms): the same answer as reading `busy`, from the answer's
   * data as it came, without building the stretches (a 5,000-room search asks this of every room and draws 25; issue
   * 13). Absent when the reader has no such shortcut: read `busy` then.
   */
  busyBetween?(startMs: number, endMs: number): boolean;
}

export type AttendeeRole = 'required' | 'optional' | 'resource';

/** The mailbox owner's own answer to a meeting, as stored on its calendar copy. */
export type ResponseStatus = 'none' | 'organizer' | 'tentative' | 'accepted' | 'declined' | 'not-responded';

export interface CalendarAttendee {
  email: string;
  name?: string;
  role: AttendeeRole;
}

/** One item of a calendar as read back from Exchange. */
export interface CalendarItem {
  /** Server-relative path of the item. */
  path: string;
  /** iCalendar UID; empty when Exchange has none (rare: items made by old clients). */
  uid: string;
  subject: string;
  start: DateTime;
  end: DateTime;
  location: string;
  /** Organizer address as Exchange stores it (RFC 822 form, e.g. `"Alice" <alice@example.com>`). */
  organizer: string;
  attendees: CalendarAttendee[];
  /** The calendar owner's response (for a room: accepted / declined). */
  responseStatus: ResponseStatus;
  busyStatus: BusyStatus;
  cancelled: boolean;
  sequence: number;
  /** 0 single, 2 occurrence, 3 exception (masters are not listed). */
  instanceType: number;
  lastModified: DateTime | null;
}

/** An attendee's answer to a meeting, as it arrived in the organizer's Inbox. */
export interface AttendeeResponse {
  /** The meeting's iCalendar UID. */
  uid: string;
  email: string;
  name?: string;
  response: 'accepted' | 'tentative' | 'declined';
  /** When Exchange received it; null if it did not say. */
  receivedAt: DateTime | null;
  /** Server-relative path of the response message. */
  path: string;
  /** For an answer to one date of a series: that date's original start (RECURRENCE-ID). */
  recurrenceId?: DateTime;
  /** "Propose New Time" (Outlook) or METHOD:COUNTER: the time the attendee proposed instead, UTC, end after start. */
  proposal?: { start: DateTime; end: DateTime };
}

/** Well-known folders of one mailbox, as server-relative paths (names are localized, never assumed). */
export interface MailboxFolders {
  root: string;
  calendar: string;
  inbox: string;
  drafts: string;
  sentItems: string;
  deletedItems: string;
  outbox: string;
  /** The mail submission URI (`##DavMailSubmissionURI##`). */
  submission: string;
}

/** One finished HTTP exchange, as told to the observer passed to createExchangeGateway (the app's metrics); no paths, bodies or mailboxes. */
export interface ExchangeRequestEvent {
  /** The request's HTTP method, with the command when the URL names one (e.g. `GET freebusy`). */
  operation: string;
  /** HTTP status, or 0 when no answer came (network failure or timeout). */
  status: number;
  durationMs: number;
}

export type ExchangeRequestObserver = (event: ExchangeRequestEvent) => void;

/**
 * Whether Exchange knows a mailbox and lets the service account in: `ok` (its calendar can be read as a delegate),
 * `unknown` (no such mailbox), `no-access` (it exists but the service account is not a delegate), `unreachable`
 * (Exchange did not answer or refused the service account itself, so nothing is known about the mailbox).
 */
export type MailboxCheck = 'ok' | 'unknown' | 'no-access' | 'unreachable';

/** Counters for `/healthz` and the benchmark. */
export interface GatewayHealth {
  /** False once the last request failed at the network level or with a 5xx; true after any answer. */
  reachable: boolean;
  /** When the current run of network-level / 5xx failures began (ISO, UTC); null while Exchange answers. */
  unreachableSince: string | null;
  lastError: { at: string; operation: string; message: string } | null;
  operations: Record<string, { ok: number; failed: number }>;
  /** HTTP requests sent and TCP connections opened since start. */
  requests: number;
  connections: number;
}

/**
 * The only way the app talks to Exchange. Every method throws `ExchangeError` subclasses only. Meetings go as the
 * steps the outbox records one by one (create, update, cancel = two steps each; see sync/worker.ts SEND_PATH);
 * tests chain them with `testing/composites.ts`.
 */
export interface ExchangeGateway {
  /** Step 1 of create: write the organizer's calendar item at a uid-derived URL (idempotent; never overwrites). */
  putMeetingItem(meeting: Meeting): Promise<ItemRef>;
  /** Step 2 of create: send the meeting request (same UID and SEQUENCE) to every attendee and the room. */
  submitMeeting(ref: ItemRef, meeting: Meeting, options?: StepOptions): Promise<Submission>;
  /** Step 1 of update: change the organizer's item (the caller has raised `meeting.sequence`). */
  patchMeetingItem(ref: ItemRef, meeting: Meeting): Promise<void>;
  /** Step 2 of update: send the update to everyone on the meeting now (removed attendees get a cancellation). */
  sendMeetingUpdate(ref: ItemRef, meeting: Meeting, options?: UpdateOptions): Promise<Submission>;
  /** Step 1 of cancel: send the cancellation (meeting.sequence is the cancellation's SEQUENCE). */
  sendCancellation(ref: ItemRef, meeting: Meeting, options?: StepOptions): Promise<Submission>;
  /** Step 2 of cancel: delete the organizer's item; an item already gone counts as removed. */
  removeMeetingItem(ref: ItemRef): Promise<void>;
  /** Step 1 of a room release: a cancellation to the room mailbox alone (attendees keep the meeting). */
  cancelForRoom(ref: ItemRef, meeting: Meeting, options?: StepOptions): Promise<Submission>;
  /** Step 2 of a room release: the organizer's item without the room, and the update to the attendees only. */
  sendUpdateWithoutRoom(ref: ItemRef, meeting: Meeting, options?: StepOptions): Promise<Submission>;
  /** Free/busy of many mailboxes; one request per batch. `intervalMinutes` is the slot length. */
  freeBusy(emails: string[], window: TimeWindow, intervalMinutes: number, options?: FreeBusyOptions): Promise<MailboxFreeBusy[]>;
  /** Items of a mailbox's calendar overlapping the window (single items and occurrences). */
  listCalendar(mailbox: string, window: TimeWindow): Promise<CalendarItem[]>;
  /** Attendee answers (accept / tentative / decline) waiting in the organizer's Inbox; optionally for one UID. */
  listResponses(mailbox: string, uid?: string): Promise<AttendeeResponse[]>;
  /** The mailbox's well-known folders (cached per mailbox). */
  discoverFolders(mailbox: string): Promise<MailboxFolders>;
  /**
   * Reads the service account's own mailbox root (one request, never cached): proves Exchange answers and accepts
   * the credentials. For readiness checks; throws ExchangeError subclasses like every other method.
   */
  probe(): Promise<void>;
  /**
   * Checks a mailbox as the service account (two PROPFINDs, never cached: the root, then its calendar). Never throws
   * for Exchange's answers; they become a `MailboxCheck`.
   */
  checkMailbox(alias: string): Promise<MailboxCheck>;
  health(): GatewayHealth;
  /** Close pooled connections. */
  close(): Promise<void>;
}

// ---- Recurring meetings (issue 14) -------------------------------------------------------------------------
// A separate section so the single-meeting interface above stays as it is; `createExchangeGateway` returns a
// `SeriesGateway`, whose `series` member holds the series steps.

/** A recurring meeting: `start`/`end` are the first occurrence; `rrule` repeats it on the room's wall clock. */
export interface SeriesMeeting extends Meeting {
  /** RFC 5545 RRULE value without `RRULE:`, e.g. `FREQ=WEEKLY;BYDAY=TU;COUNT=12`. */
  rrule: string;
  /** Start instants of occurrences removed from the series (EXDATE). */
  excluded: DateTime[];
  /** A message to removed attendees only: the calendar names no resource (the room keeps the series). */
  withoutRoom?: boolean;
}

/** One occurrence of a series, named by its original start (RECURRENCE-ID), possibly moved or renamed. */
export interface OccurrenceOverride {
  originalStart: DateTime;
  start: DateTime;
  end: DateTime;
  subject?: string;
  /** The room this date is in when it is not the series' room (its LOCATION and resource ATTENDEE, its Bcc). */
  room?: Meeting['room'];
  /** The date goes on without a room (check-in released it): no resource ATTENDEE, and this LOCATION instead. */
  withoutRoom?: { location: string };
}

/** A series message to some recipients only (those a change dropped: an old room, removed attendees), not to all. */
export interface SeriesStepOptions extends StepOptions {
  only?: { attendees: readonly Attendee[]; room?: Meeting['room'] };
  /** Rooms besides the series' that get the message too (rooms dates were moved to, told of a series cancel). */
  alsoRooms?: readonly Meeting['room'][];
}

/** One occurrence named by its original start (the RECURRENCE-ID), for a cancellation of that date only. */
export interface OccurrenceRef {
  originalStart: DateTime;
}

/**
 * The series steps, recorded one by one by the worker like the single-meeting steps; each is safe to repeat and
 * throws ExchangeError subclasses only.
 *   create            = putSeriesItem → submitSeries
 *   change one date   = patchSeriesItem (with the exception) → sendOccurrenceChange
 *   cancel one date   = patchSeriesItem (with the date in `excluded`) → sendOccurrenceCancel
 *   cancel the series = sendSeriesCancel → removeSeriesItem
 */
export interface SeriesSteps {
  /**
   * Create the organizer's calendar item at a uid-derived URL: the series with its EXDATEs and any changed
   * occurrences. A repeat finds its own item and is done; another meeting's item is never overwritten (ConflictError).
   */
  putSeriesItem(series: SeriesMeeting, exceptions?: readonly OccurrenceOverride[]): Promise<ItemRef>;
  /**
   * Replace the organizer's item with the series as it is now (raised SEQUENCE, EXDATEs, every changed date); an
   * item deleted in Outlook is NotFoundError, never re-created.
   */
  patchSeriesItem(ref: ItemRef, series: SeriesMeeting, exceptions?: readonly OccurrenceOverride[]): Promise<void>;
  /** Send the series request (one message, one UID, the RRULE) to every attendee and the room. */
  submitSeries(ref: ItemRef, series: SeriesMeeting, options?: StepOptions): Promise<Submission>;
  /** Send an update of one date only (RECURRENCE-ID); `series.sequence` is the update's SEQUENCE. */
  sendOccurrenceChange(ref: ItemRef, series: SeriesMeeting, change: OccurrenceOverride, options?: SeriesStepOptions): Promise<Submission>;
  /** Cancel one date only (RECURRENCE-ID); `series.sequence` is the cancellation's SEQUENCE. */
  sendOccurrenceCancel(ref: ItemRef, series: SeriesMeeting, occurrence: OccurrenceRef, options?: SeriesStepOptions): Promise<Submission>;
  /** Cancel the whole series for everyone (or `options.only`); `series.sequence` is the cancellation's SEQUENCE. */
  sendSeriesCancel(ref: ItemRef, series: SeriesMeeting, options?: SeriesStepOptions): Promise<Submission>;
  /** Delete the organizer's series item; an item already gone counts as removed. */
  removeSeriesItem(ref: ItemRef): Promise<void>;
}

/** The gateway with the series steps. */
export interface SeriesGateway extends ExchangeGateway {
  readonly series: SeriesSteps;
}
