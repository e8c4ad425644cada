// Well-known folder discovery (§5): one PROPFIND on the mailbox root; names are localized ("Kalender",
// "Entwürfe"), so nothing is ever assumed. Cached per mailbox; failed lookups are not cached.
import type { MailboxFolders } from './gateway.ts';
import type { Transport } from './transport.ts';
import { RejectedError, type RequestFacts } from './errors.ts';
import { propfind } from './dav/propfind.ts';
import { hrefToPath, propText, type MultistatusRow } from './dav/multistatus.ts';
import { defaultSubmissionPath, mailboxRoot } from './paths.ts';
import type { PropName } from './properties.ts';

const FOLDER_PROPS = {
  calendar: 'folderCalendar',
  inbox: 'folderInbox',
  drafts: 'folderDrafts',
  sentItems: 'folderSentItems',
  deletedItems: 'folderDeletedItems',
  outbox: 'folderOutbox',
  submission: 'folderSubmission',
} as const satisfies Record<Exclude<keyof MailboxFolders, 'root'>, PropName>;

// Folders the gateway cannot work without; the others fall back or stay empty.
const REQUIRED: readonly (keyof typeof FOLDER_PROPS)[] = ['calendar', 'drafts'];

/** Map the root's multistatus row to folder paths; missing required folders are a RejectedError. */
export function foldersFromRow(alias: string, row: MultistatusRow | undefined, facts: RequestFacts): MailboxFolders {
  if (!row) throw new RejectedError('empty-multistatus', facts, 'mailbox root PROPFIND returned no response');
  const folders: MailboxFolders = {
    root: mailboxRoot(alias),
    calendar: '',
    inbox: '',
    drafts: '',
    sentItems: '',
    deletedItems: '',
    outbox: '',
    submission: '',
  };
  for (const [key, prop] of Object.entries(FOLDER_PROPS) as [keyof typeof FOLDER_PROPS, PropName][]) {
    const href = propText(row, prop)?.trim();
    if (href) folders[key] = hrefToPath(href);
    else if (REQUIRED.includes(key)) throw new RejectedError(`missing-property:${key}`, facts, `the mailbox root of ${alias} does not name its ${key} folder`);
  }
  if (!folders.submission) folders.submission = defaultSubmissionPath(alias);
  return folders;
}

export interface FolderDirectory {
  get(alias: string): Promise<MailboxFolders>;
  forget(alias: string): void;
}

export function createFolderDirectory(t: Transport): FolderDirectory {
  const cache = new Map<string, Promise<MailboxFolders>>();
  return {
    get(alias) {
      const key = alias.toLowerCase();
      let entry = cache.get(key);
      if (!entry) {
        entry = (async () => {
          const root = mailboxRoot(alias);
          const { rows, facts } = await propfind(t, root, Object.values(FOLDER_PROPS), { mailbox: alias });
          return foldersFromRow(alias, rows[0], facts);
        })();
        cache.set(key, entry);
        entry.catch(() => cache.delete(key));
      }
      return entry;
    },
    forget(alias) {
      cache.delete(alias.toLowerCase());
    },
  };
}
