// GET <appointment>?Cmd=getcancel: OWA drafts the cancellation in Drafts and sends the browser there; the
// caller reads the draft's URL from the final response URL, MOVEs it to the submission URI and DELETEs the
// appointment (§9, DSZ). On an item that is not a meeting the caller organized, OWA shows the item itself.
import { NS, formatExchangeDate, str, type PropMap } from '../store/props.ts';
import { itemHref } from '../store/view.ts';
import { HttpError, type RequestContext } from '../http/context.ts';
import { send } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { MESSAGE_CLASS } from '../mime/derive.ts';
import { deliveryName } from '../transport/names.ts';
import { handleGet } from '../dav/get.ts';
import { isOrganizedMeeting, sequenceOf } from './meeting.ts';

const PREFIX: Record<string, string> = { en: 'Canceled: ', de: 'Abgesagt: ', hu: 'Lemondva: ' };

export async function handleGetCancel(ctx: RequestContext, m: MailboxRequest): Promise<void> {
  const { store } = ctx.state;
  if (m.target.kind !== 'item') throw new HttpError(404, 'Not Found');
  const item = m.target.item;
  if (!isOrganizedMeeting(item, m.mailbox)) {
    // CASE: DSZ's reader got "the same URL as the original appointment" back for a non-meeting.
    ctx.log.info({ event: 'owa.getcancel.not_a_meeting', item: item.name }, 'getcancel on an item that is not an organized meeting');
    ctx.url.searchParams.delete('Cmd');
    ctx.url.searchParams.delete('cmd');
    return handleGet(ctx, m);
  }
  const props: PropMap = new Map(item.props);
  const subject = str(item.props.get(`${NS.mail}subject`)) ?? '';
  props.set(`${NS.mail}subject`, { type: 'string', value: `${PREFIX[m.mailbox.config.locale]}${subject}` });
  props.set(`${NS.dav}contentclass`, { type: 'string', value: 'urn:content-classes:calendarmessage' });
  props.set(`${NS.ex}outlookmessageclass`, { type: 'string', value: MESSAGE_CLASS.canceled });
  props.set(`${NS.cal}method`, { type: 'string', value: 'CANCEL' });
  props.set(`${NS.cal}meetingstatus`, { type: 'string', value: 'CANCELLED' });
  props.set(`${NS.cal}busystatus`, { type: 'string', value: 'FREE' });
  props.set(`${NS.cal}sequence`, { type: 'int', value: String(sequenceOf(item) + 1) });
  props.set(`${NS.cal}dtstamp`, { type: 'dateTime.tz', value: formatExchangeDate(store.now()) });
  props.set(`${NS.proptag}x0e070003`, { type: 'int', value: '9' });
  const drafts = store.wellKnownFolder(m.mailbox, 'drafts');
  const draft = store.createItem(drafts, store.uniqueName(drafts, deliveryName(`${PREFIX[m.mailbox.config.locale]}${subject}`)), props);
  const href = itemHref(store, ctx.base, draft);
  ctx.log.info({ event: 'owa.getcancel.drafted', mailbox: m.mailbox.config.alias, draft: draft.name }, 'cancellation drafted');
  // EXCHANGE: OWA sends the browser to the draft's edit form; the final URL's path is the draft.
  send(ctx.res, 302, '', '', { Location: `${href}?Cmd=edit` });
}
