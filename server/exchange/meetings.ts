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
import { move } from './dav/move.ts';
import { deleteItem } from './dav/delete.ts';
import { propText } from './dav/multistatus.ts';
import { appointmentProps, messageProps, recipientEmails, validateMeeting } from './meeting-props.ts';
import { draftPath, submitDraft, wasSubmitted, type MessageKind } from './submission.ts';
import { itemName, itemPath } from './paths.ts';
import { sendAppointment } from './owa/sendappt.ts';
import { draftCancellation } from './owa/getcancel.ts';

export interface MeetingContext {
  transport: Transport;
  folders: FolderDirectory;
  route: MeetingRoute;
  /** Use the WebDAV route when the OWA command answers with an error page or nonsense. */
  autoFallback: boolean;
  log: Logger;
  now: () => DateTime;
}

// OWA answers we treat as "OWA cannot do this here" rather than as a failure of the meeting itself.
function isOwaRefusal(error: unknown): boolean {
  return error instanceof RejectedError && error.reason.startsWith('owa-');
}

export function createMeetingSteps(ctx: MeetingContext) {
  const t = ctx.transport;

  async function folderOf(alias: string): Promise<MailboxFolders> {
    return ctx.folders.get(alias);
  }

  async function submitMessage(folders: MailboxFolders, meeting: Meeting, kind: MessageKind, options: StepOptions, onlyTo?: readonly Attendee[], audience = ''): Promise<Submission> {
    const mailbox = meeting.organizer.alias;
    if (options.resumed && !onlyTo && (await wasSubmitted(t, folders, mailbox, meeting.uid, kind, meeting.sequence))) {
      return { outcome: 'already-submitted', route: 'webdav' };
    }
    const path = draftPath(folders, meeting.uid, kind, meeting.sequence, audience);
    await submitDraft(t, folders, mailbox, path, messageProps(meeting, kind, ctx.now(), onlyTo), meeting.uid);
    return { outcome: 'submitted', route: 'webdav' };
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
     * Step 1 of update: change the item in place; a missing item is NotFoundError, never a re-create. On the OWA
     * route the recipients are left alone: sendappt posts them, and OWA compares them with the item's to tell
     * removed attendees (who get a cancellation) from kept ones, as its own form does.
     */
    async patchMeetingItem(ref: ItemRef, meeting: Meeting): Promise<void> {
      validateMeeting(meeting);
      const props = appointmentProps(meeting, ctx.now());
      if (ctx.route === 'owa') {
        // CASE: an empty form field means "unchanged" to OWA (DSZ), so an emptied list is written here.
        if (meeting.requiredAttendees.length) delete props.to;
        if (meeting.optionalAttendees.length) delete props.cc;
        delete props.bcc;
      }
      try {
        await proppatch(t, ref.path, props, { mustExist: true, mailbox: ref.mailbox });
      } catch (error) {
        if (error instanceof ConflictError && error.status === 412) {
          throw new NotFoundError('the meeting item is gone', { method: error.method, path: error.path, status: 412, durationMs: error.durationMs, requestId: error.requestId }, { cause: error });
        }
        throw error;
      }
    },

    /** Step 2 of update. */
    async sendMeetingUpdate(ref: ItemRef, meeting: Meeting, options: UpdateOptions = {}): Promise<Submission> {
      validateMeeting(meeting);
      const folders = await folderOf(ref.mailbox);
      const owa = async (): Promise<Submission> => {
        if (options.resumed && (await wasSubmitted(t, folders, ref.mailbox, meeting.uid, 'request', meeting.sequence))) {
          return { outcome: 'already-submitted', route: 'owa' };
        }
        const answer = await sendAppointment(t, folders, ref.path, meeting);
        // CASE: a DSZ reader got 200 and nothing was sent. A plain page without a redirect to the item proves
        // nothing, so look for the update in Sent Items before calling it submitted.
        if (answer.itemPath === null && !(await wasSubmitted(t, folders, ref.mailbox, meeting.uid, 'request', meeting.sequence))) {
          throw new RejectedError('owa-not-sent', answer.facts, 'sendappt answered a page but no update reached Sent Items');
        }
        return { outcome: 'submitted', route: 'owa' };
      };
      const webdav = async (): Promise<Submission> => {
        // CASE: after an OWA refusal the item still lists the old recipients (step 1 left them to OWA).
        if (ctx.route === 'owa') {
          const { to, cc, bcc } = appointmentProps(meeting, ctx.now());
          await proppatch(t, ref.path, { to, cc, bcc }, { mustExist: true, mailbox: ref.mailbox });
        }
        const now = new Set(recipientEmails(meeting));
        const removed = (options.previousRecipients ?? []).filter((e) => !now.has(e.toLowerCase())).map((email) => ({ email }));
        const result = await submitMessage(folders, meeting, 'request', options);
        if (removed.length) await submitMessage(folders, meeting, 'cancel', {}, removed, 'removed');
        return result;
      };
      // CASE: OWA cannot be told to empty a list, so it would not cancel for people removed with it; the WebDAV
      // route can. Only knowable when the caller says who was invited before.
      const removed = (options.previousRecipients ?? []).filter((e) => !new Set(recipientEmails(meeting)).has(e.toLowerCase()));
      const emptiesAList = meeting.requiredAttendees.length === 0 || meeting.optionalAttendees.length === 0;
      if (ctx.route === 'owa' && emptiesAList && removed.length > 0) {
        ctx.log.info({ event: 'exchange.route_chosen', operation: 'update', route: 'webdav', reason: 'emptied-list' }, 'update empties an attendee list; sending with WebDAV');
        return webdav();
      }
      return withFallback('update', owa, webdav);
    },

    /** Step 1 of cancel. `meeting.sequence` is the cancellation's SEQUENCE (raised by the caller). */
    async sendCancellation(ref: ItemRef, meeting: Meeting, options: StepOptions = {}): Promise<Submission> {
      validateMeeting(meeting);
      const folders = await folderOf(ref.mailbox);
      const owa = async (): Promise<Submission> => {
        if (options.resumed && (await wasSubmitted(t, folders, ref.mailbox, meeting.uid, 'cancel', meeting.sequence))) {
          return { outcome: 'already-submitted', route: 'owa' };
        }
        const draft = await draftCancellation(t, folders, ref.path, ref.mailbox);
        await move(t, draft, folders.submission, { mailbox: ref.mailbox });
        return { outcome: 'submitted', route: 'owa' };
      };
      const webdav = () => submitMessage(folders, meeting, 'cancel', options);
      return withFallback('cancel', owa, webdav);
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
