// Meetings as named steps the outbox worker can record one by one (STYLE §2.3 "Steps are visible"):
//   create = putMeetingItem → submitMeeting
//   update = patchMeetingItem → sendMeetingUpdate     (OWA Cmd=sendappt, or the WebDAV resend)
//   cancel = sendCancellation → removeMeetingItem      (OWA Cmd=getcancel + MOVE, or a WebDAV CANCEL + MOVE)
// Every step is safe to repeat: item names derive from the UID, nothing is overwritten, and a resumed
// submission first checks Sent Items.
import type { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Attendee, ItemRef, MailboxFolders, Meeting, MeetingRoute, StepOptions, Submission, UpdateOptions } from './gateway.ts';
import type { Transport } from './transport.ts';
import type { FolderDirectory } from './folders.ts';
import { ConflictError, NotFoundError, RejectedError } from './errors.ts';
import { proppatch } from './dav/proppatch.ts';
import { propfind } from './dav/propfind.ts';
import { deleteItem } from './dav/delete.ts';
import { propText } from './dav/multistatus.ts';
import { appointmentProps, messageProps, recipientEmails, validateMeeting } from './meeting-props.ts';
import { draftPath, submitAndVerify, submitDraft, wasSubmitted, type MessageKind } from './submission.ts';
import { itemName, itemPath } from './paths.ts';
import { parseAddressList } from './addresses.ts';
import { sendAppointment } from './owa/sendappt.ts';
import { draftCancellation } from './owa/getcancel.ts';
import { acceptLanguage } from './owa/language.ts';

export interface MeetingContext {
  transport: Transport;
  folders: FolderDirectory;
  route: MeetingRoute;
  /** Use the WebDAV route when the OWA command answers with an error page or nonsense. */
  autoFallback: boolean;
  log: Logger;
  now: () => DateTime;
  /** Accept-Language of OWA commands for a meeting without `language` (config defaultLanguage). */
  defaultLanguage: string;
}

// OWA answers we treat as "OWA cannot do this here" rather than as a failure of the meeting itself.
function isOwaRefusal(error: unknown): boolean {
  return error instanceof RejectedError && error.reason.startsWith('owa-');
}

/** If-Match: * failing with 412 means the item is gone (deleted in Outlook): NotFoundError, never a re-create. */
function goneIf412(error: unknown): unknown {
  if (error instanceof ConflictError && error.status === 412) {
    const { method, path, durationMs, requestId } = error;
    return new NotFoundError('the meeting item is gone', { method, path, status: 412, durationMs, requestId }, { cause: error });
  }
  return error;
}

