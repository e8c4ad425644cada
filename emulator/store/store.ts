// The mailbox store: per-mailbox folder trees holding items with their DAV properties. Every write gives the
// item a new etag and modification time. Ids are stable for the life of an item (they make its permanent URL).
// All mutations are synchronous, so a request's changes are atomic with respect to other requests.
import { randomBytes } from 'node:crypto';
import type { MailboxConfig, Org } from '../org.ts';
import { WELL_KNOWN_FOLDERS, NON_IPM_SUBTREE } from './folders.ts';
import { NS, type PropMap, type PropValue } from './props.ts';
import { CalendarJournal } from './journal.ts';
import { LockTable } from './locks.ts';
import type { Folder, Item, Mailbox } from './model.ts';

export type { AttendeeResponse, Folder, Item, Mailbox } from './model.ts';

export class Store {
  readonly mailboxes = new Map<string, Mailbox>();
  /** Lower-cased SMTP address → mailbox, so `mailbox(address)` is a lookup rather than a scan. */
  private readonly bySmtp = new Map<string, Mailbox>();
  readonly folderIndex = new Map<string, Folder>();
  readonly itemIndex = new Map<string, Item>();
  /** Past states of calendar items, for delayed free/busy. */
  readonly journal = new CalendarJournal();
  private revision = 0;
  private article = 0;
  /** Called after every mutation (persistence hooks in here). */
  onChange: () => void = () => {};

  /** WebDAV write locks (memory only). */
  readonly locks: LockTable;

  constructor(
    org: Org,
    readonly now: () => Date = () => new Date(),
  ) {
    this.locks = new LockTable(now);
    for (const config of org.mailboxes) this.addMailbox(config);
  }

  addMailbox(config: MailboxConfig): Mailbox {
    const mailbox = { config } as Mailbox;
    mailbox.root = this.newFolder(mailbox, undefined, '', undefined);
    for (const wk of WELL_KNOWN_FOLDERS) {
      const f = this.newFolder(mailbox, mailbox.root, wk.names[config.locale], wk.key);
      f.props.set(`${NS.ex}outlookfolderclass`, { type: 'string', value: wk.folderClass });
    }
    const hidden = this.newFolder(mailbox, mailbox.root, NON_IPM_SUBTREE, undefined);
    hidden.props.set(`${NS.dav}ishidden`, { type: 'boolean', value: '1' });
    this.mailboxes.set(config.alias.toLowerCase(), mailbox);
    // First mailbox added with an address keeps it, as the scan in insertion order this replaces found.
    const smtp = config.smtp.toLowerCase();
    if (!this.bySmtp.has(smtp)) this.bySmtp.set(smtp, mailbox);
    return mailbox;
  }

  mailbox(name: string): Mailbox | undefined {
    const key = name.toLowerCase();
    return this.mailboxes.get(key) ?? this.bySmtp.get(key);
  }

  wellKnownFolder(mailbox: Mailbox, key: string): Folder {
    for (const f of mailbox.root.children.values()) if (f.wellKnown === key) return f;
    throw new Error(`mailbox ${mailbox.config.alias} has no ${key} folder`);
  }

  childFolder(parent: Folder, name: string): Folder | undefined {
    return parent.children.get(name.toLowerCase());
  }

  item(folder: Folder, name: string): Item | undefined {
    return folder.items.get(name.toLowerCase());
  }

  /** Path segments of a folder below its mailbox root (decoded). */
  folderPath(folder: Folder): string[] {
    const out: string[] = [];
    for (let f: Folder | undefined = folder; f && f.parent; f = f.parent) out.unshift(f.name);
    return out;
  }

  createFolder(parent: Folder, name: string, folderClass = 'IPF.Note'): Folder {
    const f = this.newFolder(parent.mailbox, parent, name, undefined);
    f.props.set(`${NS.ex}outlookfolderclass`, { type: 'string', value: folderClass });
    this.touchFolder(parent);
    this.changed();
    return f;
  }

  /** Deletes a folder and everything below it. */
  deleteFolder(folder: Folder): void {
    if (!folder.parent) throw new Error('cannot delete a mailbox root');
    this.locks.forget({ kind: 'folder', folder });
    const walk = (f: Folder): void => {
      for (const c of f.children.values()) walk(c);
      for (const i of f.items.values()) this.itemIndex.delete(i.id);
      this.folderIndex.delete(f.id);
    };
    walk(folder);
    folder.parent.children.delete(folder.name.toLowerCase());
    this.touchFolder(folder.parent);
    this.changed();
  }

  /** Moves a folder under a new parent and/or name; ids (and permanent URLs) stay. */
  moveFolder(folder: Folder, parent: Folder, name: string): void {
    if (!folder.parent) throw new Error('cannot move a mailbox root');
    // RFC 4918 §7.7: a MOVE does not take the source's locks along.
    this.locks.forget({ kind: 'folder', folder });
    folder.parent.children.delete(folder.name.toLowerCase());
    this.touchFolder(folder.parent);
    folder.parent = parent;
    folder.name = name;
    parent.children.set(name.toLowerCase(), folder);
    const reown = (f: Folder): void => {
      f.mailbox = parent.mailbox;
      for (const c of f.children.values()) reown(c);
    };
    reown(folder);
    this.touchFolder(parent);
    this.changed();
  }

