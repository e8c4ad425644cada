// Recurring meetings as named steps the outbox worker can record one by one, like the single-meeting steps in
// meetings.ts, but written as MIME (§7 B) because WebDAV PROPPATCH of recurrence is unsupported (§11, KB920134):
//   create            = putSeriesItem (PUBLISH into the Calendar) → submitSeries (REQUEST via Drafts + MOVE)
//   change one date   = patchSeriesItem (with the exception) → sendOccurrenceChange (REQUEST with RECURRENCE-ID)
//   cancel one date   = patchSeriesItem (with the EXDATE)    → sendOccurrenceCancel (CANCEL with RECURRENCE-ID)
//   cancel the series = sendSeriesCancel (CANCEL)           → removeSeriesItem (DELETE)
// Every step is safe to repeat: item and draft names derive from the UID (and the occurrence, kind and
// SEQUENCE), nobody else's item is overwritten, and a resumed submission first looks in Sent Items.
import ICAL from 'ical.js';
import type { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Attendee, ItemRef, MailboxFolders, OccurrenceOverride, SeriesMeeting, SeriesStepOptions, SeriesSteps, Submission } from './gateway.ts';
import type { Transport } from './transport.ts';
import type { FolderDirectory } from './folders.ts';
import { ConflictError, InvalidMeetingError, NotFoundError } from './errors.ts';
import { putMime } from './dav/put.ts';
import { propfind } from './dav/propfind.ts';
import { deleteItem } from './dav/delete.ts';
import { scopePath, search, sqlString } from './dav/search.ts';
import { propText } from './dav/multistatus.ts';
import { NS } from './properties.ts';
import { itemName, itemPath } from './paths.ts';
import { submitAndVerify } from './submission.ts';
import { occurrenceCalendar, seriesCalendar } from './series-ical.ts';
import { calendarMessageMime, type CalendarMessage } from './series-mime.ts';

export interface SeriesContext {
  transport: Transport;
  folders: FolderDirectory;
  log: Logger;
  now: () => DateTime;
}

type Kind = 'request' | 'cancel';

const CLASS_BY_KIND: Record<Kind, RegExp> = {
  request: /^IPM\.Schedule\.Meeting\.Request$/i,
  cancel: /^IPM\.Schedule\.Meeting\.Canceled$/i,
};

const RECURRENCE_ID = `${NS.cal}recurrenceid`;

/** `20270406T090000Z`: the occurrence's original start in UTC, a stable and name-safe part of a draft name. */
function occurrenceTag(originalStart: DateTime): string {
  return originalStart.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
}

/** The series' draft for one message: unique per UID, occurrence (or the whole series), kind and SEQUENCE. */
function seriesDraftPath(folders: MailboxFolders, uid: string, kind: Kind, sequence: number, occurrence?: DateTime): string {
  const what = occurrence ? `occurrence-${occurrenceTag(occurrence)}` : 'series';
  return itemPath(folders.drafts, itemName(uid, `-${what}-${kind}-${sequence}`));
}

/** Recipients as Outlook files them: required → To, optional → Cc, the room → Bcc (OXOCAL recipient types). */
function addressing(m: SeriesMeeting, options: SeriesStepOptions = {}): Pick<CalendarMessage, 'from' | 'to' | 'cc' | 'bcc'> {
  const from: Attendee = { email: m.organizer.email, name: m.organizer.name };
  const { only } = options;
  // CASE: a message for those a change dropped only (the old room, removed attendees): nobody else gets it.
  if (only) return { from, to: only.attendees, cc: [], bcc: only.room ? [{ email: only.room.email, name: only.room.name }] : [] };
  const rooms = [m.room, ...(options.alsoRooms ?? []).filter((r) => r.email.toLowerCase() !== m.room.email.toLowerCase())];
  return { from, to: m.requiredAttendees, cc: m.optionalAttendees, bcc: rooms.map((r) => ({ email: r.email, name: r.name })) };
}

