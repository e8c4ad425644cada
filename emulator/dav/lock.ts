// LOCK / UNLOCK (SDK "LOCK Method", "UNLOCK Method"; RFC 4918 §9.10, §9.11) and the lock check every write
// goes through: exclusive and shared write locks, Depth 0 or infinity, `Timeout: Second-n|Infinite`
// (default 180 s), refresh by a bodiless LOCK with the token in `If`, `Lock-Token` on UNLOCK. A write to a
// locked resource without its token is 423 Locked; an `If` header that does not hold is 412.
import { NS } from '../store/props.ts';
import { activeLockNode, grantedTimeout, type Lock, type Lockable, type LockScope } from '../store/locks.ts';
import type { Folder } from '../store/store.ts';
import { resourceHref } from '../store/view.ts';
import { HttpError, header, type RequestContext } from '../http/context.ts';
import { sendEmpty, sendXml } from '../http/respond.ts';
import type { MailboxRequest } from '../http/mailbox-request.ts';
import { childOf, type XmlElement } from '../http/xml-read.ts';
import { writeXml, type XNode } from '../http/xml-write.ts';
import { parseBody } from './body.ts';
import { evaluateIf, parseIfHeader, submittedTokens, type IfState } from './if-header.ts';
import { resolveUrl, type Target } from './target.ts';

const dav = (local: string, children?: XNode[], text?: string): XNode => ({ ns: NS.dav, local, children, text });

function toNode(el: XmlElement): XNode {
  return { ns: el.ns, local: el.local, text: el.children.length ? undefined : el.text, children: el.children.map(toNode) };
}

function lockable(t: Target): Lockable | undefined {
  if (t.kind === 'folder') return { kind: 'folder', folder: t.folder };
  if (t.kind === 'item') return { kind: 'item', item: t.item };
  return undefined;
}

function principalOf(ctx: RequestContext): string {
  return ctx.principal!.alias.toLowerCase();
}

function ifLists(ctx: RequestContext) {
  const v = header(ctx, 'if');
  return v === undefined ? undefined : parseIfHeader(v);
}

/** The etag and lock tokens of the resource a (tagged or untagged) If list is about. */
function ifState(ctx: RequestContext, m: MailboxRequest, resource: string | undefined): IfState {
  let t: Target = m.target;
  if (resource !== undefined) {
    try {
      t = resolveUrl(ctx, resource).target;
    } catch {
      return { etag: undefined, tokens: new Set() };
    }
  }
  const r = lockable(t);
  if (!r) {
    // An unmapped URL is protected by the locks of the collection it would join (RFC 4918 §7.3, §7.4).
    const parent = t.kind === 'missing' ? t.parent : undefined;
    return { etag: undefined, tokens: new Set(parent ? ctx.state.store.locks.covering({ kind: 'folder', folder: parent }).map((l) => l.token) : []) };
  }
  const etag = r.kind === 'folder' ? r.folder.etag : r.item.etag;
  return { etag, tokens: new Set(ctx.state.store.locks.covering(r).map((l) => l.token)) };
}

interface WriteScope {
  /** Resources changed or removed (their own and inherited locks apply). */
  changed: Lockable[];
  /** Resources removed or moved away: locks inside them apply too. */
  removed: Folder[];
  /** Collections that gain or lose a member (their locks apply, whatever their depth). */
  members: Folder[];
}

function parentFolder(r: Lockable): Folder | undefined {
  return r.kind === 'folder' ? r.folder.parent : r.item.folder;
}

function destinationOf(ctx: RequestContext): Target | undefined {
  const d = header(ctx, 'destination');
  if (!d) return undefined;
  try {
    return resolveUrl(ctx, d).target;
  } catch {
    return undefined; // the method handler answers the same error
  }
}

