// SEARCH over a calendar with a dtstart/dtend window also returns the occurrences of recurring items in that
// window (§11): instancetype 2 rows, or 3 for an occurrence the master's exceptions change (with that
// exception's own times, subject, location and busy status). Their href is the master's; recurrenceid is the
// occurrence's original start. Occurrences replaced by a separate exception item (instancetype 3, same uid
// and recurrenceid) are left out, since that item answers for itself.
import { NS, formatExchangeDate, str, type PropMap } from '../store/props.ts';
import type { Folder, Item } from '../store/store.ts';
import { occurrencesBetween } from '../store/recurrence.ts';
import { calendarIndex, inFolderOrder, replacedOf } from '../store/calendar-index.ts';
import type { Resource } from '../store/view.ts';

export interface OccurrenceRow {
  r: Resource;
  props: PropMap;
}

const s = (value: string) => ({ type: 'string', value });

export function occurrenceRows(folder: Folder, window: { from: number; to: number }, propsOf: (item: Item) => PropMap): OccurrenceRow[] {
  if (str(folder.props.get(`${NS.ex}outlookfolderclass`)) !== 'IPF.Appointment') return [];
  // The recurring masters and separate exceptions from the folder's index (store/calendar-index.ts), in the
  // folder's order: a calendar of years of single meetings is not read per search.
  const index = calendarIndex(folder);
  const replaced = replacedOf(index);
  const rows: OccurrenceRow[] = [];
  for (const item of inFolderOrder(index.recurring)) {
    const uid = str(item.props.get(`${NS.cal}uid`))?.toLowerCase();
    const base = propsOf(item);
    for (const occ of occurrencesBetween(item, window.from, window.to, folder.mailbox.config.timeZone, uid ? replaced.get(uid) : undefined)) {
      const props: PropMap = new Map(base);
      props.set(`${NS.cal}dtstart`, { type: 'dateTime.tz', value: formatExchangeDate(occ.start) });
      props.set(`${NS.cal}dtend`, { type: 'dateTime.tz', value: formatExchangeDate(occ.end) });
      props.set(`${NS.cal}recurrenceid`, { type: 'dateTime.tz', value: formatExchangeDate(occ.recurrenceId) });
      props.set(`${NS.cal}instancetype`, { type: 'int', value: occ.exception ? '3' : '2' });
      const ex = occ.exception;
      if (ex?.summary !== undefined) props.set(`${NS.mail}subject`, s(ex.summary));
      if (ex?.location !== undefined) props.set(`${NS.cal}location`, s(ex.location));
      if (ex?.busyStatus) props.set(`${NS.cal}busystatus`, s(ex.busyStatus));
      if (ex?.sequence !== undefined) props.set(`${NS.cal}sequence`, { type: 'int', value: String(ex.sequence) });
      // An exception with its own recipients (a date without the room) answers with them, not the master's.
      if (ex?.recipients)
        for (const h of ['to', 'cc', 'bcc'] as const) {
          const list = ex.recipients[h];
          if (list) props.set(`${NS.hdr}${h}`, s(list));
          else props.delete(`${NS.hdr}${h}`);
        }
      props.delete(`${NS.cal}rrule`);
      props.delete(`${NS.cal}exdate`);
      rows.push({ r: { kind: 'item', item }, props });
    }
  }
  return rows;
}
