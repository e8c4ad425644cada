// WebDAV write locks (SDK "LOCK Method": exclusive and shared write locks, lock tokens, timeouts; RFC 2518/4918
// semantics). Locks live in memory only, like IIS's lock cache: a restart or a control-API reset drops them.
// Expired locks vanish lazily, measured on the store's clock (tests pass a fake one).
import { randomUUID } from 'node:crypto';
import type { XNode } from '../http/xml-node.ts';
import type { Folder, Item } from './model.ts';
import { NS } from './props.ts';

const dav = (local: string, children?: XNode[], text?: string): XNode => ({ ns: NS.dav, local, children, text });

export type LockScope = 'exclusive' | 'shared';

/** What a lock is on: a folder or an item (by identity, so a rename does not carry another's lock). */
export type Lockable = { kind: 'folder'; folder: Folder } | { kind: 'item'; item: Item };

export interface Lock {
  token: string;
  scope: LockScope;
  depth: '0' | 'infinity';
  /** The lockinfo's `<owner>` element, answered back as given. */
  owner: XNode | undefined;
  /** Alias of the account that took it: only it may use the token. */
  principal: string;
  timeoutSeconds: number;
  expires: number;
  /** The URL the LOCK was addressed to (`lockroot`). */
  root: string;
  on: Lockable;
}

/** IIS 6's default lock lifetime when the client asks for none, and the longest the emulator grants. */
export const DEFAULT_LOCK_SECONDS = 180;
export const MAX_LOCK_SECONDS = 7 * 24 * 3600;

function keyOf(r: Lockable): string {
  return r.kind === 'folder' ? `f:${r.folder.id}` : `i:${r.item.id}`;
}

function parentOf(r: Lockable): Folder | undefined {
  return r.kind === 'folder' ? r.folder.parent : r.item.folder;
}

function isDescendant(r: Lockable, folder: Folder): boolean {
  for (let f = parentOf(r); f; f = f.parent) if (f === folder) return true;
  return false;
}

export class LockTable {
  private readonly locks = new Map<string, Lock>();

  constructor(private readonly now: () => Date) {}

  private live(): Lock[] {
    const t = this.now().getTime();
    for (const [token, lock] of this.locks) if (lock.expires <= t) this.locks.delete(token);
    return [...this.locks.values()];
  }

  get(token: string): Lock | undefined {
    return this.live().find((l) => l.token === token);
  }

  /** Locks that apply to `r`: its own, and depth-infinity locks of the folders above it. */
  covering(r: Lockable): Lock[] {
    const key = keyOf(r);
    return this.live().filter((l) => keyOf(l.on) === key || (l.depth === 'infinity' && l.on.kind === 'folder' && isDescendant(r, l.on.folder)));
  }

  /** Locks on resources inside `folder` (a depth-infinity lock or a DELETE of it must respect them). */
  inside(folder: Folder): Lock[] {
    return this.live().filter((l) => isDescendant(l.on, folder));
  }

  create(on: Lockable, scope: LockScope, depth: '0' | 'infinity', owner: XNode | undefined, principal: string, timeoutSeconds: number, root: string): Lock {
    const lock: Lock = {
      token: `opaquelocktoken:${randomUUID()}`,
      scope,
      depth,
      owner,
      principal,
      timeoutSeconds,
      expires: this.now().getTime() + timeoutSeconds * 1000,
      root,
      on,
    };
    this.locks.set(lock.token, lock);
    return lock;
  }

  refresh(lock: Lock, timeoutSeconds: number): void {
    lock.timeoutSeconds = timeoutSeconds;
    lock.expires = this.now().getTime() + timeoutSeconds * 1000;
  }

  remove(token: string): boolean {
    return this.locks.delete(token);
  }

  /** Drops the locks on a resource that is gone (DELETE, MOVE source) and on everything inside it. */
  forget(r: Lockable): void {
    const key = keyOf(r);
    for (const l of this.live()) {
      if (keyOf(l.on) === key || (r.kind === 'folder' && isDescendant(l.on, r.folder))) this.locks.delete(l.token);
    }
  }

  secondsLeft(lock: Lock): number {
    return Math.max(0, Math.ceil((lock.expires - this.now().getTime()) / 1000));
  }
}

/** `<a:activelock>` of one lock (lockdiscovery in PROPFIND and in the LOCK answer). */
export function activeLockNode(locks: LockTable, lock: Lock): XNode {
  const kids: XNode[] = [dav('locktype', [dav('write')]), dav('lockscope', [dav(lock.scope)]), dav('depth', undefined, lock.depth === '0' ? '0' : 'infinity')];
  if (lock.owner) kids.push(lock.owner);
  kids.push(dav('timeout', undefined, `Second-${locks.secondsLeft(lock)}`));
  kids.push(dav('locktoken', [dav('href', undefined, lock.token)]));
  kids.push(dav('lockroot', [dav('href', undefined, lock.root)]));
  return dav('activelock', kids);
}

/** `DAV:supportedlock`: exclusive and shared write locks. */
export function supportedLockNodes(): XNode[] {
  const entry = (scope: LockScope): XNode => dav('lockentry', [dav('lockscope', [dav(scope)]), dav('locktype', [dav('write')])]);
  return [entry('exclusive'), entry('shared')];
}

/** Reads a `Timeout:` header (`Second-n`, `Infinite`, a list: the first usable one) into granted seconds. */
export function grantedTimeout(header: string | undefined): number {
  if (!header) return DEFAULT_LOCK_SECONDS;
  for (const part of header.split(',')) {
    const v = part.trim();
    if (/^infinite$/i.test(v)) return MAX_LOCK_SECONDS;
    const m = /^second-(\d+)$/i.exec(v);
    if (m) return Math.max(1, Math.min(MAX_LOCK_SECONDS, Number(m[1])));
  }
  return DEFAULT_LOCK_SECONDS;
}
