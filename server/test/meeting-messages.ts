// How tests count the meeting messages a mailbox received ("sent exactly once" is the outbox's promise): one
// definition of which message classes are requests and cancellations, shared by every test that counts them.
export const MESSAGE_CLASS = 'http://schemas.microsoft.com/exchange/outlookmessageclass';
export const UID = 'urn:schemas:calendar:uid';
export const SEQUENCE = 'urn:schemas:calendar:sequence';
export const METHOD_OF_CLASS: Readonly<Record<string, 'REQUEST' | 'CANCEL'>> = {
  'IPM.Schedule.Meeting.Request': 'REQUEST',
  'IPM.Schedule.Meeting.Canceled': 'CANCEL',
};

/** Messages of this meeting per "METHOD SEQUENCE" (e.g. { 'REQUEST 0': 1, 'CANCEL 1': 1 }); other items are ignored. */
export function countMeetingMessages(items: readonly { props: Record<string, string> }[], uid: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of items) {
    const method = METHOD_OF_CLASS[m.props[MESSAGE_CLASS] ?? ''];
    if (m.props[UID] !== uid || !method) continue;
    const key = `${method} ${m.props[SEQUENCE]}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
