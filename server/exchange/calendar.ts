// listCalendar: SEARCH on the discovered calendar folder over a window (§13) → typed items.
import type { BusyStatus, CalendarAttendee, CalendarItem, ResponseStatus, TimeWindow } from './gateway.ts';
import type { Transport } from './transport.ts';
import { RejectedError, type RequestFacts } from './errors.ts';
import { scopePath, search } from './dav/search.ts';
import { propText, type MultistatusRow } from './dav/multistatus.ts';
import { PROPS, qualifiedName, type PropName } from './properties.ts';
import { parseHttpDate, parseWireDate, toSearchLiteral } from './dates.ts';
import { parseAddressList } from './addresses.ts';

const SELECTED: readonly PropName[] = [
  'uid',
  'subject',
  'dtStart',
  'dtEnd',
  'location',
  'organizer',
  'to',
  'cc',
  'bcc',
  'busyStatus',
  'meetingStatus',
  'instanceType',
  'sequence',
  'responseStatus',
  'apptStateFlags',
  'lastModified',
  'messageClass',
];

/** The SEARCH SQL for items overlapping [start, end): `dtend > S AND dtstart < E`, masters excluded (§11, §13). */
// The same columns for every SEARCH: joined once.
const COLUMNS = SELECTED.map((n) => `"${qualifiedName(PROPS[n])}"`).join(', ');

export function calendarSql(folderPath: string, window: TimeWindow): string {
  const columns = COLUMNS;
  return (
    `SELECT "DAV:href", ${columns} FROM SCOPE('SHALLOW TRAVERSAL OF "${scopePath(folderPath)}"') ` +
    `WHERE "DAV:isfolder" = false AND "DAV:ishidden" = false ` +
    `AND "DAV:contentclass" = 'urn:content-classes:appointment' ` +
    `AND NOT "urn:schemas:calendar:instancetype" = 1 ` +
    `AND "urn:schemas:calendar:dtend" > '${toSearchLiteral(window.start)}' ` +
    `AND "urn:schemas:calendar:dtstart" < '${toSearchLiteral(window.end)}' ` +
    `ORDER BY "urn:schemas:calendar:dtstart" ASC`
  );
}

const RESPONSE_BY_CODE: Record<string, ResponseStatus> = {
  '0': 'none',
  '1': 'organizer',
  '2': 'tentative',
  '3': 'accepted',
  '4': 'declined',
  '5': 'not-responded',
};

function busyOf(text: string | undefined): BusyStatus {
  switch ((text ?? '').trim().toUpperCase()) {
    case 'FREE':
      return 'free';
    case 'TENTATIVE':
      return 'tentative';
    case 'OOF':
      return 'oof';
    default:
      return 'busy';
  }
}

function intOf(text: string | undefined, fallback: number): number {
  const n = Number((text ?? '').trim());
  return text !== undefined && text.trim() !== '' && Number.isInteger(n) ? n : fallback;
}

/** One SEARCH row → a CalendarItem; a row without start or end is a RejectedError, never a guess. */
export function calendarItemFromRow(row: MultistatusRow, facts: RequestFacts): CalendarItem {
  const start = parseWireDate(propText(row, 'dtStart') ?? '');
  const end = parseWireDate(propText(row, 'dtEnd') ?? '');
  if (!start || !end) throw new RejectedError('missing-property:dtstart/dtend', facts, `calendar item ${row.path} has no readable start/end`);
  const attendees: CalendarAttendee[] = [
    ...parseAddressList(propText(row, 'to')).map((a) => ({ ...a, role: 'required' as const })),
    ...parseAddressList(propText(row, 'cc')).map((a) => ({ ...a, role: 'optional' as const })),
    ...parseAddressList(propText(row, 'bcc')).map((a) => ({ ...a, role: 'resource' as const })),
  ];
  const modified = propText(row, 'lastModified');
  const stateFlags = intOf(propText(row, 'apptStateFlags'), 0);
  return {
    path: row.path,
    uid: propText(row, 'uid') ?? '',
    subject: propText(row, 'subject') ?? '',
    start,
    end,
    location: propText(row, 'location') ?? '',
    organizer: propText(row, 'organizer') ?? '',
    attendees,
    responseStatus: RESPONSE_BY_CODE[(propText(row, 'responseStatus') ?? '0').trim()] ?? 'none',
    busyStatus: busyOf(propText(row, 'busyStatus')),
    cancelled: /^CANCELLED$/i.test(propText(row, 'meetingStatus') ?? '') || (stateFlags & 4) !== 0,
    sequence: intOf(propText(row, 'sequence'), 0),
    instanceType: intOf(propText(row, 'instanceType'), 0),
    lastModified: modified ? parseHttpDate(modified) : null,
  };
}

export async function listCalendarItems(t: Transport, calendarPath: string, mailbox: string, window: TimeWindow): Promise<CalendarItem[]> {
  const sql = calendarSql(calendarPath, window);
  const facts: RequestFacts = { method: 'SEARCH', path: calendarPath, status: 207, durationMs: 0, requestId: '-' };
  const rows = await search(t, calendarPath, sql, { mailbox });
  return rows.map((row) => calendarItemFromRow(row, facts));
}
