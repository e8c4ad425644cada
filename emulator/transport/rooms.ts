// Room auto-accept, as the Exchange 2003 Auto Accept Agent did: a request for a free slot goes into the
// room's calendar and an acceptance goes to the organizer; an overlap with anything busy or tentative is
// declined; an update moves the booking; a cancellation removes it (§7 "Delivery and resources").
import { NS, parseExchangeDate, str, type PropMap } from '../store/props.ts';
import type { Item, Mailbox } from '../store/store.ts';
import { buildMessageMime } from '../mime/build.ts';
import { MESSAGE_CLASS } from '../mime/derive.ts';
import { parseAddressList } from '../mime/parse.ts';
import { deliveryName, type Transport } from './transport.ts';
import { spansBetween } from '../store/recurrence.ts';

const s = (value: string) => ({ type: 'string', value });
const i = (value: number) => ({ type: 'int', value: String(value) });

const COPIED = ['subject', 'textdescription', 'htmldescription'].map((n) => `${NS.mail}${n}`).concat(
  ['uid', 'sequence', 'dtstart', 'dtend', 'location', 'organizer', 'alldayevent', 'timezoneid', 'timezone'].map((n) => `${NS.cal}${n}`),
  [`${NS.hdr}to`, `${NS.hdr}cc`],
);

export function uidOf(item: Item): string | undefined {
  return str(item.props.get(`${NS.cal}uid`))?.toLowerCase();
}

function span(item: Item): [number, number] | undefined {
  const a = parseExchangeDate(str(item.props.get(`${NS.cal}dtstart`)) ?? '');
  const b = parseExchangeDate(str(item.props.get(`${NS.cal}dtend`)) ?? '');
  return a && b ? [a.getTime(), b.getTime()] : undefined;
}

/** Whether an item blocks the room: not cancelled, not free (the agent also refuses tentative overlaps). */
export function isBlocking(item: Item): boolean {
  if (str(item.props.get(`${NS.cal}meetingstatus`))?.toUpperCase() === 'CANCELLED') return false;
  const busy = (str(item.props.get(`${NS.cal}busystatus`)) ?? 'BUSY').toUpperCase();
  return busy !== 'FREE';
}

export function processForRoom(t: Transport, room: Mailbox, request: Item): void {
  const { store, log } = t.env();
  const p = request.props;
  const cls = str(p.get(`${NS.ex}outlookmessageclass`));
  const uid = uidOf(request);
  if (!uid) return;
  const calendar = store.wellKnownFolder(room, 'calendar');
  const existing = [...calendar.items.values()].find((it) => uidOf(it) === uid);
  request.props.set(`${NS.proptag}x65e8000b`, { type: 'boolean', value: '1' });

  if (cls === MESSAGE_CLASS.canceled) {
    if (existing) store.deleteItem(existing);
    log.info({ event: 'room.cancelled', room: room.config.alias, found: !!existing }, 'room booking cancelled');
    return;
  }
  if (cls !== MESSAGE_CLASS.request) return;

  const seq = Number(str(p.get(`${NS.cal}sequence`)) ?? '0') || 0;
  if (existing && (Number(str(existing.props.get(`${NS.cal}sequence`)) ?? '0') || 0) > seq) {
    log.info({ event: 'room.outdated_request', room: room.config.alias }, 'outdated request ignored');
    return;
  }
  const want = span(request);
  if (!want) return;
  const conflict = [...calendar.items.values()].some((other) => {
    if (other === existing || uidOf(other) === uid || !isBlocking(other)) return false;
    // Recurring bookings block the room at each occurrence.
    return spansBetween(other, want[0], want[1], room.config.timeZone).length > 0;
  });
  if (conflict) {
    // CASE: a declined update leaves the booking the room already holds where it was.
    log.info({ event: 'room.declined', room: room.config.alias }, 'room declined a conflicting request');
    reply(t, room, request, 'DECLINED');
    return;
  }
  fileMeeting(t, room, request, 'ACCEPTED');
  log.info({ event: 'room.accepted', room: room.config.alias, update: !!existing }, 'room accepted a request');
  reply(t, room, request, 'ACCEPTED');
}

