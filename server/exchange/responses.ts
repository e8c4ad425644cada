// Attendee responses (§10): Resp.Pos / Resp.Neg / Resp.Tent messages in the organizer's Inbox carry the
// meeting's UID. WebDAV shows no per-attendee status on the organizer's item (§19.7), so this is how the
// app learns who accepted or declined, the room included.
import type { AttendeeResponse } from './gateway.ts';
import type { Transport } from './transport.ts';
import { scopePath, search, sqlString } from './dav/search.ts';
import { propText } from './dav/multistatus.ts';
import { PROPS, qualifiedName, type PropName } from './properties.ts';
import { parseAddress } from './addresses.ts';
import { parseWireDate } from './dates.ts';

const SELECTED: readonly PropName[] = ['uid', 'messageClass', 'from', 'dateReceived'];

// A room's answer to one date of a series carries that date's RECURRENCE-ID (emulator choice 35, issue 14).
const RECURRENCE_ID = 'urn:schemas:calendar:recurrenceid';

/**
 * Outlook 2003's "Propose New Time" (MS-OXOCAL 2.2.7): PidLidAppointmentCounterProposal (0x8257, boolean) and
 * PidLidAppointmentProposedStartWhole / EndWhole (0x8250 / 0x8251, UTC) in PSETID_Appointment, on the Resp.Tent or
 * Resp.Neg ("New Time Proposed: …"). An id is no XML element name, so the SEARCH names each column with `AS`, as
 * DavMail does for its `…/0x8570" AS deleted` (dav/Field.java: the answer's element is the bare alias in the empty
 * namespace; DavMail itself reads none of the three). The GUID is written upper-case as in MS-OXPROPS (DavMail writes
 * it lower-case; Exchange is not known to care, the emulator matches the exact name). The protocol reference does
 * not list these three properties; the names are MS-OXPROPS', and Exchange files an iCalendar METHOD:COUNTER the
 * same way (what the emulator does too).
 */
const APPOINTMENT_SET = 'http://schemas.microsoft.com/mapi/id/{00062002-0000-0000-C000-000000000046}/';
const COUNTER = { flag: ['0x8257', 'counterproposal'], start: ['0x8250', 'proposedstart'], end: ['0x8251', 'proposedend'] } as const;

/**
 * The proposal a response carries, checked at the edge: both times readable and the end after the start, and the
 * counter flag not false (a client that writes the times without the flag still proposed; one that says false
 * did not). Anything else is no proposal, never an error.
 */
export function readProposal(flag: string | undefined, start: string | undefined, end: string | undefined): AttendeeResponse['proposal'] {
  const f = (flag ?? '').trim().toLowerCase();
  if (f === '0' || f === 'false') return undefined;
  const s = start ? parseWireDate(start) : null;
  const e = end ? parseWireDate(end) : null;
  if (!s || !e || e <= s) return undefined;
  return { start: s, end: e };
}

const RESPONSE_BY_CLASS: Record<string, AttendeeResponse['response']> = {
  'ipm.schedule.meeting.resp.pos': 'accepted',
  'ipm.schedule.meeting.resp.tent': 'tentative',
  'ipm.schedule.meeting.resp.neg': 'declined',
};

export function responsesSql(inboxPath: string, uid?: string): string {
  const columns = SELECTED.map((n) => `"${qualifiedName(PROPS[n])}"`).join(', ');
  const counterColumns = Object.values(COUNTER)
    .map(([id, alias]) => `"${APPOINTMENT_SET}${id}" AS ${alias}`)
    .join(', ');
  return (
    `SELECT "DAV:href", ${columns}, "${RECURRENCE_ID}", ${counterColumns} FROM SCOPE('SHALLOW TRAVERSAL OF "${scopePath(inboxPath)}"') ` +
    `WHERE "DAV:isfolder" = false AND "DAV:contentclass" = 'urn:content-classes:calendarmessage' ` +
    `AND "${qualifiedName(PROPS.messageClass)}" LIKE 'IPM.Schedule.Meeting.Resp.%'` +
    (uid ? ` AND "${qualifiedName(PROPS.uid)}" = ${sqlString(uid)}` : '')
  );
}

export async function listAttendeeResponses(t: Transport, inboxPath: string, mailbox: string, uid?: string): Promise<AttendeeResponse[]> {
  const rows = await search(t, inboxPath, responsesSql(inboxPath, uid), { mailbox });
  const out: AttendeeResponse[] = [];
  for (const row of rows) {
    const response = RESPONSE_BY_CLASS[(propText(row, 'messageClass') ?? '').trim().toLowerCase()];
    const from = parseAddress(propText(row, 'from') ?? '');
    const rowUid = propText(row, 'uid') ?? '';
    // Rows that are not responses or lack a sender or UID cannot be matched to anyone: skip, don't guess.
    if (!response || !from || !rowUid) continue;
    if (uid && rowUid !== uid) continue;
    const received = propText(row, 'dateReceived');
    const rid = row.props.get(RECURRENCE_ID)?.text;
    const recurrenceId = rid ? parseWireDate(rid) : null;
    const proposal = readProposal(row.props.get(COUNTER.flag[1])?.text, row.props.get(COUNTER.start[1])?.text, row.props.get(COUNTER.end[1])?.text);
    out.push({
      uid: rowUid,
      ...from,
      response,
      receivedAt: received ? parseWireDate(received) : null,
      path: row.path,
      ...(recurrenceId ? { recurrenceId } : {}),
      ...(proposal ? { proposal } : {}),
    });
  }
  return out;
}
