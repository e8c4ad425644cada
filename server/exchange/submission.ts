// Writing a meeting message to Drafts and submitting it by MOVE to the submission URI (§7 A.3-4), so that a
// retry never submits twice: the draft's name comes from the UID, kind and SEQUENCE, and a resumed attempt
// first looks in Sent Items for a message with the same UID, kind and SEQUENCE.
import type { MailboxFolders } from './gateway.ts';
import type { Transport } from './transport.ts';
import { ConflictError, NotFoundError, TransientError } from './errors.ts';
import { proppatch } from './dav/proppatch.ts';
import { propfind } from './dav/propfind.ts';
import { move } from './dav/move.ts';
import { scopePath, search, sqlString } from './dav/search.ts';
import { propText } from './dav/multistatus.ts';
import type { PropValues } from './xml.ts';
import { itemName, itemPath } from './paths.ts';

export type MessageKind = 'request' | 'cancel';

const CLASS_BY_KIND: Record<MessageKind, RegExp> = {
  request: /^IPM\.Schedule\.Meeting\.Request$/i,
  cancel: /^IPM\.Schedule\.Meeting\.Canceled$/i,
};

/** The draft's path: one name per UID, kind and SEQUENCE (and audience, for partial cancellations). */
export function draftPath(folders: MailboxFolders, uid: string, kind: MessageKind, sequence: number, audience = ''): string {
  return itemPath(folders.drafts, itemName(uid, `-${kind}-${sequence}${audience ? '-' + audience : ''}`));
}

/** What a resumed step looks for: the message's kind and SEQUENCE (or any higher one, for a full cancellation). */
export interface SentMessage {
  kind: MessageKind;
  sequence: number;
  orHigher?: boolean;
}

/** True when Sent Items already holds this UID's message of this kind and SEQUENCE. */
export async function wasSubmitted(t: Transport, folders: MailboxFolders, mailbox: string, uid: string, sent: SentMessage): Promise<boolean> {
  const { kind, sequence } = sent;
  if (!folders.sentItems) return false;
  const sql =
    `SELECT "urn:schemas:calendar:uid", "http://schemas.microsoft.com/exchange/outlookmessageclass", "urn:schemas:calendar:sequence" ` +
    `FROM SCOPE('SHALLOW TRAVERSAL OF "${scopePath(folders.sentItems)}"') ` +
    `WHERE "DAV:isfolder" = false AND "urn:schemas:calendar:uid" = ${sqlString(uid)}`;
  const rows = await search(t, folders.sentItems, sql, { mailbox });
  return rows.some(
    (row) =>
      propText(row, 'uid') === uid &&
      CLASS_BY_KIND[kind].test(propText(row, 'messageClass') ?? '') &&
      (sent.orHigher ? Number(propText(row, 'sequence') ?? '-1') >= sequence : Number(propText(row, 'sequence') ?? '-1') === sequence),
  );
}

/** Create the draft (never overwriting someone else's item) and MOVE it to the submission URI. */
export async function submitDraft(t: Transport, folders: MailboxFolders, mailbox: string, path: string, props: PropValues, uid: string): Promise<void> {
  try {
    await proppatch(t, path, props, { createOnly: true, mailbox });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // CASE: the draft exists: an earlier attempt wrote it but did not submit it. Reuse it only if it is ours.
    const { rows, facts } = await propfind(t, path, ['uid'], { mailbox });
    const existing = rows[0];
    if (!existing || propText(existing, 'uid') !== uid) {
      throw new ConflictError(`draft name taken by another item`, facts, { cause: error });
    }
  }
  await submitAndVerify(t, folders, mailbox, path);
}

/**
 * MOVE a draft to the submission URI and check the effect, not the status (one PROPFIND): a MOVE removes its source,
 * so a draft still in Drafts was not submitted, whatever the answer said (200 with a page, an empty 207). That is a
 * transient failure: the retry finds the draft and submits it, never a second copy.
 */
export async function submitAndVerify(t: Transport, folders: MailboxFolders, mailbox: string, draft: string): Promise<void> {
  await move(t, draft, folders.submission, { mailbox });
  let found: Awaited<ReturnType<typeof propfind>>;
  try {
    found = await propfind(t, draft, ['uid'], { mailbox });
  } catch (error) {
    if (error instanceof NotFoundError) return; // gone from Drafts: Exchange took it
    throw error;
  }
  if (!found.rows.length) return;
  throw new TransientError('the MOVE to the submission URI answered, but the draft is still in Drafts', found.facts);
}
