// Item properties from a PUT message/rfc822 body: headers → httpmail/mailheader, an iCalendar part →
// urn:schemas:calendar: (§6 "MIME view", §18). The content class decides what the item is.
import { NS, formatExchangeDate, type PropMap } from '../store/props.ts';
import { findPart, mediaType, parseAddressList, parseMime, headerParam, type MimePart } from './parse.ts';
import { readCalendar, type CalEvent, type CalendarData } from './ical-read.ts';
import { setExceptions, type SeriesException } from '../store/recurrence.ts';

const s = (value: string) => ({ type: 'string', value });
const i = (value: number) => ({ type: 'int', value: String(value) });
const b = (value: boolean) => ({ type: 'boolean', value: value ? '1' : '0' });
const d = (value: Date) => ({ type: 'dateTime.tz', value: formatExchangeDate(value) });

export const MESSAGE_CLASS = {
  appointment: 'IPM.Appointment',
  request: 'IPM.Schedule.Meeting.Request',
  canceled: 'IPM.Schedule.Meeting.Canceled',
  accepted: 'IPM.Schedule.Meeting.Resp.Pos',
  declined: 'IPM.Schedule.Meeting.Resp.Neg',
  tentative: 'IPM.Schedule.Meeting.Resp.Tent',
} as const;

/** `X-MICROSOFT-CDO-BUSYSTATUS`, else TRANSP, else BUSY (cancelled meetings are FREE). */
function busyStatus(ev: CalEvent): string {
  if (ev.status === 'CANCELLED') return 'FREE';
  if (ev.busyStatus && ['FREE', 'TENTATIVE', 'BUSY', 'OOF'].includes(ev.busyStatus)) return ev.busyStatus;
  return ev.transp === 'TRANSPARENT' ? 'FREE' : 'BUSY';
}

/** PR_SENSITIVITY (0 normal, 1 personal, 2 private, 3 confidential) from iCalendar CLASS, as OXCICAL maps it. */
export const SENSITIVITY_PROP = `${NS.proptag}x00360003`;
const CLASS_SENSITIVITY: Record<string, number> = { PUBLIC: 0, 'X-PERSONAL': 1, PRIVATE: 2, CONFIDENTIAL: 3 };
/** The MIME `Sensitivity:` header (RFC 2156) for plain messages. */
const HEADER_SENSITIVITY: Record<string, number> = { personal: 1, private: 2, 'company-confidential': 3 };

/** An event's attendees as To (required), Cc (optional) and Bcc (resources) address lists; '' where none. */
function recipientsOf(ev: CalEvent): { to: string; cc: string; bcc: string } {
  const to = ev.attendees.filter((a) => a.role === 'REQ-PARTICIPANT' && a.cutype !== 'RESOURCE' && a.cutype !== 'ROOM');
  const cc = ev.attendees.filter((a) => a.role === 'OPT-PARTICIPANT' && a.cutype !== 'RESOURCE' && a.cutype !== 'ROOM');
  const bcc = ev.attendees.filter((a) => !to.includes(a) && !cc.includes(a));
  const list = (l: typeof to) => l.map((a) => a.address).join(', ');
  return { to: list(to), cc: list(cc), bcc: list(bcc) };
}

