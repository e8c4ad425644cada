// OWA Cmd=sendappt (§8; DSZ in shared/seed/original-article.txt): POST to the organizer's item so OWA sends
// the update to everyone on it, and a cancellation to anyone removed. The field list is the original
// project's, with its bugs fixed: the subject is not prefixed, `subject-utf8` carries the subject (the article
// sent a literal "{0}" and "/n"), and every value goes through the one encoder.
import type { MailboxFolders, Meeting } from '../gateway.ts';
import type { Transport } from '../transport.ts';
import type { RequestFacts } from '../errors.ts';
import { toWireDate } from '../dates.ts';
import { htmlBodyOf, locationOf } from '../meeting-props.ts';
import { encodeOwaForm, htmlWithoutLineBreaks, OWA_FORM_CONTENT_TYPE, type OwaField } from './owa-form.ts';
import { readOwaAnswer, type OwaAnswer } from './owa-answer.ts';

function emails(list: readonly { email: string }[]): string {
  return list.map((a) => a.email).join('; ');
}

/** The item's path relative to the mailbox root, decoded, with a leading slash: `/Calendar/x.EML` (DSZ `MsgID`). */
export function mailboxRelativePath(folders: MailboxFolders, itemPath: string): string {
  const relative = itemPath.toLowerCase().startsWith(folders.root.toLowerCase()) ? itemPath.slice(folders.root.length) : itemPath.replace(/^\/+/, '');
  return '/' + decodeURIComponent(relative);
}

export function sendapptFields(meeting: Meeting, folders: MailboxFolders, itemPath: string): OwaField[] {
  const msgId = mailboxRelativePath(folders, itemPath);
  return [
    ['Cmd', 'sendappt'],
    ['Required', emails(meeting.requiredAttendees)],
    ['Optional', emails(meeting.optionalAttendees)],
    ['Resource', meeting.room.email],
    ['FormType', 'appointment'],
    ['MsgID', msgId],
    ['urn:schemas:httpmail:subject', meeting.subject],
    ['urn:schemas:httpmail:htmldescription', htmlWithoutLineBreaks(htmlBodyOf(meeting))],
    ['urn:schemas:calendar:dtstart', toWireDate(meeting.start)],
    ['urn:schemas:calendar:dtend', toWireDate(meeting.end)],
    ['urn:schemas:calendar:location', locationOf(meeting)],
    // EXCHANGE: DSZ sends the item's mailbox-relative URL here, not the iCalendar UID; kept as the original did.
    ['CALENDAR:UID', msgId],
    ['urn:schemas:calendar:responserequested', '1'],
    ['http://schemas.microsoft.com/exchange/subject-utf8', meeting.subject],
  ];
}

/** POST the command; returns where OWA pointed (null when it answered a plain page, which proves nothing). */
export async function sendAppointment(
  t: Transport,
  folders: MailboxFolders,
  itemPath: string,
  meeting: Meeting,
  language: string,
): Promise<OwaAnswer & { facts: RequestFacts }> {
  const res = await t.send({
    method: 'POST',
    path: itemPath,
    mailbox: meeting.organizer.alias,
    headers: { 'content-type': OWA_FORM_CONTENT_TYPE, 'accept-language': language },
    body: encodeOwaForm(sendapptFields(meeting, folders, itemPath)),
  });
  return { ...readOwaAnswer(res), facts: res.facts };
}
