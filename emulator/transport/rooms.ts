// Room auto-accept, as the Exchange 2003 Auto Accept Agent did: a request for a free slot goes into the
// room's calendar and an acceptance goes to the organizer; an overlap with anything busy or tentative is
// declined; an update moves the booking; a cancellation removes it (§7 "Delivery and resources").
import { NS, formatExchangeDate, parseExchangeDate, str, type PropMap } from '../store/props.ts';
import type { Folder, Item, Mailbox, Store } from '../store/store.ts';
import { calendarIndex, inFolderOrder, itemsWithUid, replacedOf } from '../store/calendar-index.ts';
import { buildMessageMime } from '../mime/build.ts';
import { MESSAGE_CLASS, setCounterProps } from '../mime/derive.ts';
import { parseAddressList } from '../mime/parse.ts';
import type { MessageTransport } from './types.ts';
import { deliveryName } from './names.ts';
import {
  EXCEPTIONS_PROP,
  addExdate,
  exceptionsOf,
  isRecurringMaster,
  occurrencesBetween,
  seriesEnd,
  setExceptions,
  spansBetween,
  upsertException,
  type Occurrence,
} from '../store/recurrence.ts';

const s = (value: string) => ({ type: 'string', value });
const i = (value: number) => ({ type: 'int', value: String(value) });

const COPIED = ['subject', 'textdescription', 'htmldescription']
  .map((n) => `${NS.mail}${n}`)
  .concat(
    ['uid', 'sequence', 'dtstart', 'dtend', 'location', 'organizer', 'alldayevent', 'timezoneid', 'timezone'].map((n) => `${NS.cal}${n}`),
    [`${NS.hdr}to`, `${NS.hdr}cc`],
  );

/** What a series carries besides COPIED: kept on the room's (or attendee's) calendar item. */
const SERIES = ['rrule', 'exdate', 'recurrenceid', 'timezone'].map((n) => `${NS.cal}${n}`).concat([EXCEPTIONS_PROP]);

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

/** RECURRENCE-ID of a meeting message about one occurrence of a series. */
function recurrenceIdOf(item: Item): Date | undefined {
  return parseExchangeDate(str(item.props.get(`${NS.cal}recurrenceid`)) ?? '');
}

/** The room's own booking for a uid: the series or single meeting, not a separate exception item. */
function bookingFor(calendar: Folder, uid: string): Item | undefined {
  let found: Item | undefined;
  for (const it of itemsWithUid(calendar, uid)) {
    if (str(it.props.get(`${NS.cal}instancetype`)) !== '3') return it;
    found ??= it;
  }
  return found;
}

/** Busy spans of everything else in the room's calendar over [from, to) (other uids, blocking items only). */
function busyElsewhere(room: Mailbox, store: Store, uid: string, from: number, to: number): Occurrence[] {
  // Only what can overlap [from, to): the single items the calendar's time index finds there and every recurring
  // master (expanded below); everything else has no span in the window, so the agent's answer is the same as a
  // scan of the room's whole history would give.
  const index = calendarIndex(store.wellKnownFolder(room, 'calendar'));
  const replaced = replacedOf(index);
  return inFolderOrder([...index.spans.overlapping(from, to), ...index.recurring])
    .filter((other) => uidOf(other) !== uid && isBlocking(other))
    .flatMap((other) =>
      spansBetween(other, from, to, room.config.timeZone, replaced).filter(
        (sp) => !sp.exception || (sp.exception.busyStatus ?? 'BUSY').toUpperCase() !== 'FREE',
      ),
    );
}

function clashes(busy: Occurrence[], start: number, end: number): boolean {
  return busy.some((b) => b.start.getTime() < end && b.end.getTime() > start);
}

/**
 * A request about one occurrence (RECURRENCE-ID) applied to the series a calendar holds: that occurrence
 * becomes an exception at the request's time, and a date removed before (EXDATE) is booked again.
 */
