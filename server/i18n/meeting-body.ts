// The line the app adds to the body of every meeting it writes into Exchange (issue 17): "Booked with Roombook", in
// the organizer's language, so attendees read the same words whoever opens the booking later. The body is plain
// text here; the gateway escapes it for the HTML body, the MIME part and the iCalendar DESCRIPTION.
import type { Locale } from './catalog.ts';
import { organisationLocale, tFor } from './context.ts';

/**
 * The organizer's language: their saved choice, else the organisation's (DEFAULT_LOCALE). Never the request's: the
 * one booking may be reception booking for them, and the organizer's meetings must not change language with the booker.
 */
export const organizerLocale = (saved: Locale | null | undefined): Locale => saved ?? organisationLocale();

/** The body text with the app's line at its end (once: a body that already ends with it is left as it is). */
export function bookedWithLine(body: string, saved: Locale | null | undefined): string {
  const line = tFor(organizerLocale(saved), 'meeting.booked_with');
  const text = body.trimEnd();
  if (text === line || text.endsWith(`\n${line}`)) return text;
  return text ? `${text}\n\n${line}` : line;
}