  createItem(folder: Folder, name: string, props: PropMap, mime?: string): Item {
    const now = this.now();
    const item: Item = {
      id: newId(),
      name,
      folder,
      props,
      mime,
      etag: this.nextEtag(),
      created: now,
      modified: now,
      article: ++this.article,
      responses: [],
      sentSequence: undefined,
    };
    folder.items.set(name.toLowerCase(), item);
    this.itemIndex.set(item.id, item);
    this.journal.record(item, now.getTime());
    logWrite(folder, item, true);
    this.touchFolder(folder);
    this.changed();
    return item;
  }

  /** Records a write to an item: new etag and modification time. */
  touchItem(item: Item): void {
    item.etag = this.nextEtag();
    item.modified = this.now();
    this.journal.record(item, item.modified.getTime());
    logWrite(item.folder, item, false);
    this.touchFolder(item.folder);
    this.changed();
  }

  deleteItem(item: Item): void {
    this.locks.forget({ kind: 'item', item });
    this.journal.record(item, this.now().getTime(), true);
    item.folder.items.delete(item.name.toLowerCase());
    this.itemIndex.delete(item.id);
    logWrite(item.folder, item, false);
    this.touchFolder(item.folder);
    this.changed();
  }

  moveItem(item: Item, dest: Folder, name: string): Item {
    this.locks.forget({ kind: 'item', item });
    if (dest !== item.folder) this.journal.record(item, this.now().getTime(), true);
    const from = item.folder;
    item.folder.items.delete(item.name.toLowerCase());
    item.folder = dest;
    item.name = name;
    dest.items.set(name.toLowerCase(), item);
    // Told after the move: the source's index then finds the item gone, the destination's finds it placed last.
    logWrite(from, item, false);
    this.touchFolder(from);
    logWrite(dest, item, true);
    this.touchItem(item);
    return item;
  }

  copyItem(item: Item, dest: Folder, name: string): Item {
    const props: PropMap = new Map();
    for (const [k, v] of item.props) props.set(k, cloneValue(v));
    const copy = this.createItem(dest, name, props, item.mime);
    copy.responses = item.responses.map((r) => ({ ...r }));
    return copy;
  }

  /** `base.EML`, then `base-2.EML`, `base-3.EML`, … until the name is free in the folder (§2). */
  uniqueName(folder: Folder, wanted: string): string {
    if (!this.item(folder, wanted) && !this.childFolder(folder, wanted)) return wanted;
    const dot = wanted.lastIndexOf('.');
    const stem = dot > 0 ? wanted.slice(0, dot) : wanted;
    const ext = dot > 0 ? wanted.slice(dot) : '';
    for (let n = 2; ; n++) {
      const candidate = `${stem}-${n}${ext}`;
      if (!this.item(folder, candidate) && !this.childFolder(folder, candidate)) return candidate;
    }
  }

  *walkItems(folder: Folder, deep: boolean): Generator<Item> {
    yield* folder.items.values();
    if (deep) for (const c of folder.children.values()) yield* this.walkItems(c, true);
  }

  *walkFolders(folder: Folder, deep: boolean): Generator<Folder> {
    for (const c of folder.children.values()) {
      yield c;
      if (deep) yield* this.walkFolders(c, true);
    }
  }

  // --- internals, shared with persist.ts ---

  newFolder(mailbox: Mailbox, parent: Folder | undefined, name: string, wellKnownKey: string | undefined, id = newId()): Folder {
    const now = this.now();
    const folder: Folder = {
      id,
      name,
      parent,
      mailbox,
      wellKnown: wellKnownKey,
      props: new Map(),
      children: new Map(),
      items: new Map(),
      created: now,
      modified: now,
      etag: this.nextEtag(),
    };
    parent?.children.set(name.toLowerCase(), folder);
    this.folderIndex.set(id, folder);
    return folder;
  }

  restoreCounters(revision: number, article: number): void {
    this.revision = Math.max(this.revision, revision);
    this.article = Math.max(this.article, article);
  }

  counters(): { revision: number; article: number } {
    return { revision: this.revision, article: this.article };
  }

  touchFolder(folder: Folder): void {
    folder.modified = this.now();
    folder.etag = this.nextEtag();
  }

  changed(): void {
    this.onChange();
  }

  private nextEtag(): string {
    this.revision += 1;
    return `"${randomBytes(8).toString('hex')}-${this.revision.toString(16)}"`;
  }
}

/** Tells the folder's index (if it has one) of an item write, after the write. */
function logWrite(folder: Folder, item: Item, placed: boolean): void {
  folder.onItemWrite?.(item, placed);
}

export function newId(): string {
  return `${randomBytes(16).toString('hex')}-${randomBytes(2).toString('hex')}`;
}

function cloneValue(v: PropValue): PropValue {
  return { type: v.type, value: Array.isArray(v.value) ? [...v.value] : v.value };
}
