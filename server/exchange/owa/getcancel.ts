// OWA Cmd=getcancel (§9; DSZ): OWA drafts the cancellation of a meeting the mailbox organized and points at
// it. The draft, not the meeting, is what gets submitted: a reader of DSZ got the appointment's own URL back
// (the item was not a meeting he organized) and sent the appointment instead. We refuse that.
import type { MailboxFolders } from '../gateway.ts';
import type { Transport } from '../transport.ts';
import { RejectedError } from '../errors.ts';
import { readOwaAnswer } from './owa-answer.ts';

/** Paths compare decoded and case-insensitively: `Entw%C3%BCrfe` and `Entwürfe` are the same folder. */
function normalize(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // keep it as sent
  }
  return decoded.replace(/\/+$/, '').toLowerCase();
}

/** Why a getcancel answer cannot be the drafted cancellation, or null when it can. */
export function draftProblem(draft: string | null, itemPath: string, draftsFolder: string): string | null {
  if (!draft) return 'owa-no-draft';
  if (normalize(draft) === normalize(itemPath)) return 'owa-returned-meeting';
  if (draftsFolder && !normalize(draft).startsWith(normalize(draftsFolder) + '/')) return 'owa-draft-outside-drafts';
  return null;
}

const DETAIL: Record<string, string> = {
  'owa-no-draft': 'getcancel did not point at a drafted cancellation',
  'owa-returned-meeting': 'getcancel pointed back at the meeting itself, not a cancellation',
  'owa-draft-outside-drafts': 'getcancel pointed outside the Drafts folder',
};

/** Ask OWA to draft the cancellation; returns the draft's path after checking it is a new item in Drafts. */
export async function draftCancellation(t: Transport, folders: MailboxFolders, itemPath: string, mailbox: string, language: string): Promise<string> {
  const res = await t.send({ method: 'GET', path: `${itemPath}?Cmd=getcancel`, mailbox, headers: { 'accept-language': language } });
  const { itemPath: draft } = readOwaAnswer(res);
  const problem = draftProblem(draft, itemPath, folders.drafts);
  if (problem || !draft) throw new RejectedError(problem ?? 'owa-no-draft', res.facts, DETAIL[problem ?? 'owa-no-draft']);
  return draft;
}
