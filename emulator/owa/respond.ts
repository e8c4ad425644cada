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
import { sendOwaErrorPage } from './error-page.ts';

const ANSWERS = { accept: 'ACCEPTED', tentative: 'TENTATIVE', decline: 'DECLINED' } as const;

export function handleRespond(ctx: RequestContext, m: MailboxRequest, cmd: keyof typeof ANSWERS): void {
  const { store, transport } = ctx.state;
  if (m.target.kind !== 'item') throw new HttpError(404, 'Not Found');
  const request = m.target.item;
  if (str(request.props.get(`${NS.ex}outlookmessageclass`)) !== MESSAGE_CLASS.request) {
    return sendOwaErrorPage(ctx, 'Only a meeting request can be answered.');
  }
  const answer = ANSWERS[cmd];
  if (answer === 'DECLINED') {
    // Declining one occurrence (RECURRENCE-ID) takes only that date out of a series.
    const uid = uidOf(request);
    const rid = parseExchangeDate(str(request.props.get(`${NS.cal}recurrenceid`)) ?? '');
    if (uid) removeMeeting(transport, m.mailbox, uid, rid);
  } else {
    fileMeeting(transport, m.mailbox, request, answer);
  }
  request.props.set(`${NS.proptag}x65e8000b`, { type: 'boolean', value: '1' });
  request.props.set(`${NS.mail}read`, { type: 'boolean', value: '1' });
  store.touchItem(request);
  reply(transport, m.mailbox, request, answer);
  ctx.log.info({ event: 'owa.meeting_answered', mailbox: m.mailbox.config.alias, answer }, 'meeting request answered');
  send(ctx.res, 302, '', '', { Location: folderHref(store, ctx.base, store.wellKnownFolder(m.mailbox, 'inbox')) });
}
