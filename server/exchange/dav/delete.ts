// DELETE one item (§4.4): 200 (how-to, DavMail) or 204 (reference) both mean gone.
import type { Transport } from '../transport.ts';

export async function deleteItem(t: Transport, path: string, options: { mailbox?: string } = {}): Promise<void> {
  await t.expect({ method: 'DELETE', path, mailbox: options.mailbox }, [200, 204]);
}
