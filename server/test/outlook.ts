// Meetings that someone booked in Outlook, planted straight into a mailbox through the emulator's control API
// (POST /_emulator/mailboxes/:alias/items), the way Outlook's own write would have stored them.
import type { DateTime } from 'luxon';

export interface OutlookMeeting {
  subject: string;
  start: DateTime;
  end: DateTime;
  /** Defaults to a fresh one. */
  uid?: string;
  busyStatus?: 'BUSY' | 'TENTATIVE' | 'FREE';
  location?: string;
}

/** Plants an appointment in `alias`'s calendar (a room's, to block it as if booked in Outlook); returns its ids. */
export async function plantOutlookMeeting(emulatorUrl: string, alias: string, m: OutlookMeeting): Promise<{ id: string; uid: string }> {
  const uid = m.uid ?? `outlook-${crypto.randomUUID()}`;
  const res = await fetch(`${emulatorUrl}/_emulator/mailboxes/${encodeURIComponent(alias)}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      folder: 'calendar',
      props: {
        'DAV:contentclass': 'urn:content-classes:appointment',
        'http://schemas.microsoft.com/exchange/outlookmessageclass': 'IPM.Appointment',
        'urn:schemas:httpmail:subject': m.subject,
        'urn:schemas:calendar:uid': uid,
        'urn:schemas:calendar:dtstart': m.start.toUTC().toISO(),
        'urn:schemas:calendar:dtend': m.end.toUTC().toISO(),
        'urn:schemas:calendar:busystatus': m.busyStatus ?? 'BUSY',
        ...(m.location !== undefined ? { 'urn:schemas:calendar:location': m.location } : {}),
      },
      // Typed as Outlook's write stores them (the control API would default these two to dateTime.tz as well): the
      // emulator's SEARCH and free/busy compare them as instants.
      types: { 'urn:schemas:calendar:dtstart': 'dateTime.tz', 'urn:schemas:calendar:dtend': 'dateTime.tz' },
    }),
  });
  if (res.status !== 201) throw new Error(`planting an Outlook meeting in ${alias}: control API answered ${res.status} ${await res.text()}`);
  const item = (await res.json()) as { id: string };
  return { id: item.id, uid };
}

/** Sends a message (MIME, e.g. an iCalendar REPLY) from `alias`'s mailbox, as that person's Outlook would. */
export async function sendFromOutlook(emulatorUrl: string, alias: string, mime: string): Promise<void> {
  const res = await fetch(`${emulatorUrl}/_emulator/mailboxes/${encodeURIComponent(alias)}/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mime }),
  });
  if (!res.ok) throw new Error(`sending from ${alias}: control API answered ${res.status} ${await res.text()}`);
}
