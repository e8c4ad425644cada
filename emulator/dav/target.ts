// Resolves a path inside a mailbox to a folder, an item, the submission URI or a missing name (§2).
import { FLAT_URL_SPACE, SUBMISSION_SEGMENT } from '../store/folders.ts';
import type { Folder, Item, Mailbox, Store } from '../store/store.ts';
import { HttpError, type RequestContext } from '../http/context.ts';
import { splitPath } from '../http/paths.ts';
import { canAccess } from '../org.ts';

export type Target =
  | { kind: 'folder'; folder: Folder }
  | { kind: 'item'; item: Item }
  | { kind: 'submission' }
  /** Nothing there; `parent` is the folder it would go in (undefined when that is missing too). */
  | { kind: 'missing'; parent: Folder | undefined; name: string };

export function resolveTarget(store: Store, mailbox: Mailbox, segments: string[]): Target {
  if (segments.length === 0) return { kind: 'folder', folder: mailbox.root };
  const first = segments[0]!;
  if (first.toLowerCase() === SUBMISSION_SEGMENT.toLowerCase()) {
    return segments.length === 1 ? { kind: 'submission' } : { kind: 'missing', parent: undefined, name: segments.at(-1)! };
  }
  if (first === FLAT_URL_SPACE) {
    const folder = store.folderIndex.get(segments[1] ?? '');
    const name = segments.at(-1)!;
    if (!folder || folder.mailbox !== mailbox || segments.length > 3) return { kind: 'missing', parent: undefined, name };
    if (segments.length === 2) return { kind: 'folder', folder };
    const item = store.itemIndex.get(segments[2]!);
    return item && item.folder === folder ? { kind: 'item', item } : { kind: 'missing', parent: undefined, name };
  }
  let folder: Folder = mailbox.root;
  for (const seg of segments.slice(0, -1)) {
    const next = store.childFolder(folder, seg);
    if (!next) return { kind: 'missing', parent: undefined, name: segments.at(-1)! };
    folder = next;
  }
  const last = segments.at(-1)!;
  const child = store.childFolder(folder, last);
  if (child) return { kind: 'folder', folder: child };
  const item = store.item(folder, last);
  if (item) return { kind: 'item', item };
  return { kind: 'missing', parent: folder, name: last };
}

export interface ResolvedUrl {
  mailbox: Mailbox;
  target: Target;
}

/**
 * Resolves an absolute URL or server-relative path (Destination header, SEARCH scope) to a mailbox target,
 * checking that the signed-in account may use that mailbox.
 */
export function resolveUrl(ctx: RequestContext, ref: string): ResolvedUrl {
  let path: string;
  try {
    path = new URL(ref, ctx.base).pathname;
  } catch {
    throw new HttpError(400, 'Bad Request');
  }
  const lower = path.toLowerCase();
  // EXCHANGE: a destination outside this server's mailbox store is a 502 Bad Gateway (RFC 2518 §8.9.4).
  if (!lower.startsWith('/exchange/')) throw new HttpError(502, 'Bad Gateway');
  const { segments } = splitPath(path, '/exchange');
  const mailbox = segments[0] ? ctx.state.store.mailbox(segments[0]) : undefined;
  if (!mailbox) throw new HttpError(404, 'Not Found');
  if (!ctx.principal || !canAccess(ctx.state.org, ctx.principal.alias, mailbox.config.alias)) throw new HttpError(403, 'Forbidden');
  return { mailbox, target: resolveTarget(ctx.state.store, mailbox, segments.slice(1)) };
}
