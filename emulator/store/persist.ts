// Optional persistence: the whole store as one JSON file, written atomically (temp file + rename) shortly
// after changes and on close.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Org } from '../org.ts';
import type { PropValue } from './props.ts';
import { Store, type AttendeeResponse, type Folder, type Item, type Mailbox } from './store.ts';

interface ItemJson {
  id: string;
  name: string;
  props: [string, PropValue][];
  mime?: string;
  etag: string;
  created: string;
  modified: string;
  article: number;
  responses: AttendeeResponse[];
  sentSequence?: number;
}

interface FolderJson {
  id: string;
  name: string;
  wellKnown?: string;
  props: [string, PropValue][];
  created: string;
  modified: string;
  etag: string;
  items: ItemJson[];
  children: FolderJson[];
}

interface StoreJson {
  version: 1;
  counters: { revision: number; article: number };
  mailboxes: { alias: string; root: FolderJson }[];
}

function folderJson(f: Folder): FolderJson {
  return {
    id: f.id,
    name: f.name,
    wellKnown: f.wellKnown,
    props: [...f.props],
    created: f.created.toISOString(),
    modified: f.modified.toISOString(),
    etag: f.etag,
    items: [...f.items.values()].map((i) => ({
      id: i.id,
      name: i.name,
      props: [...i.props],
      mime: i.mime,
      etag: i.etag,
      created: i.created.toISOString(),
      modified: i.modified.toISOString(),
      article: i.article,
      responses: i.responses,
      sentSequence: i.sentSequence,
    })),
    children: [...f.children.values()].map(folderJson),
  };
}

export function snapshot(store: Store): StoreJson {
  return {
    version: 1,
    counters: store.counters(),
    mailboxes: [...store.mailboxes.values()].map((m) => ({ alias: m.config.alias, root: folderJson(m.root) })),
  };
}

function rebuild(store: Store, mailbox: Mailbox, parent: Folder | undefined, json: FolderJson): Folder {
  const f = store.newFolder(mailbox, parent, json.name, json.wellKnown, json.id);
  f.props = new Map(json.props);
  f.created = new Date(json.created);
  f.modified = new Date(json.modified);
  f.etag = json.etag;
  for (const ij of json.items) {
    const item: Item = {
      id: ij.id,
      name: ij.name,
      folder: f,
      props: new Map(ij.props),
      mime: ij.mime,
      etag: ij.etag,
      created: new Date(ij.created),
      modified: new Date(ij.modified),
      article: ij.article,
      responses: ij.responses ?? [],
      sentSequence: ij.sentSequence,
    };
    f.items.set(item.name.toLowerCase(), item);
    store.itemIndex.set(item.id, item);
  }
  for (const c of json.children) rebuild(store, mailbox, f, c);
  return f;
}

/** A store for `org`, with the saved contents of every mailbox that still exists in it. */
export function restore(org: Org, json: StoreJson, now?: () => Date): Store {
  const store = new Store(org, now);
  for (const saved of json.mailboxes) {
    const mailbox = store.mailbox(saved.alias);
    if (!mailbox) continue;
    const drop = (f: Folder): void => {
      store.folderIndex.delete(f.id);
      for (const c of f.children.values()) drop(c);
    };
    drop(mailbox.root);
    mailbox.root = rebuild(store, mailbox, undefined, saved.root);
  }
  store.restoreCounters(json.counters.revision, json.counters.article);
  return store;
}

/** The saved store, or an empty one when there is no file; an unreadable file is set aside, not fatal. */
export function loadStore(org: Org, path: string, log: Logger, now?: () => Date): Store {
  if (!existsSync(path)) return new Store(org, now);
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as StoreJson;
    if (json.version !== 1 || !Array.isArray(json.mailboxes)) throw new Error('unknown store format');
    return restore(org, json, now);
  } catch (err) {
    const aside = `${path}.unreadable-${Date.now()}`;
    renameSync(path, aside);
    log.error({ err, event: 'store.load_failed', path, movedTo: aside }, 'could not read the saved store; starting empty');
    return new Store(org, now);
  }
}

export class Persistence {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly getStore: () => Store,
    private readonly log: Logger,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, 200);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify(snapshot(this.getStore())));
      renameSync(tmp, this.path);
    } catch (err) {
      this.log.error({ err, event: 'store.persist_failed', path: this.path }, 'could not save the store');
    }
  }
}
