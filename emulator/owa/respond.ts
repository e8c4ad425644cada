// GET <received meeting request>?Cmd=accept|tentative|decline: OWA's answer buttons (§10, PHPOWA). Accept and
// tentative file the meeting in the attendee's calendar; decline removes it from there; each sends the
// organizer a METHOD:REPLY response, which the organizer's item records. Answers 302 to the Inbox.
import { NS, parseExchangeDate, str } from '../store/props.ts';
import { folderHref } from '../store/view.ts';
import { HttpError, type RequestContext } from '../http/context.ts';
import { send } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { MESSAGE_CLASS } from '../mime/derive.ts';
import { fileMeeting, removeMeeting, reply, uidOf } from '../transport/rooms.ts';
import type { Transport } from '../transport/transport.ts';
import type { Item, Mailbox, Store } from '../store/store.ts';
import { sendOwaErrorPage } from './error-page.ts';

export const ANSWERS = { accept: 'ACCEPTED', tentative: 'TENTATIVE', decline: 'DECLINED' } as const;

export function handleRespond(ctx: RequestContext, m: MailboxRequest, cmd: keyof typeof ANSWERS): void {
  const { store, transport } = ctx.state;
  if (m.target.kind !== 'item') throw new HttpError(404, 'Not Found');
  const request = m.target.item;
  if (str(request.props.get(`${NS.ex}outlookmessageclass`)) !== MESSAGE_CLASS.request) {
    return sendOwaErrorPage(ctx, 'Only a meeting request can be answered.');
  }
  answerRequest(transport, store, m.mailbox, request, cmd);
  ctx.log.info({ event: 'owa.meeting_answered', mailbox: m.mailbox.config.alias, answer: ANSWERS[cmd] }, 'meeting request answered');
  send(ctx.res, 302, '', '', { Location: folderHref(store, ctx.base, store.wellKnownFolder(m.mailbox, 'inbox')) });
}

/**
 * Answers a received meeting request as its owner's client would: files or removes the meeting and sends the
 * organizer the response. With a proposal it is Outlook's "Propose New Time" (tentative or decline; an accept
 * with a proposal is sent as tentative, as Outlook offers none): the response carries the counter properties.
 */
export function answerRequest(
  transport: Transport,
  store: Store,
  mailbox: Mailbox,
  request: Item,
  cmd: keyof typeof ANSWERS,
  proposal?: { start: Date; end: Date },
): void {
  const answer = proposal && cmd === 'accept' ? 'TENTATIVE' : ANSWERS[cmd];
  if (answer === 'DECLINED') {
    // Declining one occurrence (RECURRENCE-ID) takes only that date out of a series.
    const uid = uidOf(request);
    const rid = parseExchangeDate(str(request.props.get(`${NS.cal}recurrenceid`)) ?? '');
    if (uid) removeMeeting(transport, mailbox, uid, rid);
  } else {
    fileMeeting(transport, mailbox, request, answer);
  }
  request.props.set(`${NS.proptag}x65e8000b`, { type: 'boolean', value: '1' });
  request.props.set(`${NS.mail}read`, { type: 'boolean', value: '1' });
  store.touchItem(request);
  reply(transport, mailbox, request, answer, undefined, [], proposal);
}