/** The master's calendar with changed occurrences added as VEVENTs of the same UID (one item, one UID). */
function withExceptions(master: string, m: SeriesMeeting, exceptions: readonly OccurrenceOverride[], now: DateTime): string {
  if (exceptions.length === 0) return master;
  const cal = new ICAL.Component(ICAL.parse(master) as unknown[]);
  for (const o of exceptions) {
    const one = new ICAL.Component(ICAL.parse(occurrenceCalendar('REQUEST', m, o, now)) as unknown[]);
    const ev = one.getFirstSubcomponent('vevent');
    if (ev) cal.addSubcomponent(ev);
  }
  return cal.toString() + '\r\n';
}

/** A message for `only` lists only them as attendees (a client reading ATTENDEE lines must not reach the others). */
function narrowed(m: SeriesMeeting, only: SeriesStepOptions['only']): SeriesMeeting {
  if (!only) return m;
  // CASE: no room among them: the calendar names no resource either, so the series' room is not told.
  return { ...m, requiredAttendees: [...only.attendees], optionalAttendees: [], ...(only.room ? { room: only.room } : { withoutRoom: true }) };
}

// RFC 5545 recur-rule-parts only: no line break or other property can ride along in the RRULE text.
const RRULE_TEXT = /^FREQ=[A-Z]+(;[A-Z]+=[A-Z0-9,+-]+)*$/;

/** Checks the series' own fields before any request (the meeting's fields are checked by the calendar builders). */
function checkSeries(m: SeriesMeeting): void {
  const fields: Record<string, string> = {};
  if (!RRULE_TEXT.test(m.rrule)) fields.rrule = 'must be an RRULE value such as FREQ=WEEKLY;BYDAY=TU;COUNT=12.';
  if (m.excluded.some((x) => !x.isValid)) fields.excluded = 'must be valid instants.';
  if (Object.keys(fields).length) throw new InvalidMeetingError(fields);
}

