// An RFC 5545 calendar for subscription feeds, built by hand: CRLF line ends, TEXT escaping (3.3.11) and folding of
// lines longer than 75 octets (3.1) without splitting a UTF-8 character. Times are UTC ("Z"), so no VTIMEZONE is needed.
import type { DateTime } from 'luxon';

export interface FeedEvent {
  uid: string;
  start: DateTime;
  end: DateTime;
  summary: string;
  /** Free text (organizer, state); escaped like every TEXT value. */
  description?: string;
  location?: string;
  /** TENTATIVE while the booking is still on its way to Exchange. */
  /** CANCELLED: a check-in no-show whose room was released (subscribers see it go instead of it silently vanishing). */
  status: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
  sequence: number;
  lastModified?: DateTime | null;
  /** One date of a series: the series' UID is `uid`, this is the date's original start (RFC 5545 3.8.4.4). */
  recurrenceId?: DateTime;
}

export interface FeedCalendar {
  name: string;
  /** When the feed was produced (DTSTAMP of every event). */
  stamp: DateTime;
  /** Hint to clients how often to poll, in minutes. */
  refreshMinutes: number;
  events: FeedEvent[];
}

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line at 75 octets; continuation lines start with one space (RFC 5545 3.1). */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    // The first line may hold 75 octets; continuations 74 after their leading space.
    const limit = out.length ? 74 : 75;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const utcStamp = (t: DateTime) => t.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");

export function buildCalendar(cal: FeedCalendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Roombook//Room feed//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(cal.name)}`,
    `REFRESH-INTERVAL;VALUE=DURATION:PT${cal.refreshMinutes}M`,
    `X-PUBLISHED-TTL:PT${cal.refreshMinutes}M`,
  ];
  for (const e of cal.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(e.uid)}`,
      ...(e.recurrenceId ? [`RECURRENCE-ID:${utcStamp(e.recurrenceId)}`] : []),
      `DTSTAMP:${utcStamp(cal.stamp)}`,
      `DTSTART:${utcStamp(e.start)}`,
      `DTEND:${utcStamp(e.end)}`,
      `SUMMARY:${escapeText(e.summary)}`,
      `STATUS:${e.status}`,
      `SEQUENCE:${e.sequence}`,
      'TRANSP:OPAQUE',
    );
    if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.lastModified) lines.push(`LAST-MODIFIED:${utcStamp(e.lastModified)}`);
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
