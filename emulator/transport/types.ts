// The transport's message types and the part of it that room processing and response tracking call back into:
// a type-only leaf, so rooms.ts and responses.ts (which the transport imports) do not import the transport.
import type { Logger } from 'pino';
import type { MailboxConfig, Org } from '../org.ts';
import type { PropMap } from '../store/props.ts';
import type { Folder, Mailbox, Store } from '../store/store.ts';

export interface OutboundMessage {
  id: string;
  at: string;
  from: string;
  to: string[];
  subject: string;
  messageClass: string;
  mime: string;
}

/** A message ready to deliver: its properties (as the recipient will see them) and MIME text. */
export interface Message {
  props: PropMap;
  mime: string;
  recipients: string[];
  sender: Mailbox;
}

export interface SubmitOptions {
  saveInSent: boolean;
  /** `Savedestination`: keep the copy in this folder instead of Sent Items. */
  saveTo?: Folder;
}

/** What rooms.ts and responses.ts use of the Transport: its environment, composing and sending replies. */
export interface MessageTransport {
  env(): { store: Store; org: Org; log: Logger };
  compose(source: PropMap, mime: string | undefined, sender: Mailbox): Message;
  send(message: Message, principal: MailboxConfig | undefined, opts: SubmitOptions): void;
}
