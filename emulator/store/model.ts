// The store's data model (mailboxes, folders, items): a type-only leaf, so the journal and the lock table can name
// them without importing the store that owns them.
import type { MailboxConfig } from '../org.ts';
import type { PropMap } from './props.ts';

/** Response of one attendee as the organizer's item records it (part 2: room auto-accept). */
export interface AttendeeResponse {
  address: string;
  /** ACCEPTED, DECLINED, TENTATIVE or NEEDS-ACTION. */
  partstat: string;
  at: string;
}

export interface Item {
  id: string;
  /** Decoded file name, e.g. `Budget review.EML`. */
  name: string;
  folder: Folder;
  props: PropMap;
  /** Raw MIME as PUT by the client; dropped when a PROPPATCH changes the item (then rebuilt from properties). */
  mime: string | undefined;
  etag: string;
  created: Date;
  modified: Date;
  /** PR_INTERNET_ARTICLE_NUMBER: increases with every item created in the store. */
  article: number;
  responses: AttendeeResponse[];
  /** The cal:sequence last sent to attendees by Cmd=sendappt (so an unchanged sequence gets raised). */
  sentSequence: number | undefined;
}

export interface Folder {
  id: string;
  /** Decoded display name ('' for the mailbox root). */
  name: string;
  parent: Folder | undefined;
  mailbox: Mailbox;
  /** The urn:schemas:httpmail: key if this is a well-known folder. */
  wellKnown: string | undefined;
  props: PropMap;
  children: Map<string, Folder>;
  items: Map<string, Item>;
  created: Date;
  modified: Date;
  etag: string;
  /**
   * Told of every item write in this folder once it is done (created, changed, moved in or out, deleted; `placed`
   * when the item took a new place in the folder's order): the folder's time index (calendar-index.ts) follows it.
   */
  onItemWrite?: (item: Item, placed: boolean) => void;
}

export interface Mailbox {
  config: MailboxConfig;
  root: Folder;
}
