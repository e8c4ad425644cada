// Mail transport: a message submitted through the submission URI is delivered to every recipient mailbox in
// the organisation (Inbox, subject-named .EML), copied to the sender's Sent Items unless Saveinsent: f, and
// recorded in the outbound queue for recipients outside it. Meeting messages then reach room auto-accept
// and, for responses, the organizer's calendar item (§7, §10, §18).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { MailboxConfig, Org } from '../org.ts';
import { findMailbox } from '../org.ts';
import { NS, formatExchangeDate, str, type PropMap } from '../store/props.ts';
import type { Item, Mailbox, Store } from '../store/store.ts';
import { buildMessageMime, methodFor } from '../mime/build.ts';
import { deriveFromMime, MESSAGE_CLASS } from '../mime/derive.ts';
import { parseAddressList } from '../mime/parse.ts';
import { processForRoom } from './rooms.ts';
import { deliveryName } from './names.ts';
import type { Message, MessageTransport, OutboundMessage, SubmitOptions } from './types.ts';
import { recordResponse } from './responses.ts';
import { itemsWithUid } from '../store/calendar-index.ts';

export type { Message, OutboundMessage, SubmitOptions } from './types.ts';

const MAX_OUTBOUND = 10_000;

const s = (value: string) => ({ type: 'string', value });
const i = (value: number) => ({ type: 'int', value: String(value) });

export function isMeetingClass(cls: string | undefined): boolean {
  return !!cls && cls.startsWith('IPM.Schedule.Meeting');
}

/** Drops the Bcc header (and its folded lines) from a message's top-level header block. */
export function withoutBccHeader(mime: string): string {
  const split = /\r?\n\r?\n/.exec(mime);
  const head = split ? mime.slice(0, split.index) : mime;
  const rest = split ? mime.slice(split.index) : '';
  return head.replace(/^Bcc:.*(?:\r?\n[ \t].*)*(?:\r?\n)?/gim, '') + rest;
}

export class Transport implements MessageTransport {
  readonly outbound: OutboundMessage[] = [];

  constructor(private readonly ctx: () => { store: Store; org: Org; log: Logger }) {}

  private get store(): Store {
    return this.ctx().store;
  }

  /** MOVE/COPY of an item to the submission URI. */
  submitItem(item: Item, sender: Mailbox, principal: MailboxConfig, opts: SubmitOptions & { consume: boolean }): void {
    const props: PropMap = new Map(item.props);
    // CASE: an appointment moved to the submission URI is sent as the meeting request for it.
    if (str(props.get(`${NS.dav}contentclass`)) === 'urn:content-classes:appointment') {
      props.set(`${NS.dav}contentclass`, s('urn:content-classes:calendarmessage'));
      props.set(`${NS.ex}outlookmessageclass`, s(MESSAGE_CLASS.request));
    }
    this.send(this.compose(props, item.mime, sender), principal, opts);
    if (opts.consume) this.store.deleteItem(item);
  }

  /** PUT/POST of MIME straight to the submission URI. */
  submitMime(sender: Mailbox, raw: string, principal: MailboxConfig, opts: SubmitOptions): void {
    const { props } = deriveFromMime(raw, 'IPF.Note', sender.config.timeZone);
    this.send(this.compose(props, raw, sender), principal, opts);
  }

  /** Builds the outgoing message: From, dtstamp, and the MIME (kept when the client wrote its own). */
  compose(source: PropMap, mime: string | undefined, sender: Mailbox): Message {
    const props: PropMap = new Map(source);
    const now = this.store.now();
    props.set(`${NS.mail}from`, s(`"${sender.config.displayName}" <${sender.config.smtp}>`));
    props.set(`${NS.mail}date`, { type: 'dateTime.tz', value: formatExchangeDate(now) });
    const cls = str(props.get(`${NS.ex}outlookmessageclass`));
    if (isMeetingClass(cls)) {
      props.set(`${NS.cal}dtstamp`, { type: 'dateTime.tz', value: formatExchangeDate(now) });
      if (!props.has(`${NS.cal}organizer`) && !cls!.includes('.Resp.')) props.set(`${NS.cal}organizer`, s(sender.config.smtp));
      props.set(`${NS.cal}method`, s(methodFor(props)));
    }
    const text =
      (mime !== undefined ? withoutBccHeader(mime) : undefined) ??
      buildMessageMime(props, { id: randomUUID(), created: now, responses: [], timeZone: sender.config.timeZone });
    const recipients = new Set<string>();
    for (const h of ['to', 'cc', 'bcc']) for (const a of parseAddressList(str(props.get(`${NS.hdr}${h}`)))) recipients.add(a);
    recipients.delete(sender.config.smtp.toLowerCase());
    // Bcc never travels with the message.
    props.delete(`${NS.hdr}bcc`);
    return { props, mime: text, recipients: [...recipients], sender };
  }

