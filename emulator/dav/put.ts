// PUT of a message/rfc822 item (`Translate: f`): 201 created, 200 replaced, 412 on a failed condition.
// Properties are derived from the MIME and its iCalendar part (§7 B, §17.13). A PUT to the submission URI
// sends the message (§2).
import { NS } from '../store/props.ts';
import { itemHref, permanentUrl } from '../store/view.ts';
import { HttpError, type RequestContext } from '../http/context.ts';
import { sendEmpty } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { deriveFromMime } from '../mime/derive.ts';
import { CalendarParseError } from '../mime/ical-read.ts';
import { checkPreconditions } from './conditions.ts';
import { resolveUrl } from './target.ts';
import { EXCEPTIONS_PROP } from '../store/recurrence.ts';
import type { SubmitOptions } from '../transport/transport.ts';

const RECURRENCE_KEYS = [`${NS.cal}rrule`, `${NS.cal}exdate`, `${NS.cal}recurrenceid`, `${NS.cal}timezone`, EXCEPTIONS_PROP];

export function handlePut(ctx: RequestContext, m: MailboxRequest): void {
  const { store } = ctx.state;
  const t = m.target;
  const raw = ctx.body.toString('utf8');
  if (t.kind === 'submission') {
    ctx.state.transport.submitMime(m.mailbox, raw, ctx.principal!, submitOptions(ctx));
    sendEmpty(ctx.res, 200);
    return;
  }
  if (t.kind === 'folder') throw new HttpError(405, 'Method Not Allowed');
  if (t.kind === 'missing' && !t.parent) throw new HttpError(409, 'Conflict');
  checkPreconditions(ctx, t.kind === 'item' ? t.item.etag : undefined);
  const folder = t.kind === 'item' ? t.item.folder : t.parent!;
  const folderClass = String(folder.props.get(`${NS.ex}outlookfolderclass`)?.value ?? 'IPF.Note');
  let derived;
  try {
    derived = deriveFromMime(raw, folderClass, m.mailbox.config.timeZone);
  } catch (err) {
    if (err instanceof CalendarParseError) {
      ctx.log.info({ event: 'dav.put.bad_calendar', reason: err.message }, 'unparseable iCalendar in PUT');
      throw new HttpError(400, 'Bad Request');
    }
    throw err;
  }
  let status: number;
  let item;
  if (t.kind === 'item') {
    item = t.item;
    // Keep what a client set by PROPPATCH and the MIME does not say (e.g. DavMail's PR_MESSAGE_FLAGS).
    // A new series text replaces the old one's recurrence entirely (EXDATEs and exceptions it no longer lists).
    if (derived.calendar?.events.length) for (const k of RECURRENCE_KEYS) item.props.delete(k);
    for (const [k, v] of derived.props) item.props.set(k, v);
    item.mime = raw;
    store.touchItem(item);
    status = 200;
  } else {
    item = store.createItem(folder, t.name, derived.props, raw);
    status = 201;
  }
  ctx.log.info({ event: 'store.item.put', mailbox: m.mailbox.config.alias, item: item.name, status }, 'item written by PUT');
  const href = itemHref(store, ctx.base, item);
  sendEmpty(ctx.res, status, {
    ETag: item.etag,
    GetETag: item.etag,
    Location: href,
    'Repl-UID': `<rid:${item.id.replace('-', '')}>`,
    'MS-Exchange-Permanent-URL': permanentUrl(ctx.base, { kind: 'item', item }),
  });
}

/** `Saveinsent: f` asks the server not to keep a copy in Sent Items (§4.1). */
export function saveInSent(ctx: RequestContext): boolean {
  const v = ctx.req.headers['saveinsent'];
  return !(typeof v === 'string' && v.trim().toLowerCase().startsWith('f'));
}

/** The submission options of a request: `Saveinsent`, and `Savedestination` (a folder for the copy, §4.1). */
export function submitOptions(ctx: RequestContext): SubmitOptions {
  const dest = ctx.req.headers['savedestination'];
  if (typeof dest !== 'string' || !dest.trim()) return { saveInSent: saveInSent(ctx) };
  const resolved = resolveUrl(ctx, dest.trim());
  if (resolved.target.kind !== 'folder') throw new HttpError(409, 'Conflict');
  return { saveInSent: saveInSent(ctx), saveTo: resolved.target.folder };
}
