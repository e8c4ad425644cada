// Test support (and the bench): a whole create, update or cancel as the outbox runs it, step after step, without
// recording anything in between. Production goes through the steps (sync/worker.ts SEND_PATH); these are not part of
// the gateway's interface.
import type { ExchangeGateway, ItemRef, Meeting, Submission, UpdateOptions } from '../gateway.ts';

/** Create the organizer's calendar item and submit the meeting request. */
export async function createMeeting(gw: ExchangeGateway, meeting: Meeting): Promise<ItemRef> {
  const ref = await gw.putMeetingItem(meeting);
  await gw.submitMeeting(ref, meeting);
  return ref;
}

/** Update the item and send the update. */
export async function updateMeeting(gw: ExchangeGateway, ref: ItemRef, meeting: Meeting, options?: UpdateOptions): Promise<Submission> {
  await gw.patchMeetingItem(ref, meeting);
  return gw.sendMeetingUpdate(ref, meeting, options);
}

/** Cancel for everyone and remove the organizer's item. */
export async function cancelMeeting(gw: ExchangeGateway, ref: ItemRef, meeting: Meeting): Promise<Submission> {
  const submission = await gw.sendCancellation(ref, meeting);
  await gw.removeMeetingItem(ref);
  return submission;
}