export function applyOccurrence(t: MessageTransport, master: Item, request: Item): void {
  const { store } = t.env();
  const p = request.props;
  const rid = recurrenceIdOf(request);
  const want = span(request);
  if (!rid || !want) return;
  const subject = str(p.get(`${NS.mail}subject`));
  const location = str(p.get(`${NS.cal}location`));
  upsertException(master.props, {
    recurrenceId: rid.toISOString(),
    start: new Date(want[0]).toISOString(),
    end: new Date(want[1]).toISOString(),
    ...(subject !== undefined ? { summary: subject } : {}),
    ...(location !== undefined ? { location } : {}),
    busyStatus: 'BUSY',
    sequence: Number(str(p.get(`${NS.cal}sequence`)) ?? '0') || 0,
  });
  const exdates = [master.props.get(`${NS.cal}exdate`)?.value ?? []].flat().filter((d) => parseExchangeDate(d)?.getTime() !== rid.getTime());
  if (exdates.length) master.props.set(`${NS.cal}exdate`, { type: 'mv.dateTime.tz', value: exdates });
  else master.props.delete(`${NS.cal}exdate`);
  master.mime = undefined;
  store.touchItem(master);
}

/**
 * Takes a meeting out of a mailbox's calendar: one occurrence (`rid`) of a series becomes an EXDATE (its
 * change, if any, goes with it); without `rid` the series or meeting goes with its separate exception items.
 */
export function removeMeeting(t: MessageTransport, mailbox: Mailbox, uid: string, rid: Date | undefined): void {
  const { store } = t.env();
  const calendar = store.wellKnownFolder(mailbox, 'calendar');
  const booking = bookingFor(calendar, uid);
  if (rid && booking && isRecurringMaster(booking)) {
    addExdate(booking.props, rid);
    setExceptions(
      booking.props,
      exceptionsOf(booking).filter((e) => Date.parse(e.recurrenceId) !== rid.getTime()),
    );
    booking.mime = undefined;
    store.touchItem(booking);
  }
  for (const it of itemsWithUid(calendar, uid)) {
    if (rid && it === booking && isRecurringMaster(booking)) continue;
    if (rid && recurrenceIdOf(it)?.getTime() !== rid.getTime()) continue;
    store.deleteItem(it);
  }
}

