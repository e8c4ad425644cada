// Request paths split into decoded segments: a leaf module, so the router and the DAV target resolver share it
// without importing the HTTP front end (which imports them).
import { HttpError } from './context.ts';

/** Decoded path segments after a virtual root, and whether the path ended with a slash. */
export interface SplitPath {
  segments: string[];
  trailingSlash: boolean;
}

export function splitPath(path: string, root: string): SplitPath {
  const rest = path.slice(root.length);
  const raw = rest.split('/').filter((s) => s !== '');
  try {
    return { segments: raw.map((s) => decodeURIComponent(s)), trailingSlash: rest.endsWith('/') };
  } catch {
    throw new HttpError(400, 'Bad Request');
  }
}