function writeScope(ctx: RequestContext, m: MailboxRequest, method: string): WriteScope {
  const scope: WriteScope = { changed: [], removed: [], members: [] };
  const self = lockable(m.target);
  const t = m.target;
  const addTarget = (target: Target, replaces: boolean): void => {
    const r = lockable(target);
    if (r) {
      scope.changed.push(r);
      if (replaces && r.kind === 'folder') scope.removed.push(r.folder);
    } else if (target.kind === 'missing' && target.parent) {
      scope.members.push(target.parent);
    }
  };
  switch (method) {
    case 'PUT':
    case 'PROPPATCH':
    case 'MKCOL':
    case 'LOCK':
      addTarget(t, false);
      break;
    case 'DELETE':
      if (self) {
        scope.changed.push(self);
        if (self.kind === 'folder') scope.removed.push(self.folder);
        const p = parentFolder(self);
        if (p) scope.members.push(p);
      }
      break;
    case 'MOVE':
    case 'COPY': {
      if (method === 'MOVE' && self) {
        scope.changed.push(self);
        if (self.kind === 'folder') scope.removed.push(self.folder);
        const p = parentFolder(self);
        if (p) scope.members.push(p);
      }
      const dest = destinationOf(ctx);
      if (dest) {
        addTarget(dest, true);
        const r = lockable(dest);
        const p = r ? parentFolder(r) : undefined;
        if (p) scope.members.push(p);
      }
      break;
    }
  }
  return scope;
}

/**
 * Checks a write against the locks and the `If` header: 423 when a lock on what it touches was not submitted
 * (as a token in `If`, by the account that took it), then 412 when the `If` header does not hold.
 */
export function enforceLocks(ctx: RequestContext, m: MailboxRequest, method: string): void {
  const lists = ifLists(ctx);
  const submitted = lists ? submittedTokens(lists) : new Set<string>();
  const { locks } = ctx.state.store;
  // A LOCK checks conflicts itself (a shared lock may join shared locks); a refresh needs its token.
  if (method !== 'LOCK') {
    const scope = writeScope(ctx, m, method);
    const needed = new Map<string, Lock>();
    for (const r of scope.changed) for (const l of locks.covering(r)) needed.set(l.token, l);
    for (const f of scope.removed) for (const l of locks.inside(f)) needed.set(l.token, l);
    for (const f of scope.members) for (const l of locks.covering({ kind: 'folder', folder: f })) needed.set(l.token, l);
    for (const l of needed.values()) {
      if (!submitted.has(l.token) || l.principal !== principalOf(ctx)) {
        ctx.log.info({ event: 'dav.locked', method }, 'write refused: resource locked');
        throw new HttpError(423, 'Locked');
      }
    }
  }
  if (lists && !evaluateIf(lists, (resource) => ifState(ctx, m, resource))) throw new HttpError(412, 'Precondition Failed');
}

function lockAnswer(ctx: RequestContext, status: number, lock: Lock, newToken: boolean): void {
  const xml = writeXml(dav('prop', [dav('lockdiscovery', [activeLockNode(ctx.state.store.locks, lock)])]));
  sendXml(ctx.res, status, xml, newToken ? { 'Lock-Token': `<${lock.token}>` } : {});
}