export function processForRoom(t: MessageTransport, room: Mailbox, request: Item): void {
  const { store, log } = t.env();
  const p = request.props;
  const cls = str(p.get(`${NS.ex}outlookmessageclass`));
  const uid = uidOf(request);
  if (!uid) return;
  const calendar = store.wellKnownFolder(room, 'calendar');
  const existing = bookingFor(calendar, uid);
  const rid = recurrenceIdOf(request);
  request.props.set(`${NS.proptag}x65e8000b`, { type: 'boolean', value: '1' });

  if (cls === MESSAGE_CLASS.canceled) {
    removeMeeting(t, room, uid, rid);
    log.info({ event: 'room.cancelled', room: room.config.alias, found: !!existing, occurrence: rid?.toISOString() }, 'room booking cancelled');
    return;
  }
  if (cls !== MESSAGE_CLASS.request) return;

  const seq = Number(str(p.get(`${NS.cal}sequence`)) ?? '0') || 0;
  if (!rid && existing && (Number(str(existing.props.get(`${NS.cal}sequence`)) ?? '0') || 0) > seq) {
    log.info({ event: 'room.outdated_request', room: room.config.alias }, 'outdated request ignored');
    return;
  }
  const want = span(request);
  if (!want) return;

  if (rid && existing && isRecurringMaster(existing)) {
    // One occurrence changed: the room takes the new time if it is free there, else declines that date and
    // keeps the occurrence where it was (a declined update moves nothing).
    if (clashes(busyElsewhere(room, store, uid, want[0], want[1]), want[0], want[1])) {
      log.info({ event: 'room.declined_occurrence', room: room.config.alias, occurrence: rid.toISOString() }, 'room declined a changed occurrence');
      reply(t, room, request, 'DECLINED');
      return;
    }
    applyOccurrence(t, existing, request);
    log.info({ event: 'room.accepted_occurrence', room: room.config.alias, occurrence: rid.toISOString() }, 'room accepted a changed occurrence');
    reply(t, room, request, 'ACCEPTED');
    return;
  }

  if (isRecurringMaster(request)) {
    processSeries(t, room, request, uid);
    return;
  }

  if (clashes(busyElsewhere(room, store, uid, want[0], want[1]), want[0], want[1])) {
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
 * A recurring request, checked occurrence by occurrence as the Auto Accept Agent did: more clashes than the
 * room's `maxConflicts` (or every occurrence clashing) declines the series; otherwise the series is booked
 * without the clashing dates (EXDATEs in the room's copy), each clashing date gets its own decline (with its
 * RECURRENCE-ID), then the series its acceptance.
 */
function processSeries(t: MessageTransport, room: Mailbox, request: Item, uid: string): void {
  const { store, log } = t.env();
  const first = span(request)!;
  const occurrences = occurrencesBetween(request, first[0], seriesEnd(request), room.config.timeZone);
  if (!occurrences.length) return;
  // Exceptions may move an occurrence before the series' first start or after its last one.
  const earliest = Math.min(...occurrences.map((o) => o.start.getTime()));
  const last = Math.max(...occurrences.map((o) => o.end.getTime()));
  const busy = busyElsewhere(room, store, uid, earliest, last);
  const clashing = occurrences.filter((o) => clashes(busy, o.start.getTime(), o.end.getTime()));
  const limit = room.config.maxConflicts;
  if (clashing.length === occurrences.length || (limit !== null && limit !== undefined && clashing.length > limit)) {
    log.info(
      { event: 'room.declined_series', room: room.config.alias, occurrences: occurrences.length, clashing: clashing.length, limit },
      'room declined a recurring request',
    );
    reply(t, room, request, 'DECLINED', undefined, clashing);
    return;
  }
  const booking = fileMeeting(t, room, request, 'ACCEPTED');
  if (clashing.length) {
    for (const o of clashing) addExdate(booking.props, o.recurrenceId);
    const dropped = new Set(clashing.map((o) => o.recurrenceId.getTime()));
    setExceptions(
      booking.props,
      exceptionsOf(booking).filter((e) => !dropped.has(Date.parse(e.recurrenceId))),
    );
    store.touchItem(booking);
  }
  for (const o of clashing) reply(t, room, request, 'DECLINED', o);
  log.info(
    { event: 'room.accepted_series', room: room.config.alias, occurrences: occurrences.length, declined: clashing.length },
    'room accepted a recurring request',
  );
  reply(t, room, request, 'ACCEPTED', undefined, clashing);
}

/**
 * Puts (or moves) the meeting of a request into the mailbox's calendar as an accepted or tentative
 * appointment, keeping the item an earlier version of the meeting already has.
 */
export function fileMeeting(t: MessageTransport, mailbox: Mailbox, request: Item, answer: 'ACCEPTED' | 'TENTATIVE'): Item {
  const { store } = t.env();
  const calendar = store.wellKnownFolder(mailbox, 'calendar');
  const uid = uidOf(request) ?? '';
  const rid = recurrenceIdOf(request);
  const series = bookingFor(calendar, uid);
  // One occurrence of a series the calendar holds: it changes there, the series stays.
  if (rid && series && isRecurringMaster(series)) {
    applyOccurrence(t, series, request);
    return series;
  }
  const existing = rid ? itemsWithUid(calendar, uid).find((it) => recurrenceIdOf(it)?.getTime() === rid.getTime()) : series;
  const props: PropMap = new Map();
  for (const k of COPIED) {
    const v = request.props.get(k);
    if (v) props.set(k, v);
  }
  props.set(`${NS.dav}contentclass`, s('urn:content-classes:appointment'));
  props.set(`${NS.ex}outlookmessageclass`, s(MESSAGE_CLASS.appointment));
  props.set(`${NS.cal}busystatus`, s(answer === 'ACCEPTED' ? 'BUSY' : 'TENTATIVE'));
  props.set(`${NS.cal}meetingstatus`, s('CONFIRMED'));
  for (const k of SERIES) {
    const v = request.props.get(k);
    if (v) props.set(k, v);
  }
  props.set(`${NS.cal}instancetype`, i(isRecurringMaster(request) ? 1 : recurrenceIdOf(request) ? 3 : 0));
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
  hu: { ACCEPTED: 'Elfogadva: ', DECLINED: 'Elutasítva: ', TENTATIVE: 'Feltételesen elfogadva: ' },
};

/** Outlook 2003's subject prefix of a response proposing a new time. EMULATOR CHOICE: de/hu wording unverified. */
const COUNTER_PREFIX: Record<string, string> = {
  en: 'New Time Proposed: ',
  de: 'Neue Zeit vorgeschlagen: ',
  hu: 'Új időpont javasolva: ',
};

/** Sends the room's answer (METHOD:REPLY) to the organizer. */
export function reply(
  t: MessageTransport,
  room: Mailbox,
  request: Item,
  partstat: 'ACCEPTED' | 'DECLINED' | 'TENTATIVE',
  /** The one occurrence this answer is about (its RECURRENCE-ID and times), for a series. */
  occurrence?: Occurrence,
  /** Series answers: the occurrences the room declined, named in the reply's text. */
  declined: Occurrence[] = [],
  /** Outlook's "Propose New Time": the attendee's proposed start and end (a COUNTER, mime/derive.ts). */
  proposal?: { start: Date; end: Date },
): void {
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
  const prefix = proposal ? (COUNTER_PREFIX[room.config.locale] ?? COUNTER_PREFIX.en!) : PREFIX[room.config.locale]![partstat];
  props.set(`${NS.mail}subject`, s(`${prefix}${subject}`));
  props.set(`${NS.dav}contentclass`, s('urn:content-classes:calendarmessage'));
  const cls = partstat === 'ACCEPTED' ? MESSAGE_CLASS.accepted : partstat === 'DECLINED' ? MESSAGE_CLASS.declined : MESSAGE_CLASS.tentative;
  props.set(`${NS.ex}outlookmessageclass`, s(cls));
  props.set(`${NS.cal}method`, s(proposal ? 'COUNTER' : 'REPLY'));
  props.set(`${NS.hdr}to`, s(organizer));
  props.delete(`${NS.hdr}cc`);
  props.set(`${NS.mail}from`, s(`"${room.config.displayName}" <${room.config.smtp}>`));
  const rrule = p.get(`${NS.cal}rrule`);
  const rid = p.get(`${NS.cal}recurrenceid`);
  if (occurrence) {
    props.set(`${NS.cal}dtstart`, { type: 'dateTime.tz', value: formatExchangeDate(occurrence.start) });
    props.set(`${NS.cal}dtend`, { type: 'dateTime.tz', value: formatExchangeDate(occurrence.end) });
    props.set(`${NS.cal}recurrenceid`, { type: 'dateTime.tz', value: formatExchangeDate(occurrence.recurrenceId) });
  } else if (rid) props.set(`${NS.cal}recurrenceid`, rid);
  else if (rrule) {
    props.set(`${NS.cal}rrule`, rrule);
    for (const k of [`${NS.cal}exdate`, `${NS.cal}timezone`]) {
      const v = p.get(k);
      if (v) props.set(k, v);
    }
  }
  if (declined.length) {
    const dates = declined.map((o) => o.recurrenceId.toISOString()).join('\r\n');
    props.set(`${NS.mail}textdescription`, s(`${partstat === 'ACCEPTED' ? 'Declined occurrences' : 'Conflicting occurrences'}:\r\n${dates}`));
  }
  // The iCalendar part of a COUNTER carries the proposed times as DTSTART/DTEND (RFC 5546 3.2.7); the message's
  // own start and end stay the meeting's, with the proposal in the counter properties (MS-OXOCAL 2.2.7).
  const ical: PropMap = new Map(props);
  if (proposal) {
    setCounterProps(props, proposal.start, proposal.end);
    ical.set(`${NS.cal}dtstart`, { type: 'dateTime.tz', value: formatExchangeDate(proposal.start) });
    ical.set(`${NS.cal}dtend`, { type: 'dateTime.tz', value: formatExchangeDate(proposal.end) });
  }
  const mime = buildMessageMime(ical, {
    id: request.id,
    created: store.now(),
    responses: [],
    timeZone: room.config.timeZone,
    method: proposal ? 'COUNTER' : 'REPLY',
    replyFrom: { address: room.config.smtp, partstat },
  });
  t.send(t.compose(props, mime, room), undefined, { saveInSent: false });
}
