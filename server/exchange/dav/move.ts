// MOVE (§4.4): used to submit a draft (Destination = the submission URI, §7) and never overwrites (`Overwrite: F`).
import type { Transport } from '../transport.ts';
import { TransientError } from '../errors.ts';
import { assertDavAnswer } from './answer.ts';

export async function move(t: Transport, from: string, destination: string, options: { mailbox?: string } = {}): Promise<number> {
  // EXCHANGE: DavMail sends Destination as a server-relative path; Exchange accepts it (§17.16).
  const res = await t.expect({ method: 'MOVE', path: from, mailbox: options.mailbox, headers: { destination, overwrite: 'F' } }, [200, 201, 204, 207]);
  assertDavAnswer(res, 'MOVE');
  // A multistatus to the MOVE of one item lists what failed (or, empty, nothing): it did not move as asked.
  if (res.status === 207) throw new TransientError('MOVE answered 207: the item was not moved as asked', res.facts);
  return res.status;
}
