// The MIME message that carries a series (or one of its occurrences) to Exchange 2003, in the shape of the
// protocol reference §7 B (what DavMail PUTs into Drafts before the MOVE to the submission URI): a
// calendarmessage with a text/plain part and the text/calendar part. Header values are built here only from
// validated single-line text; non-ASCII is RFC 2047 encoded so no header can be split or added.
import { randomBytes } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { Attendee } from './gateway.ts';

export interface CalendarMessage {
  method: 'REQUEST' | 'CANCEL' | 'PUBLISH';
  subject: string;
  from: Attendee;
  to: readonly Attendee[];
  cc: readonly Attendee[];
  /** Resources (the room): a Bcc header, which Exchange 2003 strips when it sends (OXOCAL recipient type 3). */
  bcc?: readonly Attendee[];
  textBody: string;
  /** The iCalendar text (from series-ical.ts). */
  calendar: string;
  date: DateTime;
}

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;

/** RFC 2047 `B` encoding for a header word that is not plain printable ASCII. */
export function encodeHeaderText(text: string): string {
  const single = text.replace(/[\r\n\u2028\u2029\u0085]+/g, ' ');
  if (ASCII_PRINTABLE.test(single)) return single;
  // Encoded words are at most 75 characters: split the UTF-8 bytes on character boundaries.
  const words: string[] = [];
  let chunk = '';
  for (const ch of single) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?utf-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

function address(a: Attendee): string {
  if (!a.name) return a.email;
  const name = a.name
    .replace(/[",;<>\\\r\n\u2028\u2029\u0085]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!name) return a.email;
  return ASCII_PRINTABLE.test(name) ? `"${name}" <${a.email}>` : `${encodeHeaderText(name)} <${a.email}>`;
}

function base64Lines(text: string): string {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

/** The whole message/rfc822 text with CRLF line ends. */
export function calendarMessageMime(m: CalendarMessage): string {
  const boundary = `----=_NextPart_${randomBytes(12).toString('hex')}`;
  // The organizer's own calendar item (PUBLISH, PUT into the Calendar) is an appointment, not a message (§7 B).
  const contentClass = m.method === 'PUBLISH' ? 'urn:content-classes:appointment' : 'urn:content-classes:calendarmessage';
  const headers = [
    `Content-class: ${contentClass}`,
    `Date: ${m.date.toUTC().toRFC2822()}`,
    `From: ${address(m.from)}`,
    ...(m.to.length ? [`To: ${m.to.map(address).join(', ')}`] : []),
    ...(m.cc.length ? [`Cc: ${m.cc.map(address).join(', ')}`] : []),
    ...(m.bcc?.length ? [`Bcc: ${m.bcc.map(address).join(', ')}`] : []),
    `Subject: ${encodeHeaderText(m.subject)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const parts = [
    ['Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: base64', '', base64Lines(m.textBody)].join('\r\n'),
    [
      `Content-class: ${contentClass}`,
      `Content-Type: text/calendar; method=${m.method}; charset="utf-8"`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(m.calendar),
    ].join('\r\n'),
  ];
  return `${headers.join('\r\n')}\r\n\r\n${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`;
}
