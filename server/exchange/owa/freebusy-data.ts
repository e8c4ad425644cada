// Cmd=freebusy answers (§14) → typed busy stretches. Pure: no I/O, no process time zone.
import { DateTime } from 'luxon';
import type { BusySlot, MailboxFreeBusy, TimeWindow } from '../gateway.ts';
import { childOf, childrenOf, parseXml, XmlShapeError } from '../xml.ts';
import { toFreeBusyParam } from '../dates.ts';

// EXCHANGE: 0 free, 1 tentative, 2 busy, 3 out of office, 4 no data. KB813268's text swaps 1 and 2; EVO,
// DavMail and MAPI agree on 1 = tentative, and so do we (§14, §19.3).
const STATUS_BY_DIGIT = { '1': 'tentative', '2': 'busy', '3': 'oof' } as const;

/** Number of `interval`-minute slots covering the window (the last one may be partial). */
export function slotCount(window: TimeWindow, intervalMinutes: number): number {
  const minutes = window.end.diff(window.start, 'minutes').minutes;
  return Math.ceil(minutes / intervalMinutes);
}

/** Query parameters of one Cmd=freebusy request, in order. */
export function freeBusyQuery(emails: readonly string[], window: TimeWindow, intervalMinutes: number): string {
  const params = new URLSearchParams();
  params.append('Cmd', 'freebusy');
  params.append('start', toFreeBusyParam(window.start));
  params.append('end', toFreeBusyParam(window.end));
  params.append('interval', String(intervalMinutes));
  for (const email of emails) params.append('u', `SMTP:${email}`);
  return params.toString();
}

/** Decode one fbdata string into merged non-free stretches; null when it holds no data at all. */
export function decodeFbData(fbdata: string, window: TimeWindow, intervalMinutes: number): BusySlot[] | null {
  const data = fbdata.trim();
  if (!/^[0-4]*$/.test(data)) throw new XmlShapeError('malformed-freebusy', 'fbdata holds characters other than 0-4');
  const expected = slotCount(window, intervalMinutes);
  // CASE: how Exchange rounds an end that is not a whole number of intervals is unknown (§19.3): accept the
  // floor or the ceiling, reject anything shorter (that would silently report free time we never saw).
  const floor = Math.floor(window.end.diff(window.start, 'minutes').minutes / intervalMinutes);
  if (data.length < floor) {
    throw new XmlShapeError('malformed-freebusy', `fbdata has ${data.length} slots, expected ${expected}`);
  }
  const digits = data.slice(0, expected);
  if (digits.length > 0 && /^4+$/.test(digits)) return null;
  // Runs of one status are found on the digits and only each run becomes DateTimes: luxon arithmetic per digit was
  // most of the CPU of a many-day, many-mailbox answer (70 mailboxes × 5 days: ~100 ms). Minutes are elapsed time,
  // so epoch arithmetic is what plus({ minutes }) did.
  const slots: BusySlot[] = [];
  const startMs = window.start.toMillis();
  const endMs = window.end.toMillis();
  const step = intervalMinutes * 60_000;
  const utc = (ms: number) => DateTime.fromMillis(ms, { zone: 'utc' });
  for (let i = 0; i < digits.length; ) {
    const status = STATUS_BY_DIGIT[digits[i] as keyof typeof STATUS_BY_DIGIT];
    let j = i + 1;
    while (j < digits.length && digits[j] === digits[i]) j++;
    if (status) slots.push({ start: utc(startMs + i * step), end: utc(Math.min(startMs + j * step, endMs)), status });
    i = j;
  }
  return slots;
}

/** Parse the XML answer; every requested address gets an entry, in the order asked. */
export function parseFreeBusy(body: string, emails: readonly string[], window: TimeWindow, intervalMinutes: number): MailboxFreeBusy[] {
  const root = parseXml(body);
  if (root.name !== 'response') throw new XmlShapeError('malformed-freebusy', `root is <${root.name}>, not <response>`);
  const recipients = childOf(root, root.ns, 'recipients');
  if (!recipients) throw new XmlShapeError('malformed-freebusy', 'no <recipients>');
  const byEmail = new Map<string, string>();
  for (const item of childrenOf(recipients, root.ns, 'item')) {
    // The first item is the aggregate "All Attendees" and has no email (§14).
    const email = childOf(item, root.ns, 'email')?.text.trim().toLowerCase();
    if (!email) continue;
    const fbdata = childOf(item, root.ns, 'fbdata');
    if (!fbdata) throw new XmlShapeError('malformed-freebusy', `no <fbdata> for ${email}`);
    byEmail.set(email.replace(/^smtp:/, ''), fbdata.text);
  }
  return emails.map((email) => {
    const fbdata = byEmail.get(email.toLowerCase());
    if (fbdata === undefined) return { email, known: false, busy: [] };
    const busy = decodeFbData(fbdata, window, intervalMinutes);
    return busy === null ? { email, known: false, busy: [] } : { email, known: true, busy };
  });
}
