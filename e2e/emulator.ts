import { DateTime } from 'luxon';

/** The embedded Exchange emulator of the app under test, through its control API and WebDAV. */
export const emulatorUrl = `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT}`;

export interface MailItem {
  name: string;
  props: Record<string, string>;
}

const CLASS = 'http://schemas.microsoft.com/exchange/outlookmessageclass';
const UID = 'urn:schemas:calendar:uid';
const SUBJECT = 'urn:schemas:httpmail:subject';

export async function items(alias: string, folder: string): Promise<MailItem[]> {
  const res = await fetch(`${emulatorUrl}/_emulator/mailboxes/${alias}/items?folder=${folder}`);
  if (!res.ok) throw new Error(`emulator control API answered ${res.status}`);
  return (await res.json()) as MailItem[];
}

/** Meeting messages in a mailbox folder about one subject prefix. */
export async function meetingMessages(
  alias: string,
  folder: string,
  subjectPrefix: string,
): Promise<{ kind: string; uid: string; sequence: number; start: string; subject: string }[]> {
  return (await items(alias, folder))
    .filter((i) => i.props[UID] && (i.props[SUBJECT] ?? '').includes(subjectPrefix))
    .map((i) => ({
      kind: i.props[CLASS] ?? '',
      uid: i.props[UID]!,
      sequence: Number(i.props['urn:schemas:calendar:sequence'] ?? 0),
      start: i.props['urn:schemas:calendar:dtstart'] ?? '',
      subject: i.props[SUBJECT] ?? '',
    }));
}

export async function addFault(rule: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${emulatorUrl}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  if (!res.ok) throw new Error(`adding a fault answered ${res.status}`);
}

export async function clearFaults(): Promise<void> {
  await fetch(`${emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
}

/** Puts a meeting straight into a room's calendar, as Outlook would (not through the app). */
export async function bookInOutlook(roomAlias: string, subject: string, start: DateTime, end: DateTime): Promise<void> {
  const name = `${subject.replace(/[^A-Za-z0-9]+/g, '-')}-${Date.now()}.EML`;
  const res = await fetch(`${emulatorUrl}/exchange/${roomAlias}/Calendar/${name}`, {
    method: 'PROPPATCH',
    headers: { authorization: `Basic ${Buffer.from('booking-svc:demo').toString('base64')}`, 'content-type': 'text/xml' },
    body: `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:c="urn:schemas:calendar:" xmlns:h="urn:schemas:httpmail:" xmlns:e="http://schemas.microsoft.com/exchange/" xmlns:b="urn:uuid:c2f41010-65b3-11d1-a29f-00aa00c14882/"><D:set><D:prop>
      <D:contentclass>urn:content-classes:appointment</D:contentclass><e:outlookmessageclass>IPM.Appointment</e:outlookmessageclass>
      <h:subject>${subject}</h:subject><c:uid>outlook-${Date.now()}</c:uid>
      <c:dtstart b:dt="dateTime.tz">${start.toUTC().toISO()}</c:dtstart><c:dtend b:dt="dateTime.tz">${end.toUTC().toISO()}</c:dtend>
      <c:busystatus>BUSY</c:busystatus><c:instancetype b:dt="int">0</c:instancetype></D:prop></D:set></D:propertyupdate>`,
  });
  if (res.status >= 300) throw new Error(`PROPPATCH into ${roomAlias}'s calendar answered ${res.status}`);
}
