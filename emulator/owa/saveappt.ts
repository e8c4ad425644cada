// Cmd=saveappt&FORMTYPE=appointment posted to a folder: OWA saves a new appointment there and answers 200 HTML
// with <span id="itemHREF">url</span>. DavMail uses it to learn the mailbox VTIMEZONE (§12, §17.12).
import { randomUUID } from 'node:crypto';
import { NS, PropValueError, formatExchangeDate, normalizeValue, storedName, type PropMap } from '../store/props.ts';
import { itemHref } from '../store/view.ts';
import type { RequestContext } from '../http/context.ts';
import { escapeHtml, sendHtml } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { completeCalendarProps } from '../dav/proppatch.ts';
import type { OwaForm } from './form.ts';
import { sendOwaErrorPage } from './error-page.ts';
import { parseOwaDate } from './owa-dates.ts';

export function handleSaveAppt(ctx: RequestContext, m: MailboxRequest, form: OwaForm): void {
  const { store } = ctx.state;
  if (m.target.kind !== 'folder') return sendOwaErrorPage(ctx, 'Cmd=saveappt needs a folder.');
  const now = store.now();
  const start = new Date(Math.ceil(now.getTime() / 1_800_000) * 1_800_000);
  const props: PropMap = new Map([
    [`${NS.dav}contentclass`, { type: 'string', value: 'urn:content-classes:appointment' }],
    [`${NS.ex}outlookmessageclass`, { type: 'string', value: 'IPM.Appointment' }],
    [`${NS.mail}subject`, { type: 'string', value: '' }],
    [`${NS.cal}dtstart`, { type: 'dateTime.tz', value: formatExchangeDate(start) }],
    [`${NS.cal}dtend`, { type: 'dateTime.tz', value: formatExchangeDate(new Date(start.getTime() + 1_800_000)) }],
    [`${NS.cal}busystatus`, { type: 'string', value: 'BUSY' }],
  ]);
  try {
    for (const [name, value] of form.propertyFields()) {
      const date = /dtstart|dtend/.test(name) ? parseOwaDate(value) : undefined;
      props.set(storedName(name), normalizeValue(name, undefined, date ? formatExchangeDate(date) : value));
    }
  } catch (err) {
    if (err instanceof PropValueError) return sendOwaErrorPage(ctx, err.message);
    throw err;
  }
  completeCalendarProps(props);
  const item = store.createItem(m.target.folder, `${randomUUID()}.EML`, props);
  const href = itemHref(store, ctx.base, item);
  sendHtml(ctx.res, 200, `<HTML><BODY><span id="itemHREF">${escapeHtml(href)}</span></BODY></HTML>`);
}
