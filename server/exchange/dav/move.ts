// MOVE (§4.4): used to submit a draft (Destination = the submission URI, §7) and never overwrites (`Overwrite: F`).
import type { Transport } from '../transport.ts';

export async function move(t: Transport, from: string, destination: string, options: { mailbox?: string } = {}): Promise<number> {
  // EXCHANGE: DavMail sends Destination as a server-relative path; Exchange accepts it (§17.16).
  const res = await t.expect(
    { method: 'MOVE', path: from, mailbox: options.mailbox, headers: { destination, overwrite: 'F' } },
    [200, 201, 204],
  );
  return res.status;
}
