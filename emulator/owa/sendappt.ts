// POST <appointment> with Cmd=sendappt (application/x-www-UTF8-encoded, DSZ's field list): applies the
// posted fields to the appointment and sends an update to every attendee, and a cancellation to attendees
// no longer listed. Required/Optional/Resource replace to/cc/bcc when not empty (§8, DSZ).
import { NS, PropValueError, formatExchangeDate, normalizeValue, storedName, str, type PropMap } from '../store/props.ts';
import { itemHref } from '../store/view.ts';
import type { RequestContext } from '../http/context.ts';
import { send } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { MESSAGE_CLASS } from '../mime/derive.ts';
import { parseAddressList } from '../mime/parse.ts';
import type { OwaForm } from './form.ts';
import { sendOwaErrorPage } from './error-page.ts';
import { attendeesOf, sequenceOf } from './meeting.ts';
import { parseOwaDate } from './owa-dates.ts';

const IGNORED = new Set(['http://schemas.microsoft.com/exchange/subject-utf8']);

export function handleSendAppt(ctx: RequestContext, m: MailboxRequest, form: OwaForm): void {
  const { store, transport } = ctx.state;
  if (m.target.kind !== 'item') return sendOwaErrorPage(ctx, 'The item could not be found.');
  const item = m.target.item;
  if (str(item.props.get(`${NS.dav}contentclass`)) !== 'urn:content-classes:appointment') {
    return sendOwaErrorPage(ctx, 'The item is not an appointment.');
  }
  if ((form.get('FormType') ?? 'appointment').toLowerCase() !== 'appointment') return sendOwaErrorPage(ctx, 'Unknown form type.');

  const changes: PropMap = new Map();
  try {
    for (const [name, value] of form.propertyFields()) {
      if (IGNORED.has(name)) continue;
      if (/urn:schemas:calendar:dt(start|end)$/i.test(name)) {
        const d = parseOwaDate(value);
        if (!d) throw new PropValueError(`not a date: ${value}`);
        changes.set(name, { type: 'dateTime.tz', value: formatExchangeDate(d) });
      } else changes.set(storedName(name), normalizeValue(name, undefined, value));
    }
  } catch (err) {
    if (err instanceof PropValueError) return sendOwaErrorPage(ctx, err.message);
    throw err;
  }
  const start = changes.get(`${NS.cal}dtstart`)?.value ?? item.props.get(`${NS.cal}dtstart`)?.value;
  const end = changes.get(`${NS.cal}dtend`)?.value ?? item.props.get(`${NS.cal}dtend`)?.value;
  if (typeof start === 'string' && typeof end === 'string' && Date.parse(end) < Date.parse(start)) {
    return sendOwaErrorPage(ctx, 'The end time must be after the start time.');
  }

  // The three lists are OWA's whole attendee form: when any is filled they replace to/cc/bcc together;
  // when all are empty (DSZ's own request) the item's attendees stay as they are.
  const lists = (
    [
      ['Required', 'to'],
      ['Optional', 'cc'],
      ['Resource', 'bcc'],
    ] as const
  ).map(([field, header]) => [header, parseAddressList(form.get(field)?.replace(/;/g, ','))] as const);
  const replacing = lists.some(([, list]) => list.length > 0);
  const before = attendeesOf(item);
  if (!replacing && before.length === 0) return sendOwaErrorPage(ctx, 'The meeting has no attendees.');
  const organizer = parseAddressList(str(item.props.get(`${NS.cal}organizer`)))[0];
  if (organizer && organizer !== m.mailbox.config.smtp.toLowerCase()) return sendOwaErrorPage(ctx, 'Only the organizer can send updates.');

  for (const [k, v] of changes) item.props.set(k, v);
  if (replacing) {
    for (const [header, list] of lists) {
      if (list.length) item.props.set(`${NS.hdr}${header}`, { type: 'string', value: list.join(', ') });
      else item.props.delete(`${NS.hdr}${header}`);
    }
  }
  // Raise the sequence unless the client already did since the last send (DESIGN: PROPPATCH SEQUENCE + 1).
  let seq = sequenceOf(item);
  if (item.sentSequence !== undefined && seq <= item.sentSequence) seq = item.sentSequence + 1;
  item.props.set(`${NS.cal}sequence`, { type: 'int', value: String(seq) });
  item.props.set(`${NS.cal}dtstamp`, { type: 'dateTime.tz', value: formatExchangeDate(store.now()) });
  item.props.set(`${NS.mapi}finvited`, { type: 'boolean', value: '1' });
  if (!item.props.has(`${NS.cal}organizer`)) item.props.set(`${NS.cal}organizer`, { type: 'string', value: m.mailbox.config.smtp });
  item.mime = undefined;
  store.touchItem(item);

  const request: PropMap = new Map(item.props);
  request.set(`${NS.dav}contentclass`, { type: 'string', value: 'urn:content-classes:calendarmessage' });
  request.set(`${NS.ex}outlookmessageclass`, { type: 'string', value: MESSAGE_CLASS.request });
  transport.send(transport.compose(request, undefined, m.mailbox), ctx.principal, { saveInSent: true });

  const now = attendeesOf(item);
  const removed = before.filter((a) => !now.includes(a));
  if (removed.length) {
    const cancel: PropMap = new Map(request);
    cancel.set(`${NS.ex}outlookmessageclass`, { type: 'string', value: MESSAGE_CLASS.canceled });
    cancel.set(`${NS.cal}method`, { type: 'string', value: 'CANCEL' });
    cancel.set(`${NS.cal}meetingstatus`, { type: 'string', value: 'CANCELLED' });
    cancel.set(`${NS.hdr}to`, { type: 'string', value: removed.join(', ') });
    cancel.delete(`${NS.hdr}cc`);
    cancel.delete(`${NS.hdr}bcc`);
    transport.send(transport.compose(cancel, undefined, m.mailbox), ctx.principal, { saveInSent: true });
  }
  ctx.log.info({ event: 'owa.sendappt.sent', mailbox: m.mailbox.config.alias, attendees: now.length, removed: removed.length }, 'meeting update sent');
  send(ctx.res, 302, '', '', { Location: itemHref(store, ctx.base, item) });
}