/** Calendar properties of one event (shared with transport, which files delivered requests the same way). */
export function eventProps(ev: CalEvent, props: PropMap): void {
  if (ev.uid) props.set(`${NS.cal}uid`, s(ev.uid));
  props.set(`${NS.cal}sequence`, i(ev.sequence ?? 0));
  if (ev.start) props.set(`${NS.cal}dtstart`, d(ev.start));
  if (ev.end) props.set(`${NS.cal}dtend`, d(ev.end));
  if (ev.summary !== undefined) props.set(`${NS.mail}subject`, s(ev.summary));
  if (ev.location !== undefined) props.set(`${NS.cal}location`, s(ev.location));
  if (ev.description !== undefined) props.set(`${NS.mail}textdescription`, s(ev.description));
  if (ev.organizer) props.set(`${NS.cal}organizer`, s(ev.organizer));
  props.set(`${NS.cal}alldayevent`, b(ev.allDay));
  props.set(`${NS.cal}busystatus`, s(busyStatus(ev)));
  props.set(`${NS.cal}instancetype`, i(ev.rrule.length ? 1 : ev.recurrenceId ? 3 : 0));
  if (ev.rrule.length) props.set(`${NS.cal}rrule`, { type: 'mv.string', value: ev.rrule });
  if (ev.exdates.length) props.set(`${NS.cal}exdate`, { type: 'mv.dateTime.tz', value: ev.exdates.map(formatExchangeDate) });
  if (ev.recurrenceId) props.set(`${NS.cal}recurrenceid`, d(ev.recurrenceId));
  // The series' own zone: its occurrences are expanded in it (store/recurrence.ts).
  if (ev.vtimezone && (ev.rrule.length || ev.recurrenceId)) props.set(`${NS.cal}timezone`, s(ev.vtimezone));
  props.set(`${NS.cal}meetingstatus`, s(ev.status === 'CANCELLED' ? 'CANCELLED' : ev.status === 'TENTATIVE' ? 'TENTATIVE' : 'CONFIRMED'));
  if (ev.transp) props.set(`${NS.cal}transparent`, s(ev.transp));
  const { to, cc, bcc } = recipientsOf(ev);
  if (to) props.set(`${NS.hdr}to`, s(to));
  if (cc) props.set(`${NS.hdr}cc`, s(cc));
  if (bcc) props.set(`${NS.hdr}bcc`, s(bcc));
  if (ev.attendees.length) props.set(`${NS.mapi}finvited`, b(true));
  const sensitivity = ev.classification === undefined ? undefined : CLASS_SENSITIVITY[ev.classification];
  if (sensitivity !== undefined) props.set(SENSITIVITY_PROP, i(sensitivity));
}

/** The VEVENTs with a RECURRENCE-ID that travel with a master (same UID): its changed or cancelled occurrences. */
export function seriesExceptions(calendar: CalendarData, master: CalEvent): SeriesException[] {
  const uid = master.uid?.toLowerCase();
  return calendar.events.filter((e) => e !== master && e.recurrenceId && e.uid?.toLowerCase() === uid).map((e) => exceptionOf(e));
}

/** One changed (or cancelled) occurrence as the master keeps it. */
export function exceptionOf(e: CalEvent): SeriesException {
  return {
    recurrenceId: e.recurrenceId!.toISOString(),
    ...(e.start ? { start: e.start.toISOString() } : {}),
    ...(e.end ? { end: e.end.toISOString() } : {}),
    ...(e.summary !== undefined ? { summary: e.summary } : {}),
    ...(e.location !== undefined ? { location: e.location } : {}),
    busyStatus: busyStatus(e),
    ...(e.status === 'CANCELLED' ? { cancelled: true } : {}),
    ...(e.sequence !== undefined ? { sequence: e.sequence } : {}),
    ...(e.attendees.length ? { recipients: recipientsOf(e) } : {}),
  };
}

/**
 * A counter proposal (Outlook 2003 "Propose New Time") on the response message: PidLidAppointmentCounterProposal
 * (0x8257, boolean) and PidLidAppointmentProposedStartWhole / EndWhole (0x8250 / 0x8251, UTC), MS-OXOCAL 2.2.7.
 * WebDAV names them by PSETID_Appointment and id; a SEARCH reads them with `AS alias` (an id is no XML name).
 */
export const COUNTER_PROPS = {
  counter: 'http://schemas.microsoft.com/mapi/id/{00062002-0000-0000-C000-000000000046}/0x8257',
  start: 'http://schemas.microsoft.com/mapi/id/{00062002-0000-0000-C000-000000000046}/0x8250',
  end: 'http://schemas.microsoft.com/mapi/id/{00062002-0000-0000-C000-000000000046}/0x8251',
} as const;

/** Marks a response as proposing `start`–`end` (the three counter properties above). */
export function setCounterProps(props: PropMap, start: Date, end: Date): void {
  props.set(COUNTER_PROPS.counter, b(true));
  props.set(COUNTER_PROPS.start, d(start));
  props.set(COUNTER_PROPS.end, d(end));
}

/**
 * METHOD:COUNTER (an iCalendar client's "propose a new time", RFC 5546 3.2.7): Exchange files it as a response whose
 * class follows the PARTSTAT (DECLINED = Resp.Neg, anything else = Resp.Tent, as Outlook only proposes while
 * declining or tentatively accepting), with the proposed DTSTART/DTEND as the counter properties. EMULATOR CHOICE:
 * the reference does not say what Exchange 2003 keeps as cal:dtstart of such a message; the emulator keeps DTSTART.
 */
