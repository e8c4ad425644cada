// OWA Cmd=getcancel (§9; DSZ): OWA drafts the cancellation of a meeting the mailbox organized and points at
// it. The draft, not the meeting, is what gets submitted: a reader of DSZ got the appointment's own URL back
// (the item was not a meeting he organized) and sent the appointment instead. We refuse that.
import type { MailboxFolders } from '../gateway.ts';
import type { Transport } from '../transport.ts';
import { RejectedError } from '../errors.ts';
import { readOwaAnswer } from './owa-answer.ts';

function sameFolder(path: string, folder: string): boolean {
  const f = folder.replace(/\/+$/, '').toLowerCase() + '/';
  return path.toLowerCase().startsWith(f);
}

/** Ask OWA to draft the cancellation; returns the draft's path after checking it is a new item in Drafts. */
export async function draftCancellation(t: Transport, folders: MailboxFolders, itemPath: string, mailbox: string): Promise<string> {
  const res = await t.send({ method: 'GET', path: `${itemPath}?Cmd=getcancel`, mailbox, headers: { 'accept-language': 'en-us' } });
  const { itemPath: draft } = readOwaAnswer(res);
  if (!draft) throw new RejectedError('owa-no-draft', res.facts, 'getcancel did not point at a drafted cancellation');
  if (draft.toLowerCase() === itemPath.toLowerCase()) {
    throw new RejectedError('owa-returned-meeting', res.facts, 'getcancel pointed back at the meeting itself, not a cancellation');
  }
  if (folders.drafts && !sameFolder(draft, folders.drafts)) {
    throw new RejectedError('owa-draft-outside-drafts', res.facts, 'getcancel pointed outside the Drafts folder');
  }
  return draft;
}
