// Wire formats for dates (protocol reference §4.2, §13, §14). All math in luxon, all output in UTC;
// the process time zone is never consulted.
import { DateTime } from 'luxon';

/** `2006-11-20T09:00:00.000Z`: what Exchange returns and what clients send for dateTime.tz. */
export function toWireDate(dt: DateTime): string {
  return isoOf(dt) ?? dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
}

// Date.UTC reads years 0–99 as 1900–1999, so year 0 is set on a Date.
const YEAR_0 = new Date(0).setUTCFullYear(0, 0, 1);
const YEAR_10000 = Date.UTC(10000, 0, 1);

/**
 * `yyyy-MM-ddTHH:mm:ss.SSSZ` of a valid instant in years 0–9999 by Date's own ISO form, or undefined: luxon's
 * token formatter cost more than the rest of building a request (issue 13), and these three are plain UTC shapes.
 */
function isoOf(dt: DateTime): string | undefined {
  const ms = dt.toMillis();
  return dt.isValid && ms >= YEAR_0 && ms < YEAR_10000 ? new Date(ms).toISOString() : undefined;
}

/** `2006/11/20 09:00:00` in UTC: the date literal inside SEARCH SQL (DavMail formatSearchDate, §13). */
export function toSearchLiteral(dt: DateTime): string {
  const iso = isoOf(dt);
  return iso ? `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(11, 19)}` : dt.toUTC().toFormat('yyyy/MM/dd HH:mm:ss');
}

/** `2006-11-20T00:00:00Z`: the start/end parameters of Cmd=freebusy (§14). */
export function toFreeBusyParam(dt: DateTime): string {
  const iso = isoOf(dt);
  return iso ? `${iso.slice(0, 19)}Z` : dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

/** Parse a dateTime.tz value (`…Z` or `±hh:mm`); null when it is not a date. */
export function parseWireDate(text: string): DateTime | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const dt = DateTime.fromISO(trimmed, { setZone: true });
  if (dt.isValid) return dt.toUTC();
  // Some SEARCH answers use the literal form back (`yyyy/MM/dd HH:mm:ss`, UTC).
  const literal = DateTime.fromFormat(trimmed, 'yyyy/MM/dd HH:mm:ss', { zone: 'utc' });
  return literal.isValid ? literal : null;
}

/** Parse `DAV:getlastmodified` (dateTime.rfc1123, `Mon, 20 Nov 2006 09:00:00 GMT`) or an ISO value. */
export function parseHttpDate(text: string): DateTime | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const http = DateTime.fromHTTP(trimmed, { zone: 'utc' });
  if (http.isValid) return http.toUTC();
  return parseWireDate(trimmed);
}

/** Check that an IANA zone name is one luxon knows. */
export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}
