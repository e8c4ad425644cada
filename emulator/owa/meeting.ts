// Helpers shared by the OWA meeting commands.
import { NS, str } from '../store/props.ts';
import type { Item, Mailbox } from '../store/store.ts';
import { parseAddressList } from '../mime/parse.ts';

export function attendeesOf(item: Item): string[] {
  const out = new Set<string>();
  for (const h of ['to', 'cc', 'bcc']) for (const a of parseAddressList(str(item.props.get(`${NS.hdr}${h}`)))) out.add(a);
  return [...out];
}

/** A meeting this mailbox organized: an appointment with attendees whose organizer (if set) is the mailbox. */
export function isOrganizedMeeting(item: Item, mailbox: Mailbox): boolean {
  const cls = str(item.props.get(`${NS.dav}contentclass`));
  if (cls !== 'urn:content-classes:appointment') return false;
  if (attendeesOf(item).length === 0) return false;
  const organizer = parseAddressList(str(item.props.get(`${NS.cal}organizer`)))[0];
  return !organizer || organizer === mailbox.config.smtp.toLowerCase();
}

export function sequenceOf(item: Item): number {
  return Number(str(item.props.get(`${NS.cal}sequence`)) ?? '0') || 0;
}