export function handleLock(ctx: RequestContext, m: MailboxRequest): void {
  const { store } = ctx.state;
  const { locks } = store;
  let t = m.target;
  if (t.kind === 'submission') throw new HttpError(403, 'Forbidden');
  const timeout = grantedTimeout(header(ctx, 'timeout'));

  if (ctx.body.toString('utf8').trim() === '') {
    // Refresh: the If header names the lock (RFC 4918 §9.10.2).
    const r = lockable(t);
    const lists = ifLists(ctx);
    if (!r || !lists) throw new HttpError(r ? 400 : 404, r ? 'Bad Request' : 'Not Found');
    const tokens = submittedTokens(lists);
    const lock = locks.covering(r).find((l) => tokens.has(l.token) && l.principal === principalOf(ctx));
    if (!lock) throw new HttpError(412, 'Precondition Failed');
    locks.refresh(lock, timeout);
    lockAnswer(ctx, 200, lock, false);
    return;
  }

  const root = parseBody(ctx);
  if (root.ns !== NS.dav || root.local !== 'lockinfo') throw new HttpError(400, 'Bad Request');
  const scopeEl = childOf(root, NS.dav, 'lockscope');
  const scope: LockScope | undefined =
    scopeEl && childOf(scopeEl, NS.dav, 'exclusive') ? 'exclusive' : scopeEl && childOf(scopeEl, NS.dav, 'shared') ? 'shared' : undefined;
  const typeEl = childOf(root, NS.dav, 'locktype');
  if (!scope || !typeEl || !childOf(typeEl, NS.dav, 'write')) throw new HttpError(400, 'Bad Request');
  const ownerEl = childOf(root, NS.dav, 'owner');
  const owner = ownerEl ? toNode(ownerEl) : undefined;
  const depthHeader = (header(ctx, 'depth') ?? 'infinity').trim().toLowerCase();
  if (depthHeader !== '0' && depthHeader !== 'infinity') throw new HttpError(400, 'Bad Request');

  const conflicting = (found: Lock[]): boolean => found.some((l) => l.scope === 'exclusive' || scope === 'exclusive');
  let status = 200;
  if (t.kind === 'missing') {
    if (!t.parent) throw new HttpError(409, 'Conflict');
    // Adding a member to a locked collection needs that collection's token (RFC 4918 §7.4).
    const lists = ifLists(ctx);
    const submitted = lists ? submittedTokens(lists) : new Set<string>();
    const parentLocks = locks.covering({ kind: 'folder', folder: t.parent });
    if (parentLocks.some((l) => !submitted.has(l.token)) || conflicting(parentLocks.filter((l) => l.depth === 'infinity'))) {
      throw new HttpError(423, 'Locked');
    }
    // RFC 4918 §9.10.4: locking an unmapped URL creates an empty resource there (answered 201).
    const created = store.createItem(t.parent, t.name, new Map([[`${NS.dav}contentclass`, { type: 'string', value: 'urn:content-classes:document' }]]), '');
    t = { kind: 'item', item: created };
    status = 201;
  }
  const r = lockable(t)!;
  const deep = r.kind === 'folder' && depthHeader === 'infinity';
  if (conflicting([...locks.covering(r), ...(deep && r.kind === 'folder' ? locks.inside(r.folder) : [])])) {
    ctx.log.info({ event: 'dav.lock.conflict' }, 'LOCK refused: already locked');
    throw new HttpError(423, 'Locked');
  }
  const lock = locks.create(r, scope, deep ? 'infinity' : '0', owner, principalOf(ctx), timeout, resourceHref(store, ctx.base, r));
  ctx.log.info({ event: 'dav.lock.created', scope, depth: lock.depth }, 'lock granted');
  lockAnswer(ctx, status, lock, true);
}

export function handleUnlock(ctx: RequestContext, m: MailboxRequest): void {
  const { locks } = ctx.state.store;
  const raw = header(ctx, 'lock-token');
  const token = raw?.trim().replace(/^<|>$/g, '').trim();
  if (!token) throw new HttpError(400, 'Bad Request');
  const r = lockable(m.target);
  if (!r) throw new HttpError(404, 'Not Found');
  const lock = locks.covering(r).find((l) => l.token === token);
  // RFC 4918 §9.11.1: a token that is not a lock on this resource is 409 (lock-token-matches-request-uri).
  if (!lock) throw new HttpError(409, 'Conflict');
  if (lock.principal !== principalOf(ctx)) throw new HttpError(403, 'Forbidden');
  locks.remove(lock.token);
  ctx.log.info({ event: 'dav.lock.removed' }, 'unlocked');
  sendEmpty(ctx.res, 204);
}
