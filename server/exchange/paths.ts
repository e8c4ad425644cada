// Server-relative paths: mailbox roots, item names derived from UIDs, and joining (§2).

/** `/exchange/<alias>/` with the alias %-encoded as one segment. */
export function mailboxRoot(alias: string): string {
  return `/exchange/${encodeURIComponent(alias)}/`;
}

/** The submission URI when discovery does not give one (§2: always this in practice). */
export function defaultSubmissionPath(alias: string): string {
  return `${mailboxRoot(alias)}%23%23DavMailSubmissionURI%23%23/`;
}

/** Folder path without a trailing slash, so items can be appended. */
export function folderBase(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * A file name for an item derived from the meeting UID, so every retry addresses the same item (§2). Keeps
 * letters, digits, `-`, `_` and `.`; anything else is %-encoded as UTF-8, which Exchange stores literally.
 */
export function itemName(uid: string, suffix = ''): string {
  const safe = Array.from(uid + suffix)
    .map((ch) => (/^[A-Za-z0-9._-]$/.test(ch) ? ch : encodeURIComponent(ch).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())))
    .join('');
  return `${safe}.EML`;
}

export function itemPath(folder: string, name: string): string {
  return `${folderBase(folder)}/${name}`;
}

/** The last path segment (the item's file name), still %-encoded. */
export function lastSegment(path: string): string {
  const trimmed = folderBase(path);
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