/**
 * Puts (or moves) the meeting of a request into the mailbox's calendar as an accepted or tentative
 * appointment, keeping the item an earlier version of the meeting already has.
 */
export function fileMeeting(t: Transport, mailbox: Mailbox, request: Item, answer: 'ACCEPTED' | 'TENTATIVE'): Item {
  const { store } = t.env();
  const calendar = store.wellKnownFolder(mailbox, 'calendar');
  const uid = uidOf(request);
  const existing = [...calendar.items.values()].find((it) => uidOf(it) === uid);
  const props: PropMap = new Map();
  for (const k of COPIED) {
    const v = request.props.get(k);
    if (v) props.set(k, v);
  }
  props.set(`${NS.dav}contentclass`, s('urn:content-classes:appointment'));
  props.set(`${NS.ex}outlookmessageclass`, s(MESSAGE_CLASS.appointment));
  props.set(`${NS.cal}busystatus`, s(answer === 'ACCEPTED' ? 'BUSY' : 'TENTATIVE'));
  props.set(`${NS.cal}meetingstatus`, s('CONFIRMED'));
  props.set(`${NS.cal}instancetype`, i(0));
  // OXOCAL 2.2.1.11: 3 accepted, 2 tentative; apptstateflags 3 = meeting | received.
  props.set(`${NS.mapi}responsestatus`, i(answer === 'ACCEPTED' ? 3 : 2));
  props.set(`${NS.mapi}apptstateflags`, i(3));
  if (existing) {
    existing.props = props;
    existing.mime = undefined;
    store.touchItem(existing);
    return existing;
  }
  const subject = str(request.props.get(`${NS.mail}subject`)) ?? '';
  return store.createItem(calendar, store.uniqueName(calendar, deliveryName(subject)), props);
}

const PREFIX: Record<string, Record<string, string>> = {
  en: { ACCEPTED: 'Accepted: ', DECLINED: 'Declined: ', TENTATIVE: 'Tentative: ' },
  de: { ACCEPTED: 'Zugesagt: ', DECLINED: 'Abgelehnt: ', TENTATIVE: 'Mit Vorbehalt: ' },
};

/** Sends the room's answer (METHOD:REPLY) to the organizer. */
export function reply(t: Transport, room: Mailbox, request: Item, partstat: 'ACCEPTED' | 'DECLINED' | 'TENTATIVE'): void {
  const { store } = t.env();
  const p = request.props;
  const organizer = parseAddressList(str(p.get(`${NS.cal}organizer`)) ?? str(p.get(`${NS.mail}from`)))[0];
  if (!organizer) return;
  const props: PropMap = new Map();
  for (const k of COPIED) {
    const v = p.get(k);
    if (v) props.set(k, v);
  }
  const subject = str(p.get(`${NS.mail}subject`)) ?? '';
  props.set(`${NS.mail}subject`, s(`${PREFIX[room.config.locale]![partstat]}${subject}`));
  props.set(`${NS.dav}contentclass`, s('urn:content-classes:calendarmessage'));
  const cls = partstat === 'ACCEPTED' ? MESSAGE_CLASS.accepted : partstat === 'DECLINED' ? MESSAGE_CLASS.declined : MESSAGE_CLASS.tentative;
  props.set(`${NS.ex}outlookmessageclass`, s(cls));
  props.set(`${NS.cal}method`, s('REPLY'));
  props.set(`${NS.hdr}to`, s(organizer));
  props.delete(`${NS.hdr}cc`);
  props.set(`${NS.mail}from`, s(`"${room.config.displayName}" <${room.config.smtp}>`));
  const mime = buildMessageMime(props, {
    id: request.id,
    created: store.now(),
    responses: [],
    timeZone: room.config.timeZone,
    method: 'REPLY',
    replyFrom: { address: room.config.smtp, partstat },
  });
  t.send(t.compose(props, mime, room), undefined, { saveInSent: false });
}