function counterClass(ev: CalEvent | undefined): string {
  return ev?.attendees[0]?.partstat === 'DECLINED' ? MESSAGE_CLASS.declined : MESSAGE_CLASS.tentative;
}

function replyClass(ev: CalEvent | undefined): string {
  const stat = ev?.attendees[0]?.partstat;
  if (stat === 'DECLINED') return MESSAGE_CLASS.declined;
  if (stat === 'TENTATIVE') return MESSAGE_CLASS.tentative;
  return MESSAGE_CLASS.accepted;
}

export interface DerivedItem {
  props: PropMap;
  calendar: CalendarData | undefined;
}

/** Properties for a message PUT into a folder whose class is `folderClass`. */
export function deriveFromMime(raw: string, folderClass: string, defaultZone: string): DerivedItem {
  const root = parseMime(raw);
  const h = root.headers;
  const props: PropMap = new Map();
  let calPart: MimePart | undefined = findPart(root, 'text/calendar');
  if (!calPart && mediaType(h.get('content-type')) === 'text/calendar') calPart = root;
  if (!calPart && /^\s*BEGIN:VCALENDAR/i.test(raw)) calPart = { headers: new Map(), body: raw, parts: [] };
  const calendar = calPart ? readCalendar(calPart.body, defaultZone) : undefined;
  const master = calendar?.events.find((e) => !e.recurrenceId) ?? calendar?.events[0];
  const method = (calendar?.method ?? headerParam(calPart?.headers.get('content-type'), 'method') ?? '').toUpperCase();

  let contentClass = (h.get('content-class') ?? '').trim();
  if (!contentClass) {
    if (calendar?.hasTodo && !master) contentClass = 'urn:content-classes:task';
    else if (master && folderClass === 'IPF.Appointment') contentClass = 'urn:content-classes:appointment';
    else if (master && ['REQUEST', 'CANCEL', 'REPLY', 'COUNTER'].includes(method)) contentClass = 'urn:content-classes:calendarmessage';
    else if (master) contentClass = 'urn:content-classes:appointment';
    else contentClass = 'urn:content-classes:message';
  }
  props.set(`${NS.dav}contentclass`, s(contentClass));
  if (master) eventProps(master, props);
  if (master?.rrule.length) setExceptions(props, seriesExceptions(calendar!, master));

  let messageClass = 'IPM.Note';
  if (contentClass === 'urn:content-classes:appointment') messageClass = MESSAGE_CLASS.appointment;
  else if (contentClass === 'urn:content-classes:task') messageClass = 'IPM.Task';
  else if (contentClass === 'urn:content-classes:calendarmessage') {
    messageClass =
      method === 'CANCEL'
        ? MESSAGE_CLASS.canceled
        : method === 'REPLY'
          ? replyClass(master)
          : method === 'COUNTER'
            ? counterClass(master)
            : MESSAGE_CLASS.request;
    props.set(`${NS.cal}method`, s(method || 'REQUEST'));
    if (method === 'COUNTER' && master?.start && master.end) setCounterProps(props, master.start, master.end);
  }
  props.set(`${NS.ex}outlookmessageclass`, s(messageClass));

  const subject = h.get('subject');
  if (subject !== undefined) props.set(`${NS.mail}subject`, s(subject));
  for (const name of ['to', 'cc', 'bcc'] as const) {
    const v = h.get(name);
    if (v) props.set(`${NS.hdr}${name}`, s(parseAddressList(v).join(', ')));
  }
  const from = h.get('from');
  if (from) props.set(`${NS.mail}from`, s(from));
  const date = h.get('date');
  if (date && !Number.isNaN(new Date(date).getTime())) props.set(`${NS.mail}date`, d(new Date(date)));
  const sensitivityHeader = HEADER_SENSITIVITY[(h.get('sensitivity') ?? '').trim().toLowerCase()];
  if (sensitivityHeader !== undefined && !props.has(SENSITIVITY_PROP)) props.set(SENSITIVITY_PROP, i(sensitivityHeader));
  const messageId = h.get('message-id');
  if (messageId) props.set(`${NS.hdr}message-id`, s(messageId));
  const plain = findPart(root, 'text/plain');
  if (plain && !props.has(`${NS.mail}textdescription`)) props.set(`${NS.mail}textdescription`, s(plain.body));
  const html = findPart(root, 'text/html');
  if (html) props.set(`${NS.mail}htmldescription`, s(html.body));
  return { props, calendar };
}