  /** Delivers to each recipient, records external ones, and files the Sent Items copy. */
  send(message: Message, principal: MailboxConfig | undefined, opts: SubmitOptions): void {
    const { store, org, log } = this.ctx();
    const subject = str(message.props.get(`${NS.mail}subject`)) ?? '';
    const cls = str(message.props.get(`${NS.ex}outlookmessageclass`)) ?? 'IPM.Note';
    const external: string[] = [];
    log.info(
      { event: 'transport.submitted', from: message.sender.config.alias, by: principal?.alias, recipients: message.recipients.length, messageClass: cls },
      'message submitted',
    );
    for (const address of message.recipients) {
      const account = findMailbox(org, address);
      const mailbox = account ? store.mailbox(account.alias) : undefined;
      if (mailbox) this.deliver(mailbox, message);
      else external.push(address);
    }
    if (external.length) {
      this.outbound.push({
        id: randomUUID(),
        at: store.now().toISOString(),
        from: message.sender.config.smtp,
        to: external,
        subject,
        messageClass: cls,
        mime: message.mime,
      });
      // A long-running embedded emulator keeps the newest messages only.
      if (this.outbound.length > MAX_OUTBOUND) this.outbound.splice(0, this.outbound.length - MAX_OUTBOUND);
      log.info({ event: 'transport.queued_outbound', count: external.length }, 'external recipients queued');
    }
    if (cls === MESSAGE_CLASS.request) this.rememberSentSequence(message);
    if (opts.saveInSent) {
      const sent = opts.saveTo ?? store.wellKnownFolder(message.sender, 'sentitems');
      const props: PropMap = new Map(message.props);
      props.set(`${NS.mail}read`, { type: 'boolean', value: '1' });
      store.createItem(sent, store.uniqueName(sent, deliveryName(subject)), props, message.mime);
    }
  }

  /** Files the message in a mailbox's Inbox and runs the server-side processing for meeting messages. */
  deliver(mailbox: Mailbox, message: Message): Item {
    const { store, log } = this.ctx();
    const inbox = store.wellKnownFolder(mailbox, 'inbox');
    const props: PropMap = new Map(message.props);
    const cls = str(props.get(`${NS.ex}outlookmessageclass`)) ?? 'IPM.Note';
    props.set(`${NS.mail}read`, { type: 'boolean', value: '0' });
    props.set(`${NS.mail}datereceived`, { type: 'dateTime.tz', value: formatExchangeDate(store.now()) });
    if (cls === MESSAGE_CLASS.request) {
      // What a received request looks like in MAPI terms (OXOCAL 3.1.4.7.1): tentative until answered.
      props.set(`${NS.mapi}responsestatus`, i(5));
      props.set(`${NS.mapi}apptstateflags`, i(3));
      props.set(`${NS.mapi}busystatus`, i(1));
      props.set(`${NS.mapi}intendedbusystatus`, i(2));
    } else if (cls === MESSAGE_CLASS.canceled) {
      props.set(`${NS.mapi}responsestatus`, i(5));
      props.set(`${NS.mapi}apptstateflags`, i(7));
      props.set(`${NS.mapi}busystatus`, i(0));
    }
    const subject = str(props.get(`${NS.mail}subject`)) ?? '';
    const item = store.createItem(inbox, store.uniqueName(inbox, deliveryName(subject)), props, message.mime);
    log.info({ event: 'transport.delivered', to: mailbox.config.alias, messageClass: cls }, 'message delivered');
    if (cls.startsWith('IPM.Schedule.Meeting.Resp')) recordResponse(this, mailbox, item);
    else if (isMeetingClass(cls) && mailbox.config.kind === 'room' && mailbox.config.autoAccept) processForRoom(this, mailbox, item);
    return item;
  }

  /** Notes on the organizer's calendar item which SEQUENCE went out, so Cmd=sendappt can raise it next time. */
  private rememberSentSequence(message: Message): void {
    const uid = str(message.props.get(`${NS.cal}uid`))?.toLowerCase();
    if (!uid) return;
    const seq = Number(str(message.props.get(`${NS.cal}sequence`)) ?? '0') || 0;
    const calendar = this.store.wellKnownFolder(message.sender, 'calendar');
    for (const item of itemsWithUid(calendar, uid)) item.sentSequence = Math.max(item.sentSequence ?? seq, seq);
  }

  /** The store, organisation and logger of the running emulator (they change on reset). */
  env(): { store: Store; org: Org; log: Logger } {
    return this.ctx();
  }
}
