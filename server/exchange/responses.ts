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

const RESPONSE_BY_CLASS: Record<string, AttendeeResponse['response']> = {
  'ipm.schedule.meeting.resp.pos': 'accepted',
  'ipm.schedule.meeting.resp.tent': 'tentative',
  'ipm.schedule.meeting.resp.neg': 'declined',
};

export function responsesSql(inboxPath: string, uid?: string): string {
  const columns = SELECTED.map((n) => `"${qualifiedName(PROPS[n])}"`).join(', ');
  return (
    `SELECT "DAV:href", ${columns}, "${RECURRENCE_ID}" FROM SCOPE('SHALLOW TRAVERSAL OF "${scopePath(inboxPath)}"') ` +
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
    out.push({
      uid: rowUid,
      ...from,
      response,
      receivedAt: received ? parseWireDate(received) : null,
      path: row.path,
      ...(recurrenceId ? { recurrenceId } : {}),
    });
  }
  return out;
}
