// Attendee responses arriving in the organizer's Inbox are recorded on the organizer's calendar item with
// the same UID (what Outlook does when it processes them; Exchange 2003 itself did not, §19.7).
import { NS, str } from '../store/props.ts';
import type { Item, Mailbox } from '../store/store.ts';
import { MESSAGE_CLASS } from '../mime/derive.ts';
import { parseAddressList } from '../mime/parse.ts';
import { uidOf } from './rooms.ts';
import { isRecurringMaster } from '../store/recurrence.ts';
import { itemsWithUid } from '../store/calendar-index.ts';
import type { MessageTransport } from './types.ts';

const PARTSTAT: Record<string, string> = {
  [MESSAGE_CLASS.accepted]: 'ACCEPTED',
  [MESSAGE_CLASS.declined]: 'DECLINED',
  [MESSAGE_CLASS.tentative]: 'TENTATIVE',
};

export function recordResponse(t: MessageTransport, organizer: Mailbox, response: Item): void {
  const { store, log } = t.env();
  const uid = uidOf(response);
  const partstat = PARTSTAT[str(response.props.get(`${NS.ex}outlookmessageclass`)) ?? ''];
  const attendee = parseAddressList(str(response.props.get(`${NS.mail}from`)))[0];
  if (!uid || !partstat || !attendee) return;
  const calendar = store.wellKnownFolder(organizer, 'calendar');
  // An answer about one occurrence (RECURRENCE-ID) is not the attendee's answer to the whole series: the
  // series keeps the answer given to it (a room that declined one date still accepted the series).
  const occurrence = response.props.has(`${NS.cal}recurrenceid`);
  for (const item of itemsWithUid(calendar, uid)) {
    if (occurrence && isRecurringMaster(item)) continue;
    item.responses = item.responses.filter((r) => r.address !== attendee);
    item.responses.push({ address: attendee, partstat, at: store.now().toISOString() });
    // The iCalendar view is rebuilt so ATTENDEE;PARTSTAT shows the answer. The etag is left alone: this
    // is recipient tracking (MAPI recipient table), which WebDAV clients never see as a property write.
    item.mime = undefined;
    store.changed();
    log.info({ event: 'transport.response_recorded', organizer: organizer.config.alias, attendee, partstat }, 'attendee response recorded');
  }
}
