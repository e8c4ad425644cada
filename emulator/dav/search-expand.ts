// SEARCH over a calendar with a dtstart/dtend window also returns the occurrences of recurring items in that
// window, as instancetype 2 rows (§11). Their href is the master's; recurrenceid and the times are their own.
// Occurrences replaced by an exception item (instancetype 3, same uid and recurrenceid) are left out.
import { NS, formatExchangeDate, parseExchangeDate, str, type PropMap } from '../store/props.ts';
import type { Folder, Item } from '../store/store.ts';
import { isRecurringMaster, occurrencesBetween } from '../store/recurrence.ts';
import type { Resource } from '../store/view.ts';

export interface OccurrenceRow {
  r: Resource;
  props: PropMap;
}

export function occurrenceRows(folder: Folder, window: { from: number; to: number }, propsOf: (item: Item) => PropMap): OccurrenceRow[] {
  if (str(folder.props.get(`${NS.ex}outlookfolderclass`)) !== 'IPF.Appointment') return [];
  const exceptions = new Set<string>();
  for (const item of folder.items.values()) {
    if (str(item.props.get(`${NS.cal}instancetype`)) !== '3') continue;
    const rid = parseExchangeDate(str(item.props.get(`${NS.cal}recurrenceid`)) ?? '')?.getTime();
    exceptions.add(`${str(item.props.get(`${NS.cal}uid`))?.toLowerCase()}|${rid}`);
  }
  const rows: OccurrenceRow[] = [];
  for (const item of folder.items.values()) {
    if (!isRecurringMaster(item)) continue;
    const uid = str(item.props.get(`${NS.cal}uid`))?.toLowerCase();
    const base = propsOf(item);
    for (const occ of occurrencesBetween(item, window.from, window.to, folder.mailbox.config.timeZone)) {
      if (exceptions.has(`${uid}|${occ.start.getTime()}`)) continue;
      const props: PropMap = new Map(base);
      props.set(`${NS.cal}dtstart`, { type: 'dateTime.tz', value: formatExchangeDate(occ.start) });
      props.set(`${NS.cal}dtend`, { type: 'dateTime.tz', value: formatExchangeDate(occ.end) });
      props.set(`${NS.cal}recurrenceid`, { type: 'dateTime.tz', value: formatExchangeDate(occ.start) });
      props.set(`${NS.cal}instancetype`, { type: 'int', value: '2' });
      props.delete(`${NS.cal}rrule`);
      rows.push({ r: { kind: 'item', item }, props });
    }
  }
  return rows;
}
