// Dates in OWA form fields: ISO 8601 (with Z or an offset), `yyyy/MM/dd HH:mm:ss` (UTC), or what JavaScript's
// Date understands (e.g. "11/20/2006 09:00:00 AM", taken as UTC).
import { parseExchangeDate } from '../store/props.ts';

export function parseOwaDate(text: string): Date | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const d = parseExchangeDate(t);
  if (d) return d;
  const fallback = new Date(/(Z|GMT|UTC|[+-]\d{2}:?\d{2})$/i.test(t) ? t : `${t} UTC`);
  return Number.isNaN(fallback.getTime()) ? undefined : fallback;
}