export function createSeriesSteps(ctx: SeriesContext): SeriesSteps {
  const t = ctx.transport;

  /** True when Sent Items holds this UID's message of this kind, SEQUENCE and occurrence (none = the series). */
  async function alreadySent(folders: MailboxFolders, mailbox: string, uid: string, kind: Kind, sequence: number, occurrence?: DateTime): Promise<boolean> {
    if (!folders.sentItems) return false;
    const sql =
      `SELECT "urn:schemas:calendar:uid", "http://schemas.microsoft.com/exchange/outlookmessageclass", "urn:schemas:calendar:sequence", "urn:schemas:calendar:recurrenceid" ` +
      `FROM SCOPE('SHALLOW TRAVERSAL OF "${scopePath(folders.sentItems)}"') ` +
      `WHERE "DAV:isfolder" = false AND "urn:schemas:calendar:uid" = ${sqlString(uid)}`;
    const rows = await search(t, folders.sentItems, sql, { mailbox });
    const wanted = occurrence ? occurrence.toMillis() : null;
    return rows.some((row) => {
      if (propText(row, 'uid') !== uid) return false;
      if (!CLASS_BY_KIND[kind].test(propText(row, 'messageClass') ?? '')) return false;
      if (Number(propText(row, 'sequence') ?? '-1') !== sequence) return false;
      const rid = row.props.get(RECURRENCE_ID)?.text;
      const found = rid ? Date.parse(rid) : null;
      return found === wanted;
    });
  }

  /** The organizer's item: PUBLISH, the master with its EXDATEs and the changed dates as VEVENTs of the same UID. */
  function itemMime(series: SeriesMeeting, exceptions: readonly OccurrenceOverride[]): string {
    const now = ctx.now();
    const calendar = withExceptions(seriesCalendar('PUBLISH', series, now), series, exceptions, now);
    return calendarMessageMime({ method: 'PUBLISH', subject: series.subject, ...addressing(series), textBody: series.textBody, calendar, date: now });
  }

  /**
   * Create-only PUT of MIME: a name already taken is fine when the item there carries our UID (an earlier attempt
   * wrote it), and a ConflictError when it is someone else's: nothing is ever overwritten.
   */
  async function putOnce(path: string, mime: string, mailbox: string, uid: string, takenMessage: string): Promise<void> {
    try {
      await putMime(t, path, mime, { createOnly: true, mailbox });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const { rows, facts } = await propfind(t, path, ['uid'], { mailbox });
      const existing = rows[0];
      if (!existing || propText(existing, 'uid') !== uid) throw new ConflictError(takenMessage, facts, { cause: error });
    }
  }

  // Cancellations keep the meeting's subject, like the single-meeting ones (meeting-props.ts): no "Canceled: "
  // prefix of our own; the message class and METHOD:CANCEL say what it is.
  /** PUT the draft (reusing our own leftover one) and MOVE it to the submission URI. */
  async function submit(
    ref: ItemRef,
    m: SeriesMeeting,
    kind: Kind,
    calendar: () => string,
    options: SeriesStepOptions,
    occurrence?: DateTime,
    subject = m.subject,
  ): Promise<Submission> {
    checkSeries(m);
    const text = calendar();
    const mailbox = ref.mailbox;
    const folders = await ctx.folders.get(mailbox);
    if (options.resumed && (await alreadySent(folders, mailbox, m.uid, kind, m.sequence, occurrence))) {
      return { outcome: 'already-submitted', route: 'webdav', sequence: m.sequence };
    }
    const method = kind === 'request' ? 'REQUEST' : 'CANCEL';
    const mime = calendarMessageMime({ method, subject, ...addressing(m, options), textBody: m.textBody, calendar: text, date: ctx.now() });
    const path = seriesDraftPath(folders, m.uid, kind, m.sequence, occurrence);
    // CASE: the draft exists: an earlier attempt wrote it but did not submit it; it is reused only if it is ours.
    await putOnce(path, mime, mailbox, m.uid, 'draft name taken by another item');
    // Verified like a single meeting's submission: a draft still in Drafts after the MOVE was not sent.
    await submitAndVerify(t, folders, mailbox, path);
    return { outcome: 'submitted', route: 'webdav', sequence: m.sequence };
  }

  return {
    async putSeriesItem(series, exceptions = []) {
      checkSeries(series);
      const mime = itemMime(series, exceptions);
      const mailbox = series.organizer.alias;
      const folders = await ctx.folders.get(mailbox);
      const path = itemPath(folders.calendar, itemName(series.uid));
      const ref: ItemRef = { mailbox, path, uid: series.uid };
      // CASE: the name is taken: ours from an earlier attempt (fine), or someone else's (never overwritten).
      await putOnce(path, mime, mailbox, series.uid, 'calendar item name taken by another meeting');
      return ref;
    },

    async patchSeriesItem(ref, series, exceptions = []) {
      checkSeries(series);
      try {
        await putMime(t, ref.path, itemMime(series, exceptions), { mustExist: true, mailbox: ref.mailbox });
      } catch (error) {
        // CASE: deleted in Outlook: gone, never re-created behind the user's back.
        if (error instanceof ConflictError && error.status === 412) {
          const { method, durationMs, requestId } = error;
          throw new NotFoundError('the series item is gone', { method, path: error.path, status: 412, durationMs, requestId }, { cause: error });
        }
        throw error;
      }
    },

    submitSeries(ref, series, options = {}) {
      return submit(ref, series, 'request', () => seriesCalendar('REQUEST', series, ctx.now()), options);
    },

    sendOccurrenceChange(ref, series, change, options = {}) {
      return submit(
        ref,
        // A date in another room: that room is invited to it (Bcc), the series' room is not.
        change.room ? { ...series, room: change.room } : series,
        'request',
        () => occurrenceCalendar('REQUEST', series, change, ctx.now()),
        options,
        change.originalStart,
        change.subject ?? series.subject,
      );
    },

    sendOccurrenceCancel(ref, whole, occurrence, options = {}) {
      const series = narrowed(whole, options.only);
      // The cancelled date keeps its own times: the original start plus the series' length.
      const length = series.end.diff(series.start);
      const o: OccurrenceOverride = { originalStart: occurrence.originalStart, start: occurrence.originalStart, end: occurrence.originalStart.plus(length) };
      return submit(ref, series, 'cancel', () => occurrenceCalendar('CANCEL', series, o, ctx.now()), options, occurrence.originalStart);
    },

    sendSeriesCancel(ref, whole, options = {}) {
      const series = narrowed(whole, options.only);
      return submit(ref, series, 'cancel', () => seriesCalendar('CANCEL', series, ctx.now()), options);
    },

    async removeSeriesItem(ref) {
      try {
        await deleteItem(t, ref.path, { mailbox: ref.mailbox });
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    },
  };
}
