// The shape every mailbox handler takes: a type-only leaf, so the DAV and OWA handlers do not import the router
// that imports them.
import type { Mailbox } from '../store/store.ts';
import type { Target } from '../dav/target.ts';

/** A request addressed to a path inside one mailbox. */
export interface MailboxRequest {
  mailbox: Mailbox;
  target: Target;
  segments: string[];
}