export function createMeetingSteps(ctx: MeetingContext) {
  const t = ctx.transport;

  async function folderOf(alias: string): Promise<MailboxFolders> {
    return ctx.folders.get(alias);
  }

  async function submitMessage(
    folders: MailboxFolders,
    meeting: Meeting,
    kind: MessageKind,
    options: StepOptions,
    onlyTo?: readonly Attendee[],
    audience = '',
  ): Promise<Submission> {
    const mailbox = meeting.organizer.alias;
    // A full cancellation counts as sent at its SEQUENCE or above (one sent by OWA may carry Exchange's); a
    // partial one (removed attendees) carries the update's SEQUENCE, so it never looks like the full one.
    const sent = { kind, sequence: meeting.sequence, orHigher: kind === 'cancel' && !audience };
    if (options.resumed && (await wasSubmitted(t, folders, mailbox, meeting.uid, sent))) {
      return { outcome: 'already-submitted', route: 'webdav', sequence: meeting.sequence };
    }
    const path = draftPath(folders, meeting.uid, kind, meeting.sequence, audience);
    await submitDraft(t, folders, mailbox, path, messageProps(meeting, kind, ctx.now(), onlyTo), meeting.uid);
    return { outcome: 'submitted', route: 'webdav', sequence: meeting.sequence };
  }

  /** Everyone the item lists now (to, cc, bcc): after step 1, the people the last version went to. */
  async function itemRecipients(ref: ItemRef): Promise<string[]> {
    const { rows } = await propfind(t, ref.path, ['to', 'cc', 'bcc'], { mailbox: ref.mailbox });
    const row = rows[0];
    if (!row) return [];
    return (['to', 'cc', 'bcc'] as const).flatMap((p) => parseAddressList(propText(row, p)).map((a) => a.email.toLowerCase()));
  }

  /** The SEQUENCE Exchange's calendar item has now (-1 when it has none). */
  async function itemSequence(ref: ItemRef): Promise<number> {
    const { rows } = await propfind(t, ref.path, ['sequence'], { mailbox: ref.mailbox });
    const value = rows[0] ? Number(propText(rows[0], 'sequence') ?? '-1') : -1;
    return Number.isInteger(value) ? value : -1;
  }

  async function withFallback(operation: string, owa: () => Promise<Submission>, webdav: () => Promise<Submission>): Promise<Submission> {
    if (ctx.route === 'webdav') return webdav();
    try {
      return await owa();
    } catch (error) {
      if (!ctx.autoFallback || !isOwaRefusal(error)) throw error;
      ctx.log.warn({ event: 'exchange.owa_fallback', operation, reason: (error as RejectedError).reason }, 'OWA refused; using the WebDAV route');
      return webdav();
    }
  }

  const steps = {
    /** Step 1 of create. */
    async putMeetingItem(meeting: Meeting): Promise<ItemRef> {
      validateMeeting(meeting);
      const mailbox = meeting.organizer.alias;
      const folders = await folderOf(mailbox);
      const path = itemPath(folders.calendar, itemName(meeting.uid));
      const ref: ItemRef = { mailbox, path, uid: meeting.uid };
      try {
        await proppatch(t, path, appointmentProps(meeting, ctx.now()), { createOnly: true, mailbox });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        // CASE: the name is taken: ours from an earlier attempt (fine), or someone else's (never overwritten).
        const { rows, facts } = await propfind(t, path, ['uid'], { mailbox });
        const existing = rows[0];
        if (!existing || propText(existing, 'uid') !== meeting.uid) {
          throw new ConflictError('calendar item name taken by another meeting', facts, { cause: error });
        }
      }
      return ref;
    },

    /** Step 2 of create: a REQUEST with the item's UID and SEQUENCE, via Drafts and the submission URI. */
    async submitMeeting(ref: ItemRef, meeting: Meeting, options: StepOptions = {}): Promise<Submission> {
      validateMeeting(meeting);
      return submitMessage(await folderOf(ref.mailbox), meeting, 'request', options);
    },

    /**
     * Step 1 of update: change the item in place; a missing item is NotFoundError, never a re-create. The
     * recipients are left as they were sent: step 2 needs them to tell removed attendees (who get a
     * cancellation) from kept ones, and writes the new ones itself.
     */
    async patchMeetingItem(ref: ItemRef, meeting: Meeting): Promise<void> {
      validateMeeting(meeting);
      const { to: _to, cc: _cc, bcc: _bcc, ...props } = appointmentProps(meeting, ctx.now());
      try {
        await proppatch(t, ref.path, props, { mustExist: true, mailbox: ref.mailbox });
      } catch (error) {
        throw goneIf412(error);
      }
    },

    /** Step 2 of update. */
    async sendMeetingUpdate(ref: ItemRef, meeting: Meeting, options: UpdateOptions = {}): Promise<Submission> {
      validateMeeting(meeting);
      const folders = await folderOf(ref.mailbox);
      const current = new Set(recipientEmails(meeting));
      let previous: readonly string[] | undefined = options.previousRecipients;
      const removed = async (): Promise<Attendee[]> => {
        previous ??= await itemRecipients(ref);
        const quiet = new Set((options.quietlyDropped ?? []).map((e) => e.toLowerCase()));
        return previous.filter((e) => !current.has(e.toLowerCase()) && !quiet.has(e.toLowerCase())).map((email) => ({ email }));
      };
      const owa = async (): Promise<Submission> => {
        const update = { kind: 'request' as const, sequence: meeting.sequence };
        if (options.resumed && (await wasSubmitted(t, folders, ref.mailbox, meeting.uid, update))) {
          return { outcome: 'already-submitted', route: 'owa', sequence: meeting.sequence };
        }
        // OWA replaces the item's recipients with the posted lists and cancels for the ones dropped.
        const answer = await sendAppointment(t, folders, ref.path, meeting, acceptLanguage(meeting.language, ctx.defaultLanguage));
        // CASE: a DSZ reader got 200 and nothing was sent. A plain page without a redirect to the item proves
        // nothing, so look for the update in Sent Items before calling it submitted.
        if (answer.itemPath === null && !(await wasSubmitted(t, folders, ref.mailbox, meeting.uid, update))) {
          throw new RejectedError('owa-not-sent', answer.facts, 'sendappt answered a page but no update reached Sent Items');
        }
        // The item carries meeting.sequence (step 1 wrote it), so OWA sends that SEQUENCE and does not raise it.
        return { outcome: 'submitted', route: 'owa', sequence: meeting.sequence };
      };
      const webdav = async (): Promise<Submission> => {
        const gone = await removed();
        if (gone.length) await submitMessage(folders, meeting, 'cancel', options, gone, 'removed');
        const result = await submitMessage(folders, meeting, 'request', options);
        const { to, cc, bcc } = appointmentProps(meeting, ctx.now());
        await proppatch(t, ref.path, { to, cc, bcc }, { mustExist: true, mailbox: ref.mailbox }).catch((e: unknown) => Promise.reject(goneIf412(e)));
        return result;
      };
      // CASE: an empty OWA form field means "unchanged" (DSZ), so OWA cannot empty a list and would not cancel
      // for the people dropped with it; the WebDAV route can.
      const emptiesAList = meeting.requiredAttendees.length === 0 || meeting.optionalAttendees.length === 0;
      if (ctx.route === 'owa' && emptiesAList && (await removed()).length > 0) {
        ctx.log.info(
          { event: 'exchange.route_chosen', operation: 'update', route: 'webdav', reason: 'emptied-list' },
          'update empties an attendee list; sending with WebDAV',
        );
        return webdav();
      }
      // CASE: a room that declined gets nothing more (not even OWA's cancellation for those dropped): WebDAV can.
      if (options.quietlyDropped?.length) return webdav();
      return withFallback('update', owa, webdav);
    },

    /** Step 1 of cancel. `meeting.sequence` is the cancellation's SEQUENCE (raised by the caller). */
    async sendCancellation(ref: ItemRef, meeting: Meeting, options: StepOptions = {}): Promise<Submission> {
      validateMeeting(meeting);
      const folders = await folderOf(ref.mailbox);
      const owa = async (): Promise<Submission> => {
        if (options.resumed) {
          // OWA builds the cancellation from Exchange's item (its SEQUENCE + 1), whatever the caller asked for: look
          // for what it sent. The item is still there (it is deleted only after this step).
          const sequence = Math.min(meeting.sequence, (await itemSequence(ref)) + 1);
          if (await wasSubmitted(t, folders, ref.mailbox, meeting.uid, { kind: 'cancel', sequence, orHigher: true })) {
            return { outcome: 'already-submitted', route: 'owa', sequence };
          }
        }
        const draft = await draftCancellation(t, folders, ref.path, ref.mailbox, acceptLanguage(meeting.language, ctx.defaultLanguage));
        // The caller raised the SEQUENCE from the version Exchange holds, so OWA's equals it.
        const sequence = meeting.sequence;
        await submitAndVerify(t, folders, ref.mailbox, draft);
        return { outcome: 'submitted', route: 'owa', sequence };
      };
      const webdav = () => submitMessage(folders, meeting, 'cancel', options);
      return withFallback('cancel', owa, webdav);
    },

    /**
     * Step 1 of a room release (check-in no-show): a CANCEL addressed to the room mailbox alone, so the room's calendar
     * and free/busy show the slot free; attendees hear nothing of it. Sent over WebDAV: OWA's cancel goes to everyone.
     */
    async cancelForRoom(ref: ItemRef, meeting: Meeting, options: StepOptions = {}): Promise<Submission> {
      validateMeeting(meeting);
      return submitMessage(await folderOf(ref.mailbox), meeting, 'cancel', options, [meeting.room], 'room-released');
    },

    /**
     * Step 2 of a room release: the organizer's item loses the room (recipients and location), and the attendees get
     * the update (same SEQUENCE as step 1's cancel) with the release in its body. Over WebDAV, as for an update that
     * empties a list: an empty OWA Resource field means "unchanged" (DSZ), so sendappt would keep and re-invite the room.
     */
    async sendUpdateWithoutRoom(ref: ItemRef, meeting: Meeting, options: StepOptions = {}): Promise<Submission> {
      validateMeeting(meeting);
      const folders = await folderOf(ref.mailbox);
      const { to: _to, cc: _cc, bcc: _bcc, ...props } = appointmentProps(meeting, ctx.now());
      const attendees = [...meeting.requiredAttendees, ...meeting.optionalAttendees];
      try {
        await proppatch(t, ref.path, { ...props, bcc: '' }, { mustExist: true, mailbox: ref.mailbox });
      } catch (error) {
        throw goneIf412(error);
      }
      // CASE: nobody but the organizer was invited: the item says it, there is nobody to tell.
      if (!attendees.length) return { outcome: 'submitted', route: 'webdav', sequence: meeting.sequence };
      return submitMessage(folders, meeting, 'request', options, attendees, 'room-released');
    },

    /** Step 2 of cancel: DELETE the organizer's item; already gone counts as done. */
    async removeMeetingItem(ref: ItemRef): Promise<void> {
      try {
        await deleteItem(t, ref.path, { mailbox: ref.mailbox });
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    },
  };
  return steps;
}

export type MeetingSteps = ReturnType<typeof createMeetingSteps>;
