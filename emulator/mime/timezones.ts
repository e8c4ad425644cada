// VTIMEZONE blocks as Exchange writes them, keyed by Windows zone name (TZID), and the IANA zones they map to.
import { WINDOWS_ZONES } from '../store/folders.ts';

const eu = (name: string, std: string, dst: string, stdStart: string, dstStart: string): string =>
  [
    'BEGIN:VTIMEZONE',
    `TZID:${name}`,
    'BEGIN:STANDARD',
    `DTSTART:16010101T${stdStart}`,
    `TZOFFSETFROM:${dst}`,
    `TZOFFSETTO:${std}`,
    'RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10',
    'END:STANDARD',
    'BEGIN:DAYLIGHT',
    `DTSTART:16010101T${dstStart}`,
    `TZOFFSETFROM:${std}`,
    `TZOFFSETTO:${dst}`,
    'RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3',
    'END:DAYLIGHT',
    'END:VTIMEZONE',
  ].join('\r\n');

const us = (name: string, std: string, dst: string): string =>
  [
    'BEGIN:VTIMEZONE',
    `TZID:${name}`,
    'BEGIN:STANDARD',
    'DTSTART:16010101T020000',
    `TZOFFSETFROM:${dst}`,
    `TZOFFSETTO:${std}`,
    'RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11',
    'END:STANDARD',
    'BEGIN:DAYLIGHT',
    'DTSTART:16010101T020000',
    `TZOFFSETFROM:${std}`,
    `TZOFFSETTO:${dst}`,
    'RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3',
    'END:DAYLIGHT',
    'END:VTIMEZONE',
  ].join('\r\n');

export const VTIMEZONES: Record<string, string> = {
  'GMT Standard Time': eu('GMT Standard Time', '+0000', '+0100', '020000', '010000'),
  'W. Europe Standard Time': eu('W. Europe Standard Time', '+0100', '+0200', '030000', '020000'),
  'Romance Standard Time': eu('Romance Standard Time', '+0100', '+0200', '030000', '020000'),
  'Central Europe Standard Time': eu('Central Europe Standard Time', '+0100', '+0200', '030000', '020000'),
  'Eastern Standard Time': us('Eastern Standard Time', '-0500', '-0400'),
  'Central Standard Time': us('Central Standard Time', '-0600', '-0500'),
  'Pacific Standard Time': us('Pacific Standard Time', '-0800', '-0700'),
  UTC: [
    'BEGIN:VTIMEZONE',
    'TZID:UTC',
    'BEGIN:STANDARD',
    'DTSTART:16010101T000000',
    'TZOFFSETFROM:+0000',
    'TZOFFSETTO:+0000',
    'END:STANDARD',
    'END:VTIMEZONE',
  ].join('\r\n'),
};

/** The IANA zone for a TZID that is a Windows zone name (or already an IANA name). */
export function ianaForTzid(tzid: string): string | undefined {
  const clean = tzid.replace(/^"|"$/g, '');
  for (const [iana, win] of Object.entries(WINDOWS_ZONES)) if (win.toLowerCase() === clean.toLowerCase()) return iana;
  return undefined;
}
